import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaptureServer } from './capture.js';
import { drive, type DriveResult, type Script } from './driver.js';
import type { BenchOptions } from './options.js';
import type { Tree } from './scripts.js';
import type { ChildMessage, ParentMessage } from './server.js';

export interface PhaseResult {
  name: string;
  stored: number;
  /** Offered turns/s when the phase was paced; unset for a saturation (as fast as possible) phase. */
  rate?: number;
  /** 1-minute load average when the phase ended: other work on the machine shows here. */
  load?: number;
  /** Set when the phase did not run its load (seeding ran out of time), with the reason. */
  skipped?: string;
  seed?: { seeded: number; ms: number; state: boolean; restartMs?: number; heapMb?: number };
  drive?: DriveResult;
  peakRssMb?: number;
  /** Server CPU (user + system) per answered turn, warm-up included: unlike turns/s, barely moved by other load. */
  serverCpuMsPerTurn?: number;
}

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

/** A running server process (bot or echo) and its first message. */
interface Child {
  process: ChildProcess;
  ready: Extract<ChildMessage, { type: 'ready' }>;
}

function nextMessage<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T,
  onOther?: (m: ChildMessage) => void,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return reject(new Error(`the bench server had exited before sending "${type}"`));
    const onMessage = (m: ChildMessage): void => {
      if (m.type !== type) return onOther?.(m);
      child.off('message', onMessage).off('exit', onExit);
      resolve(m as Extract<ChildMessage, { type: T }>);
    };
    const onExit = (code: number | null): void => reject(new Error(`the bench server exited (code ${code}) before sending "${type}"`));
    child.on('message', onMessage).once('exit', onExit);
  });
}

async function spawn(args: string[], log: (line: string) => void, target: number): Promise<Child> {
  // Same Node flags for the bot and the echo, so the comparison differs only in the server code;
  // BENCH_SERVER_NODE_ARGS adds some to both, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them.
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = fork(SERVER, args, {
    execArgv: ['--import', 'tsx', '--no-deprecation', '--expose-gc', ...extra],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextMessage(child, 'ready', (m) => {
    if (m.type === 'progress') log(`    seeded ${m.seeded.toLocaleString('en-US')} / ${target.toLocaleString('en-US')}`);
  });
  return { process: child, ready };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'stop' } satisfies ParentMessage);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000); // a server stuck closing must not hang the run
  await exited;
  clearTimeout(timer);
}

/**
 * One phase: a fresh server process (and, for the bot, a fresh data dir with `stored` conversations seeded),
 * a warm-up, the measured load, then its peak RSS. Fresh processes keep one phase's heap and JIT state out of
 * the next.
 */
export async function runPhase(
  p: { name: string; mode: 'bot' | 'echo'; stored: number; label: string; rate?: number },
  o: BenchOptions,
  capture: CaptureServer,
  scriptFor: (tree: Tree | undefined) => Script,
  log: (line: string) => void,
): Promise<PhaseResult & { tree?: Tree }> {
  // Made and removed here, so a server that crashed or was killed leaves nothing behind.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mfa-bench-'));
  const args = p.mode === 'echo' ? ['echo'] : ['bot', dataDir, String(p.stored), String(o.seedBudget * 1000), capture.url];
  let child: Child | undefined;
  try {
    child = await spawn(args, log, p.stored);
    const { seed, tree } = child.ready;
    const result: PhaseResult & { tree?: Tree } = {
      name: p.name,
      stored: p.stored,
      ...(p.rate ? { rate: p.rate } : {}),
      ...(tree ? { tree } : {}),
    };
    if (seed) {
      result.seed = {
        seeded: seed.seeded,
        ms: seed.ms,
        state: seed.state,
        ...(seed.restartMs !== undefined ? { restartMs: seed.restartMs } : {}),
        heapMb: seed.heapMb,
      };
      if (p.stored > 0)
        log(
          `    seeded ${seed.seeded.toLocaleString('en-US')} conversations in ${(seed.ms / 1000).toFixed(1)} s (${Math.round(seed.seeded / Math.max(seed.ms / 1000, 0.001)).toLocaleString('en-US')}/s)`,
        );
      if (seed.restartMs !== undefined)
        log(`    restarted on them in ${(seed.restartMs / 1000).toFixed(1)} s; heap after start-up ${Math.round(seed.heapMb)} MB`);
      if (!seed.complete) {
        result.skipped = `seeding stopped after ${o.seedBudget} s at ${seed.seeded.toLocaleString('en-US')} of ${p.stored.toLocaleString('en-US')}`;
        return result;
      }
    }
    child.process.send({ type: 'reset-peak' } satisfies ParentMessage);
    result.drive = await drive({
      botUrl: child.ready.url,
      capture,
      users: o.users,
      warmupMs: o.warmup * 1000,
      seconds: o.seconds,
      timeoutMs: o.timeoutMs,
      label: p.label,
      script: scriptFor(tree),
      ...(p.rate ? { rate: p.rate } : {}),
      ...(o.trace ? { trace: log } : {}),
    });
    const statsReply = nextMessage(child.process, 'stats');
    child.process.send({ type: 'stats' } satisfies ParentMessage);
    const stats = await statsReply;
    result.peakRssMb = stats.peakRssMb;
    result.serverCpuMsPerTurn = stats.cpuMs / Math.max(1, result.drive.turns);
    result.load = os.loadavg()[0];
    return result;
  } finally {
    if (child) await stop(child.process);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
