import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { KnowledgeError, loadKnowledge } from '../src/knowledge/loader.js';
import { projectRoot } from '../src/paths.js';
import { tempDir } from './helpers/botHarness.js';

const realDir = path.join(projectRoot(), 'knowledge');

type Nodes = Record<string, unknown>[];

/** A copy of the real knowledge folder with one file's nodes changed, so each test breaks exactly one thing. */
function brokenCopy(file: string, change: (nodes: Nodes) => Nodes): string {
  const dir = tempDir('knowledge-');
  cpSync(realDir, dir, { recursive: true });
  const target = path.join(dir, 'nodes', file);
  writeFileSync(target, stringify(change(parse(readFileSync(target, 'utf8')) as Nodes)));
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadKnowledge(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeError);
    return (err as KnowledgeError).problems;
  }
  throw new Error('expected the knowledge to be rejected');
}

const byId = (nodes: Nodes, id: string): Record<string, unknown> => nodes.find((n) => n.id === id)!;

describe('knowledge validation', () => {
  it('accepts the shipped tree', () => {
    const tree = loadKnowledge(realDir);
    expect(tree.nodes.size).toBeGreaterThan(30);
    for (const node of tree.nodes.values()) expect(node.source.length).toBeGreaterThan(0);
  });

  it('names file and node for a dangling reference', () => {
    const dir = brokenCopy('no-code.yaml', (nodes) => {
      byId(nodes, 'no-code').next = 'no-such-step';
      return nodes;
    });
    expect(problemsOf(dir)).toEqual([
      expect.stringMatching(/nodes\/no-code\.yaml: node "no-code": "not fixed" goes to "no-such-step", which does not exist/),
    ]);
  });

  it('names both files for a duplicate id', () => {
    const dir = brokenCopy('app-password.yaml', (nodes) => [...nodes, { ...byId(nodes, 'app-password'), id: 'lost-phone' }]);
    const [problem, ...rest] = problemsOf(dir);
    expect(rest).toEqual([]);
    // Files load in name order, so the copy in lost-phone.yaml is the one reported, naming the first.
    expect(problem).toMatch(/nodes\/lost-phone\.yaml: node "lost-phone": duplicate id \(already defined in .*nodes\/app-password\.yaml\)/);
  });

  it('reports a node no path leads to', () => {
    const dir = brokenCopy('forgot-password.yaml', (nodes) => [
      ...nodes,
      { id: 'orphan-step', type: 'step', title: 'Orphan', source: ['troubleshoot-2016'], text: 'Nobody gets here.' },
    ]);
    expect(problemsOf(dir)).toEqual([expect.stringMatching(/forgot-password\.yaml: node "orphan-step": unreachable/)]);
  });

  it('reports a dead end: a choice with no options', () => {
    const dir = brokenCopy('changed-number.yaml', (nodes) => {
      byId(nodes, 'changed-number-work').options = [];
      return nodes;
    });
    expect(problemsOf(dir)).toEqual([expect.stringMatching(/changed-number\.yaml: node "changed-number-work": options: .*dead end/)]);
  });

  it('reports a loop, since that path never ends in resolved or escalate', () => {
    const dir = brokenCopy('no-code.yaml', (nodes) => {
      byId(nodes, 'no-code-check-number').next = 'no-code';
      return nodes;
    });
    expect(problemsOf(dir).join('\n')).toMatch(
      /node "no-code": the path never ends in "resolved" or "escalate" \(loop no-code -> .* -> no-code\)/,
    );
  });

  it('reports schema problems with the field, an unknown source, and invalid YAML', () => {
    const dir = brokenCopy('lost-phone.yaml', (nodes) => {
      delete byId(nodes, 'lost-phone').text;
      byId(nodes, 'lost-phone-report').source = ['wikipedia'];
      return nodes;
    });
    expect(problemsOf(dir)).toEqual([expect.stringMatching(/lost-phone\.yaml: node "lost-phone": text: /)]);
    const dir2 = brokenCopy('lost-phone.yaml', (nodes) => {
      byId(nodes, 'lost-phone-report').source = ['wikipedia'];
      return nodes;
    });
    expect(problemsOf(dir2)).toEqual([expect.stringMatching(/node "lost-phone-report": source "wikipedia" is not listed/)]);
    const dir3 = tempDir('knowledge-');
    cpSync(realDir, dir3, { recursive: true });
    writeFileSync(path.join(dir3, 'nodes', 'main.yaml'), 'this: is: not: yaml: [');
    expect(problemsOf(dir3)[0]).toMatch(/nodes\/main\.yaml: cannot read YAML/);
  });

  it('needs no code change to add a branch: a new file and a menu option are enough', () => {
    const dir = brokenCopy('main.yaml', (nodes) => {
      const menu = byId(nodes, 'main-menu') as { options: unknown[] };
      menu.options.splice(0, 0, { label: 'My security key is lost', goto: 'security-key' });
      return nodes;
    });
    mkdirSync(path.join(dir, 'nodes'), { recursive: true });
    writeFileSync(
      path.join(dir, 'nodes', 'security-key.yaml'),
      stringify([
        { id: 'security-key', type: 'step', title: 'Security key', source: ['sign-in-methods-2018'], text: 'Use another method.' },
      ]),
    );
    const tree = loadKnowledge(dir);
    expect(tree.nodes.get('security-key')?.type).toBe('step');
  });
});
