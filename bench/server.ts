// The server under test, in its own process (forked by phase.ts): `bot <dataDir> <stored> <seedBudgetMs>` or
// `echo`. Its own process keeps the load driver's CPU and heap out of its numbers, gives it a core of its own
// like the echo reference, and lets peak RSS be measured for the server alone. Talks to the parent over IPC.
import { startApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startEchoServer } from './echoServer.js';
import { seedConversations } from './seed.js';

/** What the server tells the benchmark: seeding progress, its address (and tree), its peak RSS. */
export type ChildMessage =
  | { type: 'progress'; seeded: number }
  | {
      type: 'ready';
      url: string;
      tree?: App['tree'];
      seed?: { seeded: number; ms: number; complete: boolean; state: boolean; restartMs?: number; heapMb: number };
    }
  | { type: 'stats'; peakRssMb: number; cpuMs: number };

export type ParentMessage = { type: 'reset-peak' } | { type: 'stats' } | { type: 'stop' };

const send = (message: ChildMessage): void => void process.send!(message);

// Sampled rather than read from resourceUsage().maxRSS, which would include the seeding's peak.
let peakRss = 0;
const sample = (): void => void (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
setInterval(sample, 100).unref();

async function startBot(dataDir: string, stored: number, seedBudgetMs: number, captureUrl: string): Promise<{ close(): Promise<void> }> {
  // As a channel without an app id: anonymous, replies to the capture endpoint, every request from this machine
  // (so no per-client limit, which would throttle the load driver as one client).
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    LOCAL_DIRECTLINE: 'false',
    ALLOWED_SERVICE_URLS: captureUrl,
    RATE_LIMIT_CLIENT_PER_MINUTE: '100000000',
    RATE_LIMIT_CONVERSATION_PER_MINUTE: '100000000',
  });
  let app = await startApp(config);
  const seed = await seedConversations(app, stored, {
    deadline: Date.now() + seedBudgetMs,
    onProgress: (seeded) => send({ type: 'progress', seeded }),
  });
  let restartMs: number | undefined;
  if (stored > 0) {
    // Measured as a deployment runs: restarted on the stored data, which the open has settled (journals
    // written into documents, transcripts and tickets loaded), rather than while seeding still echoes.
    await app.close();
    const started = Date.now();
    app = await startApp(config);
    restartMs = Date.now() - started;
    global.gc?.();
  }
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  send({ type: 'ready', url: app.url, tree: app.tree, seed: { ...seed, ...(restartMs !== undefined ? { restartMs } : {}), heapMb } });
  return app; // the parent removes the data dir once this process has exited
}

async function main(): Promise<void> {
  const [mode, dataDir = '', stored = '0', budget = '60000', captureUrl = ''] = process.argv.slice(2);
  let server: { close(): Promise<void> };
  if (mode === 'echo') {
    const echo = await startEchoServer();
    server = echo;
    send({ type: 'ready', url: echo.url });
  } else {
    server = await startBot(dataDir, Number(stored), Number(budget), captureUrl);
  }
  let cpuFrom = process.cpuUsage();
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'reset-peak') {
      peakRss = process.memoryUsage.rss();
      cpuFrom = process.cpuUsage();
    }
    if (message.type === 'stats') {
      sample();
      const cpu = process.cpuUsage(cpuFrom);
      send({ type: 'stats', peakRssMb: peakRss / 1024 / 1024, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
    if (message.type === 'stop') void server.close().finally(() => process.exit(0));
  });
  // Never outlive the benchmark, whatever happens to the parent.
  process.on('disconnect', () => process.exit(0));
}

main().catch((err: Error) => {
  console.error(`bench server failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
