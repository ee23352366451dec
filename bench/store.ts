import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FsyncResult, Latencies, MeasureResult, SeedDone, StoreChildMessage } from './storeChild.js';

/**
 * `npm run bench -- --conversations 100000`: the embedded store alone, without HTTP or the bot.
 *
 * 1. The fsync cost: a turn's store writes (its state, two transcript entries, the walk) from `users`
 *    concurrent loops, with the journal synced before acknowledging (the default) and without (STORE_FSYNC=off).
 * 2. At `conversations` stored ones: a store folder seeded once (kept in BENCH_STORE_DIR, default the system's
 *    temp folder, and reused while its marker matches), then opened in a fresh process: open time, heap after
 *    open, the admin list, filters, text search and one transcript, and a turn's writes under load.
 */
const CHILD = fileURLToPath(new URL('./storeChild.ts', import.meta.url));
/** Bump when seeding changes what it writes, so an old seeded folder is not reused. */
const SEED_VERSION = 1;

function run<T extends StoreChildMessage>(args: string[], log: (line: string) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, args, {
      execArgv: ['--import', 'tsx', '--no-deprecation', '--expose-gc'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: T | undefined;
    child.on('message', (m: StoreChildMessage) => {
      if (m.type === 'progress') log(`    seeded ${m.seeded.toLocaleString('en-US')}`);
      else result = m as T;
    });
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`store bench child ${args[0]} exited (code ${code})`))));
  });
}

const f = (n: number): string => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '-');
const lat = (l: Latencies): string => `p50 ${f(l.p50)} ms, p95 ${f(l.p95)} ms, p99 ${f(l.p99)} ms (n=${l.count})`;

export interface StoreBenchOptions {
  conversations: number;
  seconds: number;
  users: number;
}

export async function runStoreBench(o: StoreBenchOptions, log: (line: string) => void): Promise<void> {
  const base = process.env.BENCH_STORE_DIR ?? os.tmpdir();
  // With one loop every commit is alone (the sync's own latency); with many, a sync is shared by every turn
  // that arrived meanwhile (group commit).
  for (const users of [1, o.users]) {
    log(`\n- fsync cost: a turn's store writes from ${users} concurrent loop(s), ${o.seconds} s each (folder in ${base})`);
    const fsync: Record<string, FsyncResult> = {};
    for (const mode of ['on', 'off']) {
      const dir = mkdtempSync(path.join(base, 'mfa-bench-fsync-'));
      try {
        fsync[mode] = await run<FsyncResult>(['fsync', dir, mode, String(o.seconds), String(users)], log);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const t = fsync[mode]!.turns;
      log(`    STORE_FSYNC=${mode}: ${f(t.perSec)} turns/s, ${lat(t)}`);
    }
    const on = fsync.on!.turns;
    const off = fsync.off!.turns;
    log(
      `    fsync cost: turns/s ${f(off.perSec)} -> ${f(on.perSec)}, p50 ${f(off.p50)} -> ${f(on.p50)} ms, p99 ${f(off.p99)} -> ${f(on.p99)} ms`,
    );
  }

  const dir = path.join(base, `mfa-bench-store-${o.conversations}`);
  const marker = path.join(dir, 'seeded.json');
  const wanted = JSON.stringify({ conversations: o.conversations, version: SEED_VERSION });
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== wanted) {
    rmSync(dir, { recursive: true, force: true });
    log(`\n- seeding ${o.conversations.toLocaleString('en-US')} conversations into ${dir} (once; reused by later runs)`);
    const seeded = await run<SeedDone>(['seed', dir, String(o.conversations)], log);
    log(`    seeded ${seeded.seeded.toLocaleString('en-US')} in ${(seeded.ms / 1000).toFixed(1)} s`);
    writeFileSync(marker, wanted);
  } else log(`\n- reusing the ${o.conversations.toLocaleString('en-US')} conversations seeded in ${dir}`);

  // Twice: the first open after seeding (or after an upgrade) may build what later opens only load.
  for (const pass of ['first', 'second']) {
    const m = await run<MeasureResult>(['measure', dir, String(o.seconds), String(o.users)], log);
    log(`\n- ${pass} open of ${m.conversations.toLocaleString('en-US')} stored conversations, in a fresh process`);
    log(
      `    start-up (open) ${(m.openMs / 1000).toFixed(2)} s; heap after start-up ${Math.round(m.heapMb)} MB (RSS ${Math.round(m.rssMb)} MB)`,
    );
    log(
      `    first text search ${f(m.firstTextSearchMs)} ms (waits for any indexing left after open); heap then ${Math.round(m.settledHeapMb)} MB`,
    );
    log(`    admin list, newest first, 50 a page: ${lat(m.list)}`);
    log(`    admin list, outcome + last 7 days: ${lat(m.filtered)}`);
    log(`    text search: ${lat(m.textSearch)}`);
    log(`    one transcript: ${lat(m.get)}`);
    log(`    a turn's writes, ${o.users} concurrent: ${f(m.turns.perSec)} turns/s, ${lat(m.turns)}`);
    log(`    peak RSS ${Math.round(m.peakRssMb)} MB`);
    if (pass === 'second') {
      log('Targets at this size');
      const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
      log(`  ${verdict(m.openMs < 3000)}  start-up under 3 s: ${(m.openMs / 1000).toFixed(2)} s`);
      log(
        `  ${verdict(m.heapMb < 150)}  heap after start-up under 150 MB: ${Math.round(m.heapMb)} MB (${Math.round(m.settledHeapMb)} MB once indexed)`,
      );
      log(
        `  ${verdict(Math.max(m.list.p95, m.filtered.p95) < 200)}  admin list p95 under 200 ms: ${f(Math.max(m.list.p95, m.filtered.p95))} ms`,
      );
      log(`  ${verdict(m.textSearch.p95 < 200)}  text search p95 under 200 ms: ${f(m.textSearch.p95)} ms`);
    }
  }
}
