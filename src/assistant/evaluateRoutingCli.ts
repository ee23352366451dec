import path from 'node:path';
import { loadConfig, loadDotEnv } from '../config.js';
import { loadKnowledge } from '../knowledge/loader.js';
import { createLogger } from '../logger.js';
import { projectRoot } from '../paths.js';
import { evaluateRouting, loadLabelledSet, type Evaluation, type Verdict } from '../recognizer/evaluate.js';
import { LocalRecognizer } from '../recognizer/localRecognizer.js';
import { LocalAssistant } from './localAssistant.js';
import { OpenAIAssistant } from './openaiAssistant.js';
import type { Routing } from './types.js';

/**
 * `npm run eval:routing [-- file.yaml] [--misses]`: the labelled phrases through the local recognizer and,
 * when OPENAI_API_KEY or OPENAI_BASE_URL is set, through the model alone and through the bot's own rule
 * (local first when confident, the model otherwise), with accuracy and latency for each.
 */
loadDotEnv();
const config = loadConfig();
const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? path.join(projectRoot(), 'test/fixtures/recognizer-phrases.yaml');
const phrases = loadLabelledSet(file);
const tree = loadKnowledge(config.knowledgeDir);
const local = new LocalAssistant(new LocalRecognizer(tree), config.recognizerThreshold);
const verdict = (r: Routing): Verdict => ({ intent: r.node, confident: r.confident, top: r.candidates });
// Each phrase is its own conversation, so the per-conversation budget does not cut the run short.
const ctx = (i: number) => ({ conversationId: `eval-${i}` });

const rows: [string, Evaluation][] = [['local recognizer', await evaluateRouting(async (t) => verdict(await local.route(t)), phrases)]];
let model: OpenAIAssistant | undefined;
if (config.openai) {
  model = new OpenAIAssistant({ config: config.openai, tree, local, logger: createLogger('silent') });
  const m = model;
  rows.push(['model alone', await evaluateRouting(async (t, i) => verdict(await m.routeByModel(t, ctx(i))), phrases)]);
  const callsBefore = m.stats.calls;
  rows.push([
    'bot: local first, model if unsure',
    await evaluateRouting(async (t, i) => verdict(await m.route(t, ctx(i + phrases.length))), phrases),
  ]);
  rows.at(-1)![0] += ` (${m.stats.calls - callsBefore} asked of the model)`;
}

const pct = (n: number, total: number): string => `${n}/${total} ${((100 * n) / total).toFixed(1).padStart(5)}%`;
const thresholds = `local threshold ${config.recognizerThreshold}${config.openai ? `, model threshold ${config.openai.routeThreshold}` : ''}`;
console.log(`phrases: ${phrases.length} from ${path.relative(process.cwd(), file)} (${thresholds})`);
if (config.openai) console.log(`model: ${config.openai.model} at ${config.openai.baseUrl ?? 'https://api.openai.com/v1'}`);
else console.log('model: off (set OPENAI_API_KEY or OPENAI_BASE_URL to compare the model path)');
const width = Math.max(...rows.map(([name]) => name.length));
console.log(
  `\n${'path'.padEnd(width)}  top-1           in top 3        confident+right  confident+wrong  latency ms (mean / p50 / p95 / max)`,
);
for (const [name, e] of rows) {
  const l = e.latency;
  console.log(
    `${name.padEnd(width)}  ${pct(e.correct, e.total).padEnd(14)}  ${pct(e.inTop3, e.total).padEnd(14)}  ${pct(e.confidentCorrect, e.total).padEnd(15)}  ${pct(e.confidentWrong, e.total).padEnd(15)}  ${l.mean} / ${l.p50} / ${l.p95} / ${l.max}`,
  );
}
if (model) {
  const failures = Object.entries(model.stats.failures)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  console.log(`\nasked of the model: ${model.stats.calls}; not answered by it (the local path answered instead): ${failures || 'none'}`);
}
if (process.argv.includes('--misses')) {
  for (const [name, e] of rows) for (const m of e.misses) console.log(`  ${name} miss: "${m.text}" expected ${m.expected}, got ${m.got}`);
}
