import path from 'node:path';
import { loadConfig } from '../config.js';
import { loadKnowledge } from '../knowledge/loader.js';
import { projectRoot } from '../paths.js';
import { evaluate, loadLabelledSet } from './evaluate.js';
import { LocalRecognizer } from './localRecognizer.js';

/** `npm run eval:recognizer [-- file.yaml]`: accuracy of the offline recognizer on a labelled phrase set. */
const config = loadConfig();
const file = process.argv[2] ?? path.join(projectRoot(), 'test/fixtures/recognizer-phrases.yaml');
const recognizer = new LocalRecognizer(loadKnowledge(config.knowledgeDir));
const e = await evaluate(recognizer, loadLabelledSet(file), config.recognizerThreshold);
const pct = (n: number): string => `${((100 * n) / e.total).toFixed(1)}%`;
console.log(`phrases: ${e.total} (threshold ${config.recognizerThreshold})`);
console.log(`top-1 accuracy:        ${e.correct}/${e.total} = ${pct(e.correct)}`);
console.log(`in top 3 (guesses):    ${e.inTop3}/${e.total} = ${pct(e.inTop3)}`);
console.log(`confident and right:   ${e.confidentCorrect}/${e.total} = ${pct(e.confidentCorrect)}`);
console.log(`confident but wrong:   ${e.confidentWrong}/${e.total} = ${pct(e.confidentWrong)}`);
console.log(`latency per phrase:    mean ${e.latency.mean} ms, p95 ${e.latency.p95} ms (npm run eval:routing compares the model path)`);
if (process.argv.includes('--misses') || process.env.SHOW_MISSES) {
  for (const m of e.misses) console.log(`  miss: "${m.text}" expected ${m.expected}, got ${m.got} (${m.confidence})`);
}
