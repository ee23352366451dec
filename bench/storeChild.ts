// The embedded store alone, in a process of its own (forked by store.ts) so each measurement starts from a
// cold heap: `seed <dir> <n>`, `measure <dir> <seconds> <users>` or `fsync <dir> <on|off> <seconds> <users>`.
// Prints one JSON line (the result) on IPC.
import path from 'node:path';
import { loadKnowledge } from '../src/knowledge/loader.js';
import { projectRoot } from '../src/paths.js';
import { EmbeddedStateStorage } from '../src/stores/embedded/stateStorage.js';
import { EmbeddedTicketStore } from '../src/stores/embedded/ticketStore.js';
import { EmbeddedTranscriptStore } from '../src/stores/embedded/transcriptStore.js';
import { percentile } from './report.js';
import { seedConversations } from './seed.js';

export interface Latencies {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
export interface MeasureResult {
  type: 'measure';
  conversations: number;
  openMs: number;
  heapMb: number;
  /** After the first text search, which waits for the words the open left to a background pass. */
  settledHeapMb: number;
  rssMb: number;
  peakRssMb: number;
  list: Latencies;
  filtered: Latencies;
  firstTextSearchMs: number;
  textSearch: Latencies;
  get: Latencies;
  turns: Latencies & { perSec: number };
}
export interface FsyncResult {
  type: 'fsync';
  sync: boolean;
  turns: Latencies & { perSec: number };
}
export interface SeedDone {
  type: 'seed';
  seeded: number;
  ms: number;
}
export type StoreChildMessage = MeasureResult | FsyncResult | SeedDone | { type: 'progress'; seeded: number };

const send = (m: StoreChildMessage): void => void process.send!(m);
const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;

let peakRss = 0;
const sample = (): void => void (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
setInterval(sample, 50).unref();

function summary(values: number[]): Latencies {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
  };
}

async function timed(n: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = process.hrtime.bigint();
    await call(i);
    out.push(ms(t));
  }
  return out;
}

async function open(dir: string, sync: boolean) {
  const [storage, transcripts, tickets] = await Promise.all([
    EmbeddedStateStorage.open(path.join(dir, 'state'), { sync }),
    EmbeddedTranscriptStore.open(path.join(dir, 'transcripts'), { sync }),
    EmbeddedTicketStore.open(path.join(dir, 'tickets'), { sync }),
  ]);
  return { storage, transcripts, tickets, close: () => Promise.all([storage.close(), transcripts.close(), tickets.close()]) };
}

/**
 * `users` loops, each a turn's store writes as the bot makes them (its state, and three transcript entries of
 * its conversation) for `seconds`; the latency of each turn's writes together.
 */
async function turns(stores: Awaited<ReturnType<typeof open>>, seconds: number, users: number): Promise<Latencies & { perSec: number }> {
  const latencies: number[] = [];
  const end = Date.now() + seconds * 1000;
  const started = Date.now();
  const user = async (u: number): Promise<void> => {
    const info = { conversationId: `bench-turn-${process.pid}-${u}`, channelId: 'webchat', userId: `bench-${u}@contoso.com` };
    for (let k = 0; Date.now() < end; k += 1) {
      const t = process.hrtime.bigint();
      const at = new Date().toISOString();
      await Promise.all([
        stores.storage.write({ [`webchat/conversations/${info.conversationId}/`]: { dialogState: { step: k, pad: 'x'.repeat(800) } } }),
        stores.transcripts.log(info, { at, role: 'user', type: 'message', text: `my authenticator code ${k} never arrives` }),
        stores.transcripts.log(info, { at, role: 'bot', type: 'message', text: 'Let us check the phone first.', buttons: ['Yes', 'No'] }),
        stores.transcripts.progress(info, { branch: 'no-code', path: [{ node: 'no-code' }] }, at),
      ]);
      latencies.push(ms(t));
    }
    await stores.transcripts.delete(info.conversationId);
  };
  await Promise.all(Array.from({ length: users }, (_, u) => user(u)));
  return { ...summary(latencies), perSec: latencies.length / ((Date.now() - started) / 1000) };
}

const WORDS = ['authenticator', 'code never arrives', 'lost phone', 'seed-user-4242', 'verification', 'signin', 'nothing matches this'];

async function measure(dir: string, seconds: number, users: number): Promise<MeasureResult> {
  const t = process.hrtime.bigint();
  const stores = await open(dir, true);
  const openMs = ms(t);
  global.gc?.();
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  const rssMb = process.memoryUsage.rss() / 1024 / 1024;
  const now = new Date();
  const first = process.hrtime.bigint();
  await stores.transcripts.search({ text: 'authenticator' }, { offset: 0, limit: 50 }, now);
  const firstTextSearchMs = ms(first);
  global.gc?.();
  const settledHeapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  const total = (await stores.transcripts.search({}, { offset: 0, limit: 0 }, now)).total;
  const page = (i: number) => ({ offset: ((i * 7919) % Math.max(1, Math.floor(total / 50))) * 50, limit: 50 });
  const list = await timed(40, (i) => stores.transcripts.search({}, page(i), now));
  const filtered = await timed(40, (i) =>
    stores.transcripts.search({ outcome: i % 2 ? 'escalated' : 'resolved', from: new Date(now.getTime() - 7 * 86_400_000) }, page(i), now),
  );
  const text = await timed(40, (i) => stores.transcripts.search({ text: WORDS[i % WORDS.length]! }, { offset: 0, limit: 50 }, now));
  const get = await timed(40, (i) => stores.transcripts.get(`seed-${(i * 7919) % total}`, now));
  const turnResult = await turns(stores, seconds, users);
  await stores.close();
  sample();
  return {
    type: 'measure',
    conversations: total,
    openMs,
    heapMb,
    settledHeapMb,
    rssMb,
    peakRssMb: peakRss / 1024 / 1024,
    list: summary(list),
    filtered: summary(filtered),
    firstTextSearchMs,
    textSearch: summary(text),
    get: summary(get),
    turns: turnResult,
  };
}

async function seed(dir: string, n: number): Promise<SeedDone> {
  // Written without waiting for the disk (a benchmark's fixture), then reopened once so the journals are
  // replayed into the documents: the measured open starts from a settled store, as after a clean restart.
  const stores = await open(dir, false);
  const tree = loadKnowledge(path.join(projectRoot(), 'knowledge'));
  const result = await seedConversations({ ...stores, tree }, n, { onProgress: (seeded) => send({ type: 'progress', seeded }) });
  await stores.close();
  await (await open(dir, false)).close();
  return { type: 'seed', seeded: result.seeded, ms: result.ms };
}

async function fsyncCost(dir: string, sync: boolean, seconds: number, users: number): Promise<FsyncResult> {
  const stores = await open(dir, sync);
  const result = await turns(stores, seconds, users);
  await stores.close();
  return { type: 'fsync', sync, turns: result };
}

async function main(): Promise<void> {
  const [mode, dir = '', a = '', b = '', c = ''] = process.argv.slice(2);
  if (mode === 'seed') send(await seed(dir, Number(a)));
  else if (mode === 'measure') send(await measure(dir, Number(a), Number(b)));
  else if (mode === 'fsync') send(await fsyncCost(dir, a === 'on', Number(b), Number(c)));
  else throw new Error(`unknown mode ${mode}`);
  process.disconnect?.();
}

main().catch((err: Error) => {
  console.error(`store bench child failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
