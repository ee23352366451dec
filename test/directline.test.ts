import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import restify from 'restify';
import WebSocket from 'ws';
import { startApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { registerDirectLine } from '../src/directline/registerDirectLine.js';
import type { DirectLineLimits } from '../src/directline/types.js';
import { jsonBody } from '../src/http/jsonBody.js';
import { UpgradeRoutes } from '../src/http/upgrades.js';

interface Activity {
  type: string;
  id: string;
  text?: string;
  from: { id: string; role?: string };
  recipient?: { id: string };
  conversation: { id: string };
  replyToId?: string;
  suggestedActions?: { actions: { title: string; value: string }[] };
}
interface ActivitySet {
  activities: Activity[];
  watermark?: string;
}
interface ConversationInfo {
  conversationId: string;
  token: string;
  expires_in: number;
  streamUrl: string;
}

let app: App;
let tmpDir: string;

beforeAll(async () => {
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'directline-test-'));
  app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tmpDir, LOG_LEVEL: 'silent' }));
});

afterAll(async () => {
  await app?.close();
  await rm(tmpDir, { recursive: true, force: true });
});

async function call(method: string, route: string, options: { token?: string; body?: unknown; raw?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(app.url + route, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : undefined) as any };
}

async function start(userId?: string): Promise<ConversationInfo> {
  const generated = await call('POST', '/directline/tokens/generate', { body: userId ? { user: { id: userId } } : {} });
  expect(generated.status).toBe(200);
  const started = await call('POST', '/directline/conversations', {
    token: generated.json.token,
    body: { user: { id: userId }, locale: 'en-US' },
  });
  expect(started.status).toBe(201);
  expect(started.json.conversationId).toBe(generated.json.conversationId);
  return started.json as ConversationInfo;
}

function getActivities(conv: ConversationInfo, watermark = ''): Promise<{ status: number; json: ActivitySet }> {
  return call('GET', `/directline/conversations/${conv.conversationId}/activities?watermark=${watermark}`, { token: conv.token });
}

