import path from 'node:path';
import { loadConfig } from '../config.js';
import { loadKnowledge } from '../knowledge/loader.js';
import { projectRoot } from '../paths.js';
import { evaluate, evaluateAmbiguous, loadAmbiguousSet, loadLabelledSet, type Evaluation, type LabelledPhrase } from './evaluate.js';
import { LocalRecognizer } from './localRecognizer.js';

/**
 * `npm run eval:recognizer [-- file.yaml] [--misses]`: accuracy of the offline recognizer. Without a file it
 * prints the tuning set, the held-out split (never tuned on), both together, and the ambiguous set (where the
 * only right answer is to ask). `--misses` lists the tuning set's misses only, so nobody tunes on the held-out.
 */
const config = loadConfig();
const args = process.argv.slice(2);
const showMisses = args.includes('--misses') || Boolean(process.env.SHOW_MISSES);
const file = args.find((a) => !a.startsWith('--'));
const recognizer = new LocalRecognizer(loadKnowledge(config.knowledgeDir));
const threshold = config.recognizerThreshold;
const fixture = (name: string): string => path.join(projectRoot(), 'test/fixtures', name);

function print(title: string, e: Evaluation, misses: boolean): void {
  const pct = (n: number): string => `${((100 * n) / e.total).toFixed(1)}%`;
  console.log(`\n${title}: ${e.total} phrases (threshold ${threshold})`);
  console.log(`  top-1 accuracy:        ${e.correct}/${e.total} = ${pct(e.correct)}`);
  console.log(`  in top 3 (guesses):    ${e.inTop3}/${e.total} = ${pct(e.inTop3)}`);
  console.log(`  confident and right:   ${e.confidentCorrect}/${e.total} = ${pct(e.confidentCorrect)}`);
  console.log(`  confident but wrong:   ${e.confidentWrong}/${e.total} = ${pct(e.confidentWrong)}`);
  console.log(`  latency per phrase:    mean ${e.latency.mean} ms, p95 ${e.latency.p95} ms`);
  if (misses) for (const m of e.misses) console.log(`    miss: "${m.text}" expected ${m.expected}, got ${m.got} (${m.confidence})`);
}

if (file) {
  print(path.basename(file), await evaluate(recognizer, loadLabelledSet(file), threshold), showMisses);
} else {
  const tuning: LabelledPhrase[] = loadLabelledSet(fixture('recognizer-phrases.yaml'));
  const heldOut = loadLabelledSet(fixture('recognizer-heldout.yaml'));
  print('tuning set (recognizer-phrases.yaml)', await evaluate(recognizer, tuning, threshold), showMisses);
  // Never print the held-out misses: reading them is tuning on them.
  print('held-out split (recognizer-heldout.yaml)', await evaluate(recognizer, heldOut, threshold), false);
  print('all labelled', await evaluate(recognizer, [...tuning, ...heldOut], threshold), false);
  const amb = await evaluateAmbiguous(recognizer, loadAmbiguousSet(fixture('recognizer-ambiguous.yaml')), threshold);
  console.log(`\nambiguous set (recognizer-ambiguous.yaml): ${amb.total} phrases that must be asked about`);
  console.log(`  jumps (confident, should ask): ${amb.jumps.length}/${amb.total}`);
  console.log(`  a fitting branch among the 3 guesses: ${amb.guessedWell}/${amb.guessable}`);
  for (const j of amb.jumps) console.log(`    jump: "${j.text}" -> ${j.got} (${j.confidence})`);
}
console.log('\n(npm run eval:routing compares the model path)');
