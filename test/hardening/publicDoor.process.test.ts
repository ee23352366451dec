/**
 * The public door, attacked as the internet would, against the real server in a child process (so an attack that
 * takes the process down fails this test instead of the test runner): undecodable bodies on every route, nesting
 * that blew the stack in the stream, stray WebSocket upgrades that leaked sockets, and a bearer token that reached
 * the log through restify's "error in formatter" warning.
 */
import { readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tempDir } from '../helpers/botHarness.js';
import { freePort, spawnBot, type SpawnedBot } from '../helpers/spawnBot.js';

const AGENT = 'door-agent-7f3a9c2e5b8d1f4a6c0e';
const ADMIN = 'door-admin-2b7e4f9a1c6d3e8b5f0a';
const MAX_BODY = 4096;

let bot: SpawnedBot;
/** A server for each group of attacks, so one that takes the process down cannot hide the next; started together. */
const bots: Record<'bodies' | 'nesting' | 'sockets', Promise<SpawnedBot> | undefined> = {
  bodies: undefined,
  nesting: undefined,
  sockets: undefined,
};

beforeAll(() => {
  bots.bodies = startBot({});
  bots.nesting = startBot({ MAX_BODY_BYTES: '65536' });
  bots.sockets = startBot({});
  // Handled where each is awaited; a start that fails must not also surface as an unhandled rejection.
  for (const started of Object.values(bots)) started?.catch(() => undefined);
});

afterAll(async () => {
  await Promise.all(Object.values(bots).map(async (started) => (await started?.catch(() => undefined))?.kill()));
});

function withBot(name: keyof typeof bots): void {
  beforeAll(async () => {
    bot = await bots[name]!;
  }, 60_000);
}

async function startBot(env: Record<string, string>): Promise<SpawnedBot> {
  return spawnBot(
    {
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATA_DIR: tempDir('mfa-door-'),
      LOG_LEVEL: 'info',
      MAX_BODY_BYTES: String(MAX_BODY),
      REQUEST_TIMEOUT_SECONDS: '2',
      AGENT_TOKENS: `alice:${AGENT}`,
      ADMIN_TOKENS: `carol:${ADMIN}`,
      ...env,
    },
    { readyTimeoutMs: 60_000 },
  );
}

interface RawAnswer {
  status: number;
  body: string;
}