/** Polls like DirectLineJS does (watermark in the query) until `enough` says the log has what we wait for. */
async function pollUntil(conv: ConversationInfo, enough: (all: Activity[]) => boolean, timeoutMs = 8000): Promise<ActivitySet> {
  const deadline = Date.now() + timeoutMs;
  const all: Activity[] = [];
  let watermark = '';
  for (;;) {
    const page = await getActivities(conv, watermark);
    expect(page.status).toBe(200);
    all.push(...page.json.activities);
    watermark = page.json.watermark ?? watermark;
    if (enough(all)) return { activities: all, watermark };
    if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(all.map((a) => a.text ?? a.type))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const botMessages = (all: Activity[]) => all.filter((a) => a.type === 'message' && a.from.role === 'bot');
const rootOptions = () => {
  const root = app.tree.nodes.get(app.tree.index.root) as { options?: { label: string }[] } | undefined;
  return (root?.options ?? []).map((o) => o.label);
};

describe('local Direct Line over REST', () => {
  it('greets, shows the menu, answers a button, and pages by watermark', async () => {
    const conv = await start('user-1');
    expect(conv.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/directline/conversations/${conv.conversationId}/stream\\?`));
    expect(conv.expires_in).toBeGreaterThan(60);

    const greeting = await pollUntil(conv, (all) => botMessages(all).some((a) => a.suggestedActions));
    const [welcome, menu] = botMessages(greeting.activities);
    expect(welcome?.text).toBe(app.tree.index.welcome);
    expect(menu?.suggestedActions?.actions.map((a) => a.title)).toEqual(rootOptions());
    // The bot answered the same user id that Direct Line bound at start.
    expect(welcome?.recipient?.id).toBe('user-1');
    expect(welcome?.conversation.id).toBe(conv.conversationId);

    const choice = menu!.suggestedActions!.actions[0]!;
    const posted = await call('POST', `/directline/conversations/${conv.conversationId}/activities`, {
      token: conv.token,
      // A different from.id is replaced by the bound one, as Direct Line does for token-bound users.
      body: { type: 'message', text: choice.value, from: { id: 'someone-else' }, channelData: { clientActivityID: 'c-1' } },
    });
    expect(posted.status).toBe(200);
    expect(typeof posted.json.id).toBe('string');

    // The post returns once the bot took the turn, so the reply is already in the log behind the echo.
    const after = await getActivities(conv, greeting.watermark);
    const [echo, ...replies] = after.json.activities;
    expect(echo).toMatchObject({ id: posted.json.id, text: choice.value, from: { id: 'user-1', role: 'user' } });
    expect((echo as unknown as { channelData: unknown }).channelData).toEqual({ clientActivityID: 'c-1' });
    const reply = botMessages(replies)[0];
    expect(reply?.replyToId).toBe(posted.json.id);
    expect(reply?.text).toBeTruthy();
    expect(reply?.text).not.toBe(menu?.text);

    // Paging: from the last watermark nothing is new; from 1 everything but the first; watermarks only grow.
    const last = after.json.watermark!;
    expect(Number(last)).toBeGreaterThan(Number(greeting.watermark));
    expect((await getActivities(conv, last)).json).toEqual({ activities: [], watermark: last });
    const everything = (await getActivities(conv, '0')).json.activities;
    expect(everything.length).toBe(Number(last));
    expect((await getActivities(conv, '1')).json.activities).toEqual(everything.slice(1));
    expect(new Set(everything.map((a) => a.id)).size).toBe(everything.length);
  });

  it('holds the join back until a user without an id speaks, then greets that id', async () => {
    const conv = await start();
    await new Promise((r) => setTimeout(r, 300));
    expect((await getActivities(conv)).json.activities).toEqual([]);

    const posted = await call('POST', `/directline/conversations/${conv.conversationId}/activities`, {
      token: conv.token,
      body: { type: 'message', text: 'hello', from: { id: 'late-user' } },
    });
    expect(posted.status).toBe(200);
    const { activities } = await pollUntil(conv, (all) => botMessages(all).length >= 2);
    expect(activities[0]).toMatchObject({ from: { id: 'late-user' }, text: 'hello' });
    expect(botMessages(activities)[0]?.text).toBe(app.tree.index.welcome);
    expect(botMessages(activities).every((a) => a.recipient?.id === 'late-user')).toBe(true);
  });

  it('refreshes tokens and reconnects with a streamUrl at the asked watermark', async () => {
    const conv = await start('user-r');
    const refreshed = await call('POST', '/directline/tokens/refresh', { token: conv.token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.conversationId).toBe(conv.conversationId);
    expect(refreshed.json.token).not.toBe(conv.token);
    expect((await getActivities({ ...conv, token: refreshed.json.token })).status).toBe(200);
    // The old token died with the refresh.
    expect((await getActivities(conv)).status).toBe(403);

    const reconnect = await call('GET', `/directline/conversations/${conv.conversationId}?watermark=3`, { token: refreshed.json.token });
    expect(reconnect.status).toBe(200);
    expect(new URL(reconnect.json.streamUrl).searchParams.get('watermark')).toBe('3');
    expect(reconnect.json.streamUrl).not.toBe(conv.streamUrl);
  });

  it('rejects missing tokens, foreign tokens, unknown conversations and malformed bodies', async () => {
    const a = await start('user-a');
    const b = await start('user-b');
    const route = `/directline/conversations/${a.conversationId}/activities`;

    const missing = await call('GET', route);
    expect(missing.status).toBe(401);
    expect(missing.json.error.message).toMatch(/Bearer/);
    expect((await call('GET', route, { token: b.token })).status).toBe(403);
    expect((await call('GET', route, { token: 'not-a-token' })).status).toBe(403);
    // An unknown conversation answers as a foreign one does: nothing tells which ids exist.
    expect((await call('GET', '/directline/conversations/nope/activities', { token: a.token })).status).toBe(403);
    expect((await call('GET', '/directline/conversations/nope', { token: a.token })).status).toBe(403);
    expect((await call('POST', '/directline/tokens/refresh')).status).toBe(401);

    const noType = await call('POST', route, { token: a.token, body: { text: 'hi' } });
    expect(noType.status).toBe(400);
    expect(noType.json.error.message).toMatch(/type/);
    const fakeJoin = await call('POST', route, { token: a.token, body: { type: 'conversationUpdate' } });
    expect(fakeJoin.status).toBe(400);
    const longText = await call('POST', route, { token: a.token, body: { type: 'message', text: 'x'.repeat(10_001) } });
    expect(longText.status).toBe(400);
    expect(longText.json.error.message).toMatch(/10,000/);
    const badWatermark = await call('GET', `${route}?watermark=abc`, { token: a.token });
    expect(badWatermark.status).toBe(400);
    // None of the rejected posts reached the log.
    expect((await getActivities(a, '0')).json.activities.filter((x) => x.from.role === 'user')).toEqual([]);
  });
});

describe('local Direct Line WebSocket stream', () => {
  function open(url: string): Promise<{ ws: WebSocket; frames: ActivitySet[] }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const frames: ActivitySet[] = [];
      ws.on('message', (data) => {
        const text = data.toString();
        if (text) frames.push(JSON.parse(text) as ActivitySet);
      });
      ws.once('open', () => resolve({ ws, frames }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  async function waitFor<T>(check: () => T | undefined, timeoutMs = 8000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting on the stream');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('pushes the greeting and the reply as activity sets, and its URL works once', async () => {
    const started = await call('POST', '/directline/conversations', { body: { user: { id: 'ws-user' } } });
    expect(started.status).toBe(201);
    const conv = started.json as ConversationInfo;
    const { ws, frames } = await open(conv.streamUrl);
    try {
      const streamed = () => frames.flatMap((f) => f.activities);
      const menu = await waitFor(() => botMessages(streamed()).find((a) => a.suggestedActions));
      expect(botMessages(streamed())[0]?.text).toBe(app.tree.index.welcome);
      for (const frame of frames.filter((f) => f.activities.some((a) => a.type !== 'typing'))) {
        expect(Number(frame.watermark)).toBeGreaterThan(0);
      }

      const choice = menu.suggestedActions!.actions[1]!;
      const posted = await call('POST', `/directline/conversations/${conv.conversationId}/activities`, {
        token: conv.token,
        body: { type: 'message', text: choice.value, from: { id: 'ws-user' } },
      });
      expect(posted.status).toBe(200);
      const reply = await waitFor(() => botMessages(streamed()).find((a) => a.replyToId === posted.json.id));
      expect(reply.text).toBeTruthy();
      expect(streamed().find((a) => a.id === posted.json.id)?.text).toBe(choice.value);

      // The streamUrl's ticket was spent by the first connection.
      await expect(open(conv.streamUrl)).rejects.toThrow('HTTP 403');
      const ticketless = conv.streamUrl.replace(/[?&]t=[^&]+/, '');
      await expect(open(ticketless)).rejects.toThrow('HTTP 401');
    } finally {
      ws.close();
    }
  });

  it('replays from the watermark given on reconnect', async () => {
    const conv = await start('ws-replay');
    const greeting = await pollUntil(conv, (all) => botMessages(all).some((a) => a.suggestedActions));
    const reconnect = await call('GET', `/directline/conversations/${conv.conversationId}?watermark=1`, { token: conv.token });
    const { ws, frames } = await open(reconnect.json.streamUrl);
    try {
      const first = await waitFor(() => frames[0]);
      expect(first.activities).toEqual(greeting.activities.slice(1));
      expect(first.watermark).toBe(greeting.watermark);
    } finally {
      ws.close();
    }
  });
});

describe('bot endpoint input limits', () => {
  it('answers 400 with a reason for malformed JSON', async () => {
    const response = await call('POST', '/api/messages', { raw: '{"type": "message", ' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json)).toMatch(/json|parse|unexpected/i);
  });

  it('answers 413 past MAX_BODY_BYTES', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'directline-small-'));
    const small = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent', MAX_BODY_BYTES: '2048' }));
    try {
      const body = JSON.stringify({ type: 'message', text: 'x'.repeat(4096) });
      const big = await fetch(`${small.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(big.status).toBe(413);
      const fits = await fetch(`${small.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(fits.status).toBe(400);
    } finally {
      await small.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The local Direct Line on a bare restify server with a stand-in bot that only acknowledges: every activity in
 * the log is the user's echo or a connector call the test makes itself, holding the secret the bot would hold.
 */
async function bareDirectLine(limits: Partial<DirectLineLimits>) {
  const server = restify.createServer();
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(jsonBody(1 << 20));
  const upgrades = new UpgradeRoutes(server.server, app.logger, 5_000);
  const received: { type: string; authorization?: string }[] = [];
  server.post('/bot', async (req: restify.Request, res: restify.Response) => {
    received.push({ ...(req.body as { type: string }), authorization: req.headers.authorization });
    res.send(200);
  });
  let base = '';
  const secrets = { toBot: 'secret-the-channel-sends-to-the-bot', fromBot: 'secret-the-bot-sends-to-the-channel' };
  const directLine = registerDirectLine(
    { server, upgrades },
    {
      logger: app.logger,
      botEndpoint: () => `${base}/bot`,
      serviceUrl: () => base,
      publicBase: () => base,
      secrets,
      clientOf: () => 'one-client',
      limits,
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const post = async (route: string, token?: string, body?: unknown) => {
    const res = await fetch(base + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body ?? {}),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  /** A Bot Connector call as the bot makes it, with the bot's secret. */
  const connector = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(base + route, {
      method,
      headers: { authorization: `Bearer ${secrets.fromBot}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as any };
  };
  const activities = async (conv: ConversationInfo, watermark = '0') =>
    (await fetch(`${base}/directline/conversations/${conv.conversationId}/activities?watermark=${watermark}`, {
      headers: { authorization: `Bearer ${conv.token}` },
    }).then((r) => r.json())) as ActivitySet;
  const close = async (): Promise<void> => {
    directLine.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { base, received, secrets, post, connector, activities, close };
}

describe('Bot Connector routes (bare server)', () => {
  it('append, update and delete bot activities and list members, for the bot alone; 404 for unknown conversations', async () => {
    const dl = await bareDirectLine({});
    try {
      const conv = (await dl.post('/directline/conversations', undefined, { user: { id: 'user-c' } })).json as ConversationInfo;
      const base = `/v3/conversations/${conv.conversationId}/activities`;
      const sent = await dl.connector('POST', base, {
        type: 'message',
        text: 'from the connector',
        from: { id: 'helpdesk-bot', role: 'bot' },
      });
      expect(sent.status).toBe(200);
      const replyTo = await dl.connector('POST', `${base}/${encodeURIComponent(sent.json.id)}`, { type: 'message', text: 'a reply' });
      expect(replyTo.status).toBe(200);
      let log = (await dl.activities(conv)).activities;
      expect(log.at(-2)).toMatchObject({ id: sent.json.id, text: 'from the connector', conversation: { id: conv.conversationId } });
      expect(log.at(-1)).toMatchObject({ text: 'a reply', replyToId: sent.json.id });

      const updated = await dl.connector('PUT', `${base}/${encodeURIComponent(sent.json.id)}`, { type: 'message', text: 'edited' });
      expect(updated.status).toBe(200);
      log = (await dl.activities(conv)).activities;
      expect(log.filter((a) => a.id === sent.json.id).map((a) => a.text)).toEqual(['edited']);
      expect(log.at(-1)?.id).toBe(sent.json.id);

      expect((await dl.connector('DELETE', `${base}/${encodeURIComponent(replyTo.json.id)}`)).status).toBe(200);
      log = (await dl.activities(conv)).activities;
      expect(log.some((a) => a.id === replyTo.json.id)).toBe(false);
      expect((await dl.connector('DELETE', `${base}/${encodeURIComponent(replyTo.json.id)}`)).status).toBe(404);

      const members = await dl.connector('GET', `/v3/conversations/${conv.conversationId}/members`);
      expect(members.json.map((m: { id: string }) => m.id)).toEqual(['helpdesk-bot', 'user-c']);

      expect((await dl.connector('POST', '/v3/conversations/unknown/activities', { type: 'message', text: 'x' })).status).toBe(404);
      expect((await dl.connector('GET', '/v3/conversations/unknown/members')).status).toBe(404);
      expect((await dl.connector('POST', base, { text: 'no type' })).status).toBe(400);
      // The channel's own activities to the bot carry its secret, so the bot can tell them from anyone else's.
      expect(dl.received[0]).toMatchObject({ type: 'conversationUpdate', authorization: `Bearer ${dl.secrets.toBot}` });
      // Without the bot's secret nothing gets through, known conversation or not.
      const anonymous = await fetch(`${dl.base}${base}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"type":"message","text":"x"}',
      });
      expect(anonymous.status).toBe(401);
    } finally {
      await dl.close();
    }
  });
});

describe('local Direct Line limits (bare server, tiny limits)', () => {
  it('caps the log, keeps streams alive with empty messages, makes room only from unused conversations, expires idle ones', async () => {
    const dl = await bareDirectLine({
      maxActivities: 3,
      maxConversations: 2,
      conversationsPerClient: 10,
      idleMs: 1200,
      inUseMs: 400,
      heartbeatMs: 100,
    });
    const { post } = dl;
    try {
      const a = (await post('/directline/conversations', undefined, { user: { id: 'a' } })).json as ConversationInfo;
      for (const text of ['1', '2', '3', '4', '5']) {
        expect((await post(`/directline/conversations/${a.conversationId}/activities`, a.token, { type: 'message', text })).status).toBe(
          200,
        );
      }
      expect(dl.received.map((r) => r.type)).toEqual(['conversationUpdate', 'message', 'message', 'message', 'message', 'message']);
      const page = await dl.activities(a);
      expect(page.activities.map((x) => x.text)).toEqual(['3', '4', '5']);
      expect(page.watermark).toBe('5');

      // The stream sends empty keep-alive messages (ignored by DirectLineJS), never `{}`.
      const ws = new WebSocket(a.streamUrl);
      const messages: string[] = [];
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      ws.on('message', (data) => messages.push(data.toString()));
      await new Promise((resolve) => ws.once('open', resolve));
      await new Promise((r) => setTimeout(r, 250));
      expect(messages[0] && JSON.parse(messages[0]).activities.length).toBe(3);
      expect(messages.slice(1)).toContain('');
      expect(messages.slice(1).every((m) => m === '')).toBe(true);

      // Full (cap 2): a is in use (its stream is open), b was opened and never used, so b makes room for c.
      const b = (await post('/directline/conversations', undefined, { user: { id: 'b' } })).json as ConversationInfo;
      const c = (await post('/directline/conversations', undefined, { user: { id: 'c' } })).json as ConversationInfo;
      expect((await post('/directline/tokens/refresh', b.token)).status).toBe(403);
      expect((await post(`/directline/conversations/${a.conversationId}/activities`, a.token, { type: 'message', text: '6' })).status).toBe(
        200,
      );
      await dl.activities(c);
      // With both in use, a newcomer is turned away rather than anyone cut off.
      const refused = await post('/directline/conversations', undefined, { user: { id: 'd' } });
      expect(refused.status).toBe(503);
      // Once a's stream is closed and its client quiet past inUseMs, a is the one to go.
      ws.close();
      expect(await closed).toBe(1005);
      await new Promise((r) => setTimeout(r, 500));
      await dl.activities(c);
      const d = await post('/directline/conversations', undefined, { user: { id: 'd' } });
      expect(d.status).toBe(201);
      const gone = await fetch(`${dl.base}/directline/conversations/${a.conversationId}/activities`, {
        headers: { authorization: `Bearer ${a.token}` },
      });
      expect(gone.status).toBe(403);

      // Idle past idleMs: forgotten. (Idle time plus up to one sweep interval, with a margin: the suite shares two cores.)
      await new Promise((r) => setTimeout(r, 3200));
      expect((await post('/directline/tokens/refresh', d.json.token)).status).toBe(403);
    } finally {
      await dl.close();
    }
  });
});
