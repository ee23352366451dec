/**
 * SIGTERM drains: the real server (a child process) is sent SIGTERM while a turn is under way (its reply is
 * held up by a slow channel). The turn still finishes (its replies delivered, 200 to the channel), requests that
 * arrive meanwhile get 503 with Retry-After, readiness turns false, the process exits 0, and after a restart
 * on the same DATA_DIR the conversation goes on from the step that turn reached.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { tempDir } from '../helpers/botHarness.js';
import { CaptureServer, ChannelUser, replyTexts } from '../helpers/captureServer.js';
import { PG_URL, SKIP_PG, randomSchema, withClient } from '../helpers/pg.js';
import { checkStoreDocuments, freePort, spawnBot, type SpawnedBot } from '../helpers/spawnBot.js';

let capture: CaptureServer;
let dataDir: string;
let port: number;
const children: SpawnedBot[] = [];

async function start(): Promise<SpawnedBot> {
  const bot = await spawnBot(
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      LOCAL_DIRECTLINE: 'false',
      ALLOWED_SERVICE_URLS: capture.url,
    },
    { readyTimeoutMs: 40_000 },
  );
  children.push(bot);
  return bot;
}

beforeAll(async () => {
  capture = await CaptureServer.start();
  dataDir = tempDir('mfa-drain-');
  port = await freePort();
});

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill('SIGKILL')));
  await capture?.close();
});

describe('SIGTERM mid-turn', () => {
  it(
    'finishes the turn, refuses new requests with 503, exits 0, and the turn is on disk after a restart',
    { timeout: 90_000 },
    async () => {
      const bot = await start();
      // What the conversation says next when nothing interrupts it.
      const control = new ChannelUser(bot.url, capture, 'drain-control', 'user-control');
      expect((await control.join()).status).toBe(200);
      await control.say('my code never arrives');
      const afterFirstNo = replyTexts((await control.say('No')).replies);
      const afterSecondNo = replyTexts((await control.say('No')).replies);
      expect(afterSecondNo).not.toBe('');

      const user = new ChannelUser(bot.url, capture, 'drain-user', 'user-drain');
      expect((await user.join()).status).toBe(200);
      await user.say('my code never arrives');

      // The channel now takes 1.5 s to accept each reply: the next turn is under way when SIGTERM arrives.
      capture.delayMs = 1_500;
      const arrivedBefore = capture.arrived;
      const inFlight = user.say('No', 30_000);
      for (let i = 0; i < 200 && capture.arrived === arrivedBefore; i += 1) await new Promise((r) => setTimeout(r, 10));
      expect(capture.arrived, 'the turn started replying').toBeGreaterThan(arrivedBefore);
      bot.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));

      // Meanwhile: a new turn is refused with a reason and when to come back; readiness says why.
      const other = new ChannelUser(bot.url, capture, 'drain-late', 'user-late');
      const late = await fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(other.activity({ text: 'hello' })),
      });
      expect(late.status).toBe(503);
      expect(late.headers.get('retry-after')).toBe('5');
      const ready = await fetch(`${bot.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ready: false, reason: 'shutting down' });

      const turn = await inFlight;
      expect(turn.status).toBe(200);
      expect(replyTexts(turn.replies)).toBe(afterFirstNo);
      expect(await bot.exited).toEqual({ code: 0, signal: null });
      expect(bot.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: finishing turns under way', 'stopped']));
      expect(bot.logs.some((l) => l.msg === 'requests still in flight; closing anyway')).toBe(false);

      // On disk, whole; after a restart the conversation goes on from the step the drained turn reached.
      const check = checkStoreDocuments(dataDir);
      expect(check.bad).toEqual([]);
      capture.delayMs = 0;
      const again = await start();
      const next = await new ChannelUser(again.url, capture, 'drain-user', 'user-drain').say('No');
      expect(next.status).toBe(200);
      expect(replyTexts(next.replies)).toBe(afterSecondNo);
      await again.kill('SIGTERM');
    },
  );
});

describe.skipIf(SKIP_PG)('SIGTERM while the store is opening', () => {
  it('is held until the store is open, then drains and exits 0 instead of dying mid-open', { timeout: 60_000 }, async () => {
    // A door to the real PostgreSQL that holds every connection until released: the store stays "opening".
    const held: net.Socket[] = [];
    let open = false;
    const connect = (client: net.Socket): void => {
      const server = net.connect(new URL(PG_URL).port ? Number(new URL(PG_URL).port) : 5432, new URL(PG_URL).hostname);
      client.pipe(server).pipe(client);
      client.on('error', () => server.destroy());
      server.on('error', () => client.destroy());
    };
    const door = net.createServer((client) => (open ? connect(client) : held.push(client)));
    await new Promise<void>((resolve) => door.listen(0, '127.0.0.1', () => resolve()));
    const dbUrl = new URL(PG_URL);
    dbUrl.host = `127.0.0.1:${(door.address() as net.AddressInfo).port}`;
    const schema = randomSchema();
    const botPort = await freePort();
    const child = spawn(process.execPath, ['--no-deprecation', '--import', 'tsx', 'src/main.ts'], {
      cwd: projectRoot(),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        PORT: String(botPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        LOCAL_DIRECTLINE: 'false',
        DATABASE_URL: dbUrl.toString(),
        PG_SCHEMA: schema,
        OPENAI_API_KEY: '',
        OPENAI_BASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const base = `http://127.0.0.1:${botPort}`;
      let opening: Response | undefined;
      for (let i = 0; i < 300 && !opening; i += 1) {
        opening = await fetch(`${base}/readyz`).catch(() => undefined);
        if (!opening) await new Promise((r) => setTimeout(r, 100));
      }
      expect(opening?.status, output).toBe(503);
      expect(await opening!.json()).toEqual({ ready: false, reason: 'opening the store' });

      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      expect((await fetch(`${base}/healthz`)).status, 'still alive, waiting for the store').toBe(200);
      open = true;
      for (const client of held.splice(0)) connect(client);

      expect(await exited).toEqual({ code: 0, signal: null });
      expect(output).toContain('"msg":"bot listening"');
      expect(output).toContain('"msg":"stopped"');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const s of held) s.destroy();
      door.close();
      await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
    }
  });
});
