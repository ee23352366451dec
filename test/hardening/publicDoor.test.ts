/**
 * The public door, attacked as the internet would, through the real HTTP server in this process: speaking as the
 * bot or as someone else's user, making the bot POST where it should not, crowding out other people's chats,
 * tokens in logs and caches, one rate-limit bucket for everything, and the smaller leaks. Attacks that could take
 * the process down live in publicDoor.process.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { exportCsv } from '../../src/admin/exportTranscripts.js';
import type { TranscriptStore } from '../../src/transcripts/types.js';
import { tempDir } from '../helpers/botHarness.js';
import { CaptureServer, ChannelUser, replyTexts } from '../helpers/captureServer.js';

const AGENT = 'door-agent-4c8e1a7f3b9d2e6a0c5f';
const ADMIN = 'door-admin-9e2b6d1f8a3c7e4b0d5a';

function config(extra: Record<string, string> = {}) {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: tempDir('mfa-door-'),
    LOG_LEVEL: 'silent',
    AGENT_TOKENS: `alice:${AGENT}`,
    ADMIN_TOKENS: `carol:${ADMIN}`,
    ...extra,
  });
}

interface Started {
  conversationId: string;
  token: string;
  streamUrl: string;
}

async function dl(
  app: App,
  method: string,
  route: string,
  { token, body, client }: { token?: string; body?: unknown; client?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (client) headers['x-forwarded-for'] = client;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(app.url + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : undefined) as any,
  };
}

async function startConversation(app: App, userId: string, client?: string): Promise<Started> {
  const started = await dl(app, 'POST', '/directline/conversations', { body: { user: { id: userId } }, client });
  expect(started.status, started.text).toBe(201);
  return started.json as Started;
}

async function logOf(app: App, conversation: Started): Promise<{ text?: string; from: { id: string; role?: string }; id: string }[]> {
  const res = await dl(app, 'GET', `/directline/conversations/${conversation.conversationId}/activities`, { token: conversation.token });
  expect(res.status).toBe(200);
  return res.json.activities;
}

async function waitForLog(app: App, conversation: Started, done: (texts: string[]) => boolean): Promise<string[]> {
  for (let i = 0; i < 100; i += 1) {
    const texts = (await logOf(app, conversation)).map((a) => a.text ?? '');
    if (done(texts)) return texts;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`log never matched: ${JSON.stringify((await logOf(app, conversation)).map((a) => a.text))}`);
}

describe('the local Direct Line with its connector', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp(config({ TRUST_PROXY: 'loopback' }));
  });
  afterAll(async () => app?.close());

  it('lets nobody but the bot post, change, delete or list in a conversation through the connector routes', async () => {
    const victim = await startConversation(app, 'u_victim', '203.0.113.10');
    await waitForLog(app, victim, (t) => t.some((x) => /welcome|sign-in/i.test(x)));
    const before = await logOf(app, victim);
    const base = `/v3/conversations/${victim.conversationId}`;
    const phish = {
      type: 'message',
      from: { id: 'helpdesk-bot', role: 'bot' },
      text: 'Your account is locked: [verify here](https://evil.example/login)',
    };
    for (const token of [undefined, victim.token, 'made-up-token']) {
      expect((await dl(app, 'POST', `${base}/activities`, { token, body: phish })).status).toBe(401);
      expect((await dl(app, 'POST', `${base}/activities/${before[0]!.id}`, { token, body: phish })).status).toBe(401);
      expect((await dl(app, 'PUT', `${base}/activities/${before[0]!.id}`, { token, body: phish })).status).toBe(401);
      expect((await dl(app, 'DELETE', `${base}/activities/${before[0]!.id}`, { token })).status).toBe(401);
      const members = await dl(app, 'GET', `${base}/members`, { token });
      expect(members.status).toBe(401);
      expect(members.text).not.toContain('u_victim');
    }
    // An unknown conversation answers the same: the routes say nothing about what exists.
    expect((await dl(app, 'GET', '/v3/conversations/nope/members')).status).toBe(401);
    const after = await logOf(app, victim);
    expect(after.map((a) => a.text)).toEqual(before.map((a) => a.text));
    expect(JSON.stringify(after)).not.toContain('evil.example');
  });

  it("refuses activities that did not come through it, so nobody can speak into someone else's conversation", async () => {
    const victim = await startConversation(app, 'u_victim2', '203.0.113.11');
    await waitForLog(app, victim, (t) => t.length >= 1);
    const forged = {
      type: 'message',
      channelId: 'webchat',
      serviceUrl: app.url,
      conversation: { id: victim.conversationId },
      from: { id: 'u_victim2', role: 'user' },
      recipient: { id: 'helpdesk-bot' },
      text: 'please reset MFA for ceo@contoso.com too',
    };
    for (const authorization of [undefined, `Bearer ${victim.token}`, 'Bearer eyJhbGciOiJub25lIn0.e30.']) {
      const res = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(forged),
      });
      expect(res.status).toBe(401);
    }
    // Through the channel, a client cannot pick its user id either: the conversation's user is bound.
    const spoof = await dl(app, 'POST', `/directline/conversations/${victim.conversationId}/activities`, {
      token: victim.token,
      body: { type: 'message', from: { id: 'ceo@contoso.com' }, text: 'hello' },
    });
    expect(spoof.status).toBe(200);
    const log = await logOf(app, victim);
    expect(log.find((a) => a.text === 'hello')?.from.id).toBe('u_victim2');
    expect(JSON.stringify(log)).not.toContain('reset MFA for ceo');
  });

  it('stores no transcript for a conversation until its user says something', async () => {
    const visitor = await startConversation(app, 'u_silent', '203.0.113.13');
    await waitForLog(app, visitor, (t) => t.some((x) => /welcome|sign-in/i.test(x)));
    await new Promise((r) => setTimeout(r, 100));
    expect(await app.transcripts.get(visitor.conversationId)).toBeUndefined();
    const said = await dl(app, 'POST', `/directline/conversations/${visitor.conversationId}/activities`, {
      token: visitor.token,
      body: { type: 'message', text: 'my code never arrives' },
    });
    expect(said.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const stored = await app.transcripts.get(visitor.conversationId);
    // The join and the greeting are kept, in order, before the user's first message.
    const firstMessage = stored!.entries.findIndex((e) => e.role === 'user' && e.type === 'message');
    expect(stored!.entries.slice(0, firstMessage).map((e) => `${e.role}:${e.type}`)).toEqual([
      'user:conversationUpdate',
      'bot:message',
      'bot:message',
    ]);
    expect(stored!.entries[firstMessage]?.text).toBe('my code never arrives');
  });

  it('revokes the old token on refresh and answers 403 alike for foreign and unknown conversations', async () => {
    const mine = await startConversation(app, 'u_refresh', '203.0.113.14');
    const refreshed = await dl(app, 'POST', '/directline/tokens/refresh', { token: mine.token });
    expect(refreshed.status).toBe(200);
    expect((await dl(app, 'GET', `/directline/conversations/${mine.conversationId}/activities`, { token: mine.token })).status).toBe(403);
    expect(
      (await dl(app, 'GET', `/directline/conversations/${mine.conversationId}/activities`, { token: refreshed.json.token })).status,
    ).toBe(200);
    const other = await startConversation(app, 'u_other', '203.0.113.15');
    const foreign = await dl(app, 'GET', `/directline/conversations/${other.conversationId}/activities`, { token: refreshed.json.token });
    const unknown = await dl(app, 'GET', '/directline/conversations/does-not-exist/activities', { token: refreshed.json.token });
    expect(foreign.status).toBe(403);
    expect(unknown.status).toBe(403);
    expect(unknown.text).toBe(foreign.text);
  });

  it('builds stream URLs from its own address, never from the Host header', async () => {
    const { port } = new URL(app.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/directline/conversations',
          headers: { host: 'evil.example', 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.16' },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    const { streamUrl } = JSON.parse(answer) as Started;
    expect(new URL(streamUrl).host).toBe(new URL(app.url).host);
  });

  it('marks every answer that carries a token or private data as not to be cached or sniffed', async () => {
    const generated = await dl(app, 'POST', '/directline/tokens/generate', { body: {}, client: '203.0.113.17' });
    const started = await dl(app, 'POST', '/directline/conversations', { token: generated.json.token });
    const conversationId = started.json.conversationId as string;
    await dl(app, 'POST', `/directline/conversations/${conversationId}/activities`, {
      token: generated.json.token,
      body: { type: 'message', text: 'hi' },
    });
    const answers = [
      generated,
      started,
      await dl(app, 'POST', '/directline/tokens/refresh', { token: generated.json.token }),
      await dl(app, 'GET', '/api/agent/queue', { token: AGENT }),
      await dl(app, 'GET', '/api/agent/me', { token: AGENT }),
      await dl(app, 'GET', `/api/admin/conversations/${conversationId}`, { token: ADMIN }),
      await dl(app, 'GET', '/api/admin/conversations', { token: ADMIN }),
      await dl(app, 'GET', '/api/admin/me'),
    ];
    for (const answer of answers) {
      expect(answer.headers.get('cache-control'), answer.text.slice(0, 80)).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('room on the local Direct Line', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp(config({ TRUST_PROXY: 'loopback', DIRECTLINE_MAX_CONVERSATIONS: '12', DIRECTLINE_CONVERSATIONS_PER_CLIENT: '4' }));
  });
  afterAll(async () => app?.close());

  it("caps live conversations per client and never evicts someone's active one to make room", async () => {
    const victim = await startConversation(app, 'u_victim3', '203.0.113.12');
    await dl(app, 'POST', `/directline/conversations/${victim.conversationId}/activities`, {
      token: victim.token,
      body: { type: 'message', text: 'hi' },
    });
    // One address: its conversations in use count against its cap; one it opened and left is the first to go.
    const mine: Started[] = [];
    for (let i = 0; i < 4; i += 1)
      mine.push((await dl(app, 'POST', '/directline/conversations', { body: {}, client: '198.51.100.1' })).json);
    const left = (await dl(app, 'POST', '/directline/conversations', { body: {}, client: '198.51.100.1' })).json as Started;
    expect(
      (await dl(app, 'GET', `/directline/conversations/${mine[0]!.conversationId}/activities`, { token: mine[0]!.token })).status,
    ).toBe(403);
    for (const c of [...mine.slice(1), left])
      expect((await dl(app, 'GET', `/directline/conversations/${c.conversationId}/activities`, { token: c.token })).status).toBe(200);
    const refused = await dl(app, 'POST', '/directline/conversations', { body: {}, client: '198.51.100.1' });
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toMatch(/too many open conversations/i);
    // Many addresses fill the server with conversations in use: newcomers are turned away, nobody is cut off.
    const crowd: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const client = `198.51.100.${10 + i}`;
      const started = await dl(app, 'POST', '/directline/conversations', { body: {}, client });
      crowd.push(started.status);
      if (started.status === 201)
        await dl(app, 'GET', `/directline/conversations/${started.json.conversationId}/activities`, { token: started.json.token, client });
    }
    expect(crowd).toContain(503);
    expect(crowd.filter((s) => s !== 201 && s !== 503)).toEqual([]);
    const still = await dl(app, 'GET', `/directline/conversations/${victim.conversationId}/activities`, { token: victim.token });
    expect(still.status).toBe(200);
  });
});

describe('where replies may go (anonymous mode, no local Direct Line)', () => {
  let app: App;
  let target: http.Server;
  let hits = 0;
  let capture: CaptureServer;
  beforeAll(async () => {
    target = http.createServer((_req, res) => {
      hits += 1;
      res.end('{}');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()));
    capture = await CaptureServer.start();
    app = await startApp(config({ LOCAL_DIRECTLINE: 'false', ALLOWED_SERVICE_URLS: capture.url, RATE_LIMIT_CLIENT_PER_MINUTE: '40' }));
  });
  afterAll(async () => {
    await app?.close();
    await capture?.close();
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });

  it('refuses every serviceUrl but its own origin and the configured ones, however it is spelled', async () => {
    const port = (target.address() as AddressInfo).port;
    const own = new URL(app.url);
    const spellings = [
      `http://127.0.0.1:${port}/internal/admin?x=`,
      `http://127.0.0.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://127.1:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://localhost:${port}/`,
      `${app.url}/api/messages?x=`,
      `${app.url}/api/messages`,
      `${app.url}/?x=1`,
      `${app.url}/#top`,
      `http://user:pw@${own.host}/`,
      `${capture.url}/elsewhere?q=1`,
    ];
    for (const [i, serviceUrl] of spellings.entries()) {
      const res = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          channelId: 'emulator',
          serviceUrl,
          conversation: { id: `ssrf-${i}` },
          from: { id: 'u' },
          recipient: { id: 'b' },
          text: 'hello',
        }),
      });
      expect(res.status, serviceUrl).toBe(400);
      expect(await res.text()).toContain('serviceUrl');
    }
    expect(hits).toBe(0);
    // The configured channel still gets its replies.
    const user = new ChannelUser(app.url, capture, 'allowed-channel', 'u1', 'emulator');
    const turn = await user.say('hello');
    expect(turn.status).toBe(200);
    expect(replyTexts(turn.replies)).not.toBe('');
  });

  it('limits the bot endpoint per client when requests are anonymous', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i += 1) {
      const res = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'typing',
          channelId: 'emulator',
          serviceUrl: capture.url,
          conversation: { id: `flood-${i}` },
          from: { id: 'u' },
          recipient: { id: 'b' },
        }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
  });
});

describe('authentication failures', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp(
      config({ LOCAL_DIRECTLINE: 'false', RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '20', RATE_LIMIT_CLIENT_PER_MINUTE: '600' }),
    );
  });
  afterAll(async () => app?.close());

  it('are limited on their own: after 650 wrong admin tokens the right one still works', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 650; i += 1) {
      statuses.push((await fetch(`${app.url}/api/admin/me`, { headers: { authorization: `Bearer wrong-${i}-0123456789abcdef` } })).status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const right = await fetch(`${app.url}/api/admin/me`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(right.status).toBe(200);
    const agent = await fetch(`${app.url}/api/agent/me`, { headers: { authorization: `Bearer ${AGENT}` } });
    expect(agent.status).toBe(200);
  });

  it('are counted per client address, which comes from X-Forwarded-For only behind a trusted proxy', async () => {
    const wrong = (client: string) =>
      fetch(`${app.url}/api/agent/me`, { headers: { authorization: 'Bearer nope-0123456789abcdef', 'x-forwarded-for': client } });
    // Not trusted here: every "client" is the socket's own address, whose bucket the test above emptied.
    expect((await wrong('192.0.2.1')).status).toBe(429);
    const behindProxy = await startApp(
      config({ LOCAL_DIRECTLINE: 'false', TRUST_PROXY: 'loopback', RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3' }),
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1)
        statuses.push(
          (
            await fetch(`${behindProxy.url}/api/agent/me`, {
              headers: { authorization: 'Bearer nope-0123456789abcdef', 'x-forwarded-for': '192.0.2.1' },
            })
          ).status,
        );
      expect(statuses).toEqual([401, 401, 401, 429]);
      const other = await fetch(`${behindProxy.url}/api/agent/me`, {
        headers: { authorization: 'Bearer nope-0123456789abcdef', 'x-forwarded-for': '192.0.2.2' },
      });
      expect(other.status).toBe(401);
    } finally {
      await behindProxy.close();
    }
  });
});

describe('configuration', () => {
  it('refuses guessable agent and admin tokens at start-up', () => {
    for (const weak of ['aaaaaaaaaaaaaaaaaaaaaaaa', 'abcdefghijklmnopqrstuvwx', '0123456789012345678901234', 'passwordpasswordpassword']) {
      expect(() => loadConfig({ AGENT_TOKENS: `a:${weak}` }), weak).toThrow(ConfigError);
      expect(() => loadConfig({ ADMIN_TOKENS: `a:${weak}` }), weak).toThrow(/guess/);
    }
    expect(loadConfig({ AGENT_TOKENS: 'a:3f9c1e7a5b2d8f4c6e0a9b1d' }).agents).toHaveLength(1);
  });

  it('listens on loopback unless told otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
  });
});

describe('logs', () => {
  it('never carry an Authorization header, wherever a library puts it', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger('info', sink);
    const secret = 'Bearer s3cr3t-t0ken-abcdef0123456789';
    // What restify's "error in formatter" warning logs: the whole request.
    logger.warn(
      {
        req: { method: 'GET', url: '/x', rawHeaders: ['Host', 'bot', 'Authorization', secret], headers: { authorization: secret } },
        err: new Error(`failed with ${secret}`),
      },
      'error in formatter',
    );
    logger.info({ headers: { Authorization: secret, cookie: 'a=b' }, nested: { deeper: { authorization: secret } } }, 'other');
    const all = lines.join('');
    expect(all).not.toContain('s3cr3t');
    expect(all).toContain('error in formatter');
  });
});

describe('CSV export', () => {
  it('neutralises a cell that starts with a line break and a formula', async () => {
    const conversation = {
      conversationId: 'c1',
      channelId: 'webchat',
      userId: 'u',
      outcome: 'resolved',
      branch: null,
      rating: null,
      startedAt: '',
      lastActivityAt: '',
    };
    const store = {
      search: async () => ({ total: 1, items: [conversation] }),
      get: async () => ({
        conversation,
        entries: [{ seq: 1, at: '2026-01-01T00:00:00Z', role: 'user', type: 'message', text: '\n=HYPERLINK("http://evil.example","x")' }],
      }),
    } as unknown as TranscriptStore;
    const csv = await exportCsv(store, {}, new Date());
    expect(csv).toContain(`"'\n=HYPERLINK`);
  });
});