/** One HTTP request with exact bytes and headers (fetch would recompute or refuse some of them). */
function request(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(bot.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The process is still up and answering. */
async function expectAlive(after: string): Promise<void> {
  expect(bot.child.exitCode, `the process exited after ${after}:\n${bot.output.slice(-15).join('\n')}`).toBeNull();
  const health = await fetch(`${bot.url}/healthz`).catch((err: Error) => ({ status: `unreachable: ${err.message}` }));
  expect(health.status, `after ${after}`).toBe(200);
}

async function startConversation(): Promise<{ conversationId: string; token: string; streamUrl: string }> {
  const res = await fetch(`${bot.url}/directline/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: { id: 'u_door' } }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { conversationId: string; token: string; streamUrl: string };
}

/** JSON text nested `depth` objects deep (built as text: JSON.stringify itself runs out of stack on it). */
const nested = (depth: number): string => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
/** A body with `inner` spliced in as raw JSON text where the placeholder "$" stands. */
const withRaw = (value: unknown, inner: string): Buffer => Buffer.from(JSON.stringify(value).replace('"$"', inner));

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const huge = json({ type: 'message', text: 'x'.repeat(200_000) });
const valid = json({ type: 'message', text: 'hello' });

/** Every body a client could send that cannot be decoded, with the Content-Encoding it claims. */
const UNDECODABLE: { name: string; encoding: string; body: Buffer }[] = [
  { name: 'gzip that is not gzip', encoding: 'gzip', body: Buffer.from('this is not gzip at all') },
  { name: 'deflate that is not deflate', encoding: 'deflate', body: Buffer.from('nor is this deflate') },
  { name: 'br that is not brotli', encoding: 'br', body: Buffer.from('\xff\xfe definitely not brotli') },
  { name: 'an unknown coding', encoding: 'compress', body: valid },
  { name: 'stacked codings', encoding: 'gzip, gzip', body: gzipSync(gzipSync(valid)) },
  { name: 'truncated gzip', encoding: 'gzip', body: gzipSync(valid).subarray(0, 12) },
  { name: 'gzip inflating past MAX_BODY_BYTES', encoding: 'gzip', body: gzipSync(huge) },
  { name: 'deflate inflating past MAX_BODY_BYTES', encoding: 'deflate', body: deflateSync(huge) },
  { name: 'br inflating past MAX_BODY_BYTES', encoding: 'br', body: brotliCompressSync(huge) },
];

const ROUTES: { method: string; path: string; headers?: Record<string, string> }[] = [
  { method: 'POST', path: '/api/messages' },
  { method: 'POST', path: '/directline/tokens/generate' },
  { method: 'POST', path: '/directline/conversations' },
  { method: 'POST', path: '/v3/conversations/anything/activities' },
  { method: 'POST', path: '/api/agent/tickets/T-1/messages', headers: { authorization: `Bearer ${AGENT}` } },
  { method: 'DELETE', path: '/api/admin/conversations/x', headers: { authorization: `Bearer ${ADMIN}` } },
];

describe('bodies that cannot be decoded', () => {
  withBot('bodies');
  it('get a 4xx with a reason on every route, and the process stays up', async () => {
    for (const route of ROUTES) {
      for (const { name, encoding, body } of UNDECODABLE) {
        const answer = await request(
          route.method,
          route.path,
          { 'content-type': 'application/json', 'content-encoding': encoding, ...route.headers },
          body,
        ).catch((err: Error) => ({ status: 0, body: err.message }));
        const what = `${route.method} ${route.path} with ${name}`;
        expect(answer.status, `${what}: ${answer.body}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${what}: ${answer.body}`).toBeLessThan(500);
        expect(answer.body, what).toMatch(/"message":"[^"]{8,}/);
        await expectAlive(what);
      }
    }
    // A well-formed compressed body is still read.
    const ok = await request(
      'POST',
      '/directline/tokens/generate',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync(json({ user: { id: 'u_gz' } })),
    );
    expect(ok.status).toBe(200);
  }, 60_000);
});

describe('deeply nested JSON', () => {
  withBot('nesting');
  it('is refused with a 4xx on every route; the stream and the log survive it', async () => {
    const deep = nested(8_000);
    const conversation = await startConversation();
    const auth = { authorization: `Bearer ${conversation.token}`, 'content-type': 'application/json' };
    const post = await request(
      'POST',
      `/directline/conversations/${conversation.conversationId}/activities`,
      auth,
      withRaw({ type: 'message', text: 'hi', channelData: '$' }, deep),
    );
    expect(post.status, post.body).toBe(400);
    expect(post.body).toMatch(/nest/i);

    // The stream replays the log from the start: with the activity in it, its send blew the stack.
    const ws = new WebSocket(conversation.streamUrl);
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('error', () => resolve(false));
    });
    expect(opened).toBe(true);
    ws.close();
    await expectAlive('opening the stream');

    const listed = await request('GET', `/directline/conversations/${conversation.conversationId}/activities`, auth);
    expect(listed.status).toBe(200);

    const activity = {
      type: 'message',
      channelId: 'webchat',
      serviceUrl: bot.url,
      conversation: { id: 'c' },
      from: { id: 'u' },
      recipient: { id: 'b' },
    };
    const bodies: [string, string, unknown][] = [
      ['POST', '/api/messages', { ...activity, channelData: '$' }],
      ['POST', '/api/messages', { ...activity, value: '$' }],
      ['POST', `/v3/conversations/${conversation.conversationId}/activities`, { type: 'message', text: 'x', channelData: '$' }],
      ['POST', '/directline/tokens/generate', { user: { id: 'u', extra: '$' } }],
      ['POST', `/directline/conversations/${conversation.conversationId}/activities`, { type: 'message', text: 'x', value: '$' }],
      ['POST', '/api/agent/tickets/T-1/messages', { text: 'x', more: '$' }],
    ];
    for (const [method, path, body] of bodies) {
      const headers = {
        'content-type': 'application/json',
        authorization: path.startsWith('/api/agent') ? `Bearer ${AGENT}` : `Bearer ${conversation.token}`,
      };
      const answer = await request(
        method,
        path,
        headers,
        withRaw(body, path.includes('/activities') && 'value' in (body as object) ? nested(100) : deep),
      );
      expect(answer.status, `${method} ${path}: ${answer.body}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${method} ${path}: ${answer.body}`).toBeLessThan(500);
      await expectAlive(`${method} ${path} nested`);
    }
    // Nothing of the client's bearer token reached the log, whatever restify warned about.
    await new Promise((r) => setTimeout(r, 100));
    expect(bot.output.join('\n')).not.toContain(conversation.token);
  }, 60_000);
});

/** Writes a raw upgrade request and resolves with the first bytes of the answer (or '' if none within `ms`). */
function upgrade(path: string, ms = 3_000): Promise<string> {
  const { port } = new URL(bot.url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
    });
    let answer = '';
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
  });
}

const openDescriptors = (): number => readdirSync(`/proc/${bot.child.pid}/fd`).length;

describe('sockets', () => {
  withBot('sockets');
  it('refuses every stray upgrade and frees its socket', async () => {
    const before = openDescriptors();
    const paths = [
      '/nope',
      '/api/messages',
      '/directline/conversations/x/activities',
      '/directline/conversations/%E0%A4%A/stream',
      '/healthz?x=1',
    ];
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => upgrade(paths[i % paths.length]!)));
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    await new Promise((r) => setTimeout(r, 500));
    expect(openDescriptors()).toBeLessThan(before + 10);
    await expectAlive('100 stray upgrades');
  }, 30_000);

  it('closes a connection that never sends a request', async () => {
    const { port } = new URL(bot.url);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Date.now() - started));
      setTimeout(() => {
        socket.destroy();
        resolve(Number.POSITIVE_INFINITY);
      }, 15_000).unref();
    });
    expect(closedAfter).toBeLessThan(12_000);
  }, 20_000);
});
