import os from 'node:os';
import { CaptureServer } from './capture.js';
import { parseOptions, type BenchOptions } from './options.js';
import { runPhase, type PhaseResult } from './phase.js';
import { describePhase, markdownTable, targets, toRow, type Row } from './report.js';
import { botScript, echoScript, type Tree } from './scripts.js';
import { runStoreBench } from './store.js';

/**
 * `npm run bench [-- --quick] [--users N] [--seconds S] [--sizes 1000,10000,100000] [--trace]`
 * `npm run bench -- --conversations 100000`: the embedded store alone at that size, and the fsync cost.
 * Loopback only and bounded in time: every phase stops after warm-up + seconds, seeding after --seed-budget.
 */
const log = (line: string): void => console.log(line);
const count = (n: number): string => n.toLocaleString('en-US');

/** Other work on the machine skews every number here: say how busy it was. */
function loadLine(when: string): string {
  const [one, five] = os.loadavg();
  // Only before the run: afterwards the benchmark's own processes are in the average.
  const busy = when === 'before' && one! > os.cpus().length / 2 ? ' (busy machine: numbers are pessimistic, re-run on an idle one)' : '';
  return `load average ${when}: ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min)${busy}`;
}

function header(o: BenchOptions): string[] {
  return [
    `MFA help-desk bot benchmark${o.quick ? ' (quick)' : ''}: Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
    `${o.users} users, ${o.warmup} s warm-up + ${o.seconds} s per phase, stored conversations ${o.sizes.map(count).join(', ')}, seeding budget ${o.seedBudget} s`,
    `store-growth phases offer ${o.rate ? `${o.rate} turns/s` : "a quarter of the bot's measured maximum"} (latency at a fixed load; at saturation it only mirrors throughput)`,
    loadLine('before'),
  ];
}

/** Why a store-growth phase is not worth starting, judging by how fast the previous size was seeded. */
function seedingHopeless(stored: number, last: PhaseResult | undefined, budget: number): string | undefined {
  if (last?.skipped) return `not tried: seeding ${count(last.stored)} already ran out of time`;
  const seed = last?.seed;
  if (!seed || seed.seeded === 0) return undefined;
  const predicted = stored / ((seed.seeded / Math.max(seed.ms, 1)) * 1000);
  // The rate only falls as stores grow, so this estimate is optimistic: skipping on it never loses a result.
  return predicted > budget
    ? `not tried: ~${Math.round(predicted)} s to seed at ${count(Math.round(seed.seeded / (seed.ms / 1000)))}/s, budget ${budget} s`
    : undefined;
}

async function runAll(o: BenchOptions, capture: CaptureServer): Promise<{ results: PhaseResult[]; rows: Row[] }> {
  const results: PhaseResult[] = [];
  const rows: Row[] = [];
  const record = (r: PhaseResult): void => {
    results.push(r);
    rows.push(toRow(r, rows[0]?.turnsPerSec));
    describePhase(r, rows.at(-1)!).forEach(log);
  };
  log('\n- echo reference: bare restify, one reply POSTed to the capture endpoint');
  record(await runPhase({ name: 'echo', mode: 'echo', stored: 0, label: 'echo' }, o, capture, () => echoScript(), log));
  let tree: Tree | undefined;
  const scriptFor = (t: Tree | undefined): ReturnType<typeof botScript> => botScript((tree = t ?? tree)!);
  log('\n- bot with an empty store, as fast as it goes');
  record(await runPhase({ name: 'bot', mode: 'bot', stored: 0, label: 'bot-max' }, o, capture, scriptFor, log));
  // Store growth at one fixed load, so that latency changes come from the store and not from queueing.
  // A quarter, not half: a turn costs the server ~1.7x more CPU at a light load than flat out (measured: caches
  // and batching go cold between turns), so half the maximum already keeps it busy all the time.
  const rate = o.rate ?? Math.max(1, Math.round(rows.at(-1)!.turnsPerSec / 4));
  for (const [i, stored] of o.sizes.filter((n) => n > 0).entries()) {
    log(`\n- bot with ${count(stored)} stored conversations, ${rate} turns/s offered`);
    const hopeless = i > 0 ? seedingHopeless(stored, results.at(-1), o.seedBudget) : undefined;
    if (hopeless) record({ name: 'bot', stored, rate, skipped: hopeless });
    else record(await runPhase({ name: 'bot', mode: 'bot', stored, rate, label: `bot${i}` }, o, capture, scriptFor, log));
  }
  return { results, rows };
}

async function main(): Promise<void> {
  const o = parseOptions();
  const startedAt = Date.now();
  if (o.conversations !== undefined) {
    log(`MFA help-desk bot store benchmark: Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`);
    log(loadLine('before'));
    await runStoreBench({ conversations: o.conversations, seconds: o.seconds, users: o.users }, log);
    log(`\n${loadLine('after')}\nTotal ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
    return;
  }
  header(o).forEach(log);
  const capture = new CaptureServer();
  await capture.start();
  let outcome: Awaited<ReturnType<typeof runAll>>;
  try {
    outcome = await runAll(o, capture);
  } finally {
    await capture.close();
  }
  const { results, rows } = outcome;
  log('');
  const after = results.reduce((sum, r) => sum + (r.drive?.repliesAfterResponse ?? 0), 0);
  log('Turn latency: from sending the activity to the later of its HTTP response and its last captured reply.');
  log(`Replies captured after their turn's HTTP response: ${after}${after === 0 ? ' (the response marks the end of the turn)' : ''}.`);
  if (capture.rejected > 0) log(`Capture endpoint: ${capture.rejected} requests that were not reply POSTs.`);
  if (o.sizes.some((n) => n > 0) && !results.some((r) => r.seed?.state)) {
    log('Seeding wrote transcripts, outcomes and tickets but no conversation state: App exposes no state Storage.');
  }
  log(`\n${markdownTable(rows)}\n`);
  log('Targets');
  for (const t of targets(
    rows,
    o.sizes.filter((n) => n > 0),
  ))
    log(`  ${t.verdict}  ${t.name}: ${t.detail}`);
  log(`\n${loadLine('after')}\nTotal ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
