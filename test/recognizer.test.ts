import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.js';
import { evaluate, loadLabelledSet } from '../src/recognizer/evaluate.js';
import { LocalRecognizer } from '../src/recognizer/localRecognizer.js';
import { realKnowledge } from './helpers/botHarness.js';

const tree = realKnowledge();
const recognizer = new LocalRecognizer(tree);
const run = promisify(execFile);

describe('local recognizer', () => {
  it.each([
    ['my phone was stolen', 'lost-phone'],
    ['the SMS never comes', 'no-code'],
    ['I left my phone at home today', 'phone-at-home'],
    ['outlook keeps rejecting my app password', 'app-password'],
    ['I forgot my password', 'forgot-password'],
  ])('routes "%s" to %s with confidence', async (text, intent) => {
    const c = await recognizer.classify(text);
    expect(c.intent).toBe(intent);
    expect(c.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('is unsure about a message that fits several branches, and still ranks alternatives', async () => {
    const c = await recognizer.classify('phone');
    expect(c.confidence).toBeLessThan(0.5);
    expect(c.alternatives.length).toBeGreaterThanOrEqual(2);
  });

  it('returns no intent for text with no known words', async () => {
    expect(await recognizer.classify('the and of')).toEqual({ intent: null, confidence: 0, alternatives: [] });
    expect((await recognizer.classify('xyzzy plugh')).intent).toBeNull();
  });

  it('keeps its measured accuracy on the labelled phrase set (phrases not in the tree)', async () => {
    const phrases = loadLabelledSet(path.join(projectRoot(), 'test/fixtures/recognizer-phrases.yaml'));
    expect(phrases.length).toBeGreaterThanOrEqual(60);
    const examples = new Set([...tree.nodes.values()].flatMap((n) => n.examples.map((e) => e.toLowerCase())));
    expect(phrases.filter((p) => examples.has(p.text.toLowerCase()))).toEqual([]);
    for (const p of phrases) expect(tree.nodes.has(p.intent)).toBe(true);
    const e = await evaluate(recognizer, phrases, 0.5);
    // Floors a little under the figures in docs/testing.md (86% top-1, 96% top-3, 4.5% confidently wrong).
    expect(e.correct / e.total).toBeGreaterThanOrEqual(0.82);
    expect(e.inTop3 / e.total).toBeGreaterThanOrEqual(0.92);
    expect(e.confidentWrong / e.total).toBeLessThanOrEqual(0.08);
  });

  it('`npm run classify` prints the verdict as JSON', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/recognizer/classifyCli.ts', 'no text message arrives'], {
      cwd: projectRoot(),
    });
    const verdict = JSON.parse(stdout) as { intent: string; confidence: number; alternatives: unknown[] };
    expect(verdict.intent).toBe('no-code');
    expect(typeof verdict.confidence).toBe('number');
    expect(Array.isArray(verdict.alternatives)).toBe(true);
  });
});
