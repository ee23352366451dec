/**
 * Hardening: malformed and hostile requests against every public surface of one in-process server (bot endpoint,
 * local Direct Line, agent and admin APIs). Cases are generated up front from a seeded PRNG, so a failure
 * reproduces with FUZZ_SEED=<seed> (printed at the start). Each request must end in an allowed 4xx or a 2xx;
 * never a 5xx, never a hang. A 2xx message to the bot must be answered politely at the capture server (not with
 * the "something went wrong" fallback, and not silently dropped). Afterwards the server is healthy, a normal
 * conversation works, every stored document parses and Object.prototype is untouched.
 *
 * Every bug this fuzzer found is pinned by a deterministic regression case at the end of the file.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { redact } from '../../src/transcripts/redact.js';
import { tempDir } from '../helpers/botHarness.js';
import {
  CaptureServer,
  ChannelUser,
  WENT_WRONG,
  buttonTitles,
  replyTexts,
  type CapturedActivity,
} from '../helpers/captureServer.js';
import { DirectLineUser } from '../helpers/directLineClient.js';
import { checkStoreDocuments, freePort } from '../helpers/spawnBot.js';
import { JSON_HEADERS, type Case, type DlConversation, type LiveContext } from './fuzz/case.js';
import { generateCases } from './fuzz/generate.js';
import { deepJson } from './fuzz/hostile.js';
import { Rng } from './fuzz/rng.js';
import { ADMIN, AGENT, MAX_BODY } from './fuzz/settings.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : (Date.now() ^ (process.pid << 10)) >>> 0;
const REQUEST_TIMEOUT_MS = 15_000;
const WORKERS = 8;
/** Statuses a hostile request may get (the brief: never a 5xx). */
const ALLOWED = new Set([200, 201, 202, 204, 400, 401, 403, 404, 405, 413, 415, 429]);

// ---------------------------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------------------------

interface Outcome {
  c: Case;
  statuses: (number | string)[];
  ms: number;
  violations: string[];
}

/** The bot endpoint without an app id or local channel (anonymous, replies to the capture server), and the consoles' APIs. */
let app: App;
/** The local Direct Line and its connector, where the bot endpoint takes nothing but the channel's own activities. */
let dlApp: App;
let capture: CaptureServer;
let dataDir: string;
let dlDataDir: string;
const logLines: string[] = [];
const outcomes: Outcome[] = [];
let prototypeBefore: string[] = [];

beforeAll(async () => {
  prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  capture = await CaptureServer.start();
  dataDir = tempDir('mfa-fuzz-');
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logLines.push(line);
      done();
    },
  });
  const config = (localDirectLine: boolean, dir: string) =>
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      LOCAL_DIRECTLINE: String(localDirectLine),
      ALLOWED_SERVICE_URLS: capture.url,
      MAX_BODY_BYTES: String(MAX_BODY),
      AGENT_TOKENS: `fuzzagent:${AGENT}`,
      ADMIN_TOKENS: `fuzzadmin:${ADMIN}`,
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '100000',
      RATE_LIMIT_CLIENT_PER_MINUTE: '100000',
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
      DIRECTLINE_CONVERSATIONS_PER_CLIENT: '10000',
      DIRECTLINE_MAX_CONVERSATIONS: '10000',
    });
  dlDataDir = tempDir('mfa-fuzz-dl-');
  [app, dlApp] = await Promise.all([
    startApp(config(false, dataDir), { logger: createLogger('warn', sink) }),
    startApp(config(true, dlDataDir), { logger: createLogger('warn', sink) }),
  ]);
});

afterAll(async () => {
  await Promise.all([app?.close(), dlApp?.close()]);
  await capture?.close();
});

/** Which app a surface lives on. */
const appFor = (c: Case): App => (c.surface === 'directline' || c.surface === 'connector' || c.surface === 'upgrade' ? dlApp : app);

/** A raw upgrade request: the status line the server answered with, and whether it closed the socket after. */
function sendUpgrade(base: string, path: string, headers: Record<string, string>): Promise<{ status: number | string; body: string; ms: number }> {
  const started = Date.now();
  const { port } = new URL(base);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];
      for (const [k, v] of Object.entries(headers)) if (v) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let answer = '';
    let status: number | string = 'timeout';
    const timer = setTimeout(() => finish('timeout (socket kept open)'), 5_000);
    const finish = (why?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: why ?? status, body: answer.slice(0, 200), ms: Date.now() - started });
    };
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      const line = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (line) status = Number(line[1]);
      // An answered upgrade must also be closed: wait for the server to end the socket.
      if (typeof status === 'number' && status === 101) finish();
    });
    socket.on('error', () => finish(typeof status === 'number' ? undefined : 'network error'));
    socket.on('close', () => finish(typeof status === 'number' ? undefined : 'closed without an answer'));
  });
}

async function send(c: Case, ctx: LiveContext): Promise<{ status: number | string; body: string; ms: number }> {
  const started = Date.now();
  const path = typeof c.path === 'function' ? c.path(ctx) : c.path;
  const headers = typeof c.headers === 'function' ? c.headers(ctx) : c.headers;
  const body = typeof c.body === 'function' ? c.body(ctx) : c.body;
  if (c.surface === 'upgrade') return sendUpgrade(dlApp.url, path, headers);
  try {
    const res = await fetch(`${appFor(c).url}${path}`, { method: c.method, headers, body: Buffer.isBuffer(body) ? new Uint8Array(body) : body, signal: AbortSignal.timeout(c.timeoutMs ?? REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    return { status: res.status, body: text, ms: Date.now() - started };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { status: e.name === 'TimeoutError' ? 'timeout' : `network:${e.cause?.code ?? e.message}`, body: '', ms: Date.now() - started };
  }
}

async function dlStart(userId: string): Promise<DlConversation> {
  const res = await fetch(`${dlApp.url}/directline/conversations`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ user: { id: userId } }) });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { conversationId: string; token: string };
  return { id: body.conversationId, token: body.token, userId };
}

async function dlBotTexts(conversation: DlConversation): Promise<string[]> {
  const res = await fetch(`${dlApp.url}/directline/conversations/${conversation.id}/activities`, { headers: { authorization: `Bearer ${conversation.token}` } });
  expect(res.status).toBe(200);
  const page = (await res.json()) as { activities: { from: { id: string; role?: string }; text?: string }[] };
  return page.activities.filter((a) => a.from.role !== 'user' && a.from.id !== conversation.userId).map((a) => a.text ?? '');
}

/** Files a real ticket through the bot endpoint, so the agent API fuzz meets one. */
async function fileTicket(): Promise<string> {
  const u = new ChannelUser(app.url, capture, `fz-ticket-${SEED}`);
  await u.join();
  for (const text of ['my code never arrives', 'talk to a person', 'alex@contoso.com', 'The code never arrives']) await u.say(text);
  let turn = await u.say('skip');
  for (let i = 0; i < 8 && !replyTexts(turn.replies).includes('Is everything right?'); i += 1) turn = await u.say('skip');
  const sent = await u.say('Send to the help desk');
  const id = /\*\*(MFA-[A-Z0-9]{6})\*\*/.exec(replyTexts(sent.replies))?.[1];
  expect(id, replyTexts(sent.replies)).toBeDefined();
  return id!;
}

function judge(c: Case, statuses: (number | string)[], bodies: string[], replies: CapturedActivity[], dlTexts: string[] | undefined): string[] {
  const problems: string[] = [];
  for (const status of statuses) {
    if (typeof status !== 'number') problems.push(`no answer (${status})`);
    else if (!ALLOWED.has(status)) problems.push(`status ${status}`);
    else if (c.expect && !c.expect.includes(status)) problems.push(`status ${status}, expected ${c.expect.join('/')}`);
    if (typeof status === 'number' && status >= 200 && status < 300 && c.mayPass === false) problems.push(`ACCESS: ${status} without a valid credential`);
  }
  const ok = statuses.every((s) => typeof s === 'number' && s >= 200 && s < 300);
  if (c.surface === 'messages' && ok) {
    let seen = replies;
    if (c.inlineReplies) {
      try {
        seen = [...replies, ...((JSON.parse(bodies[0] || '{}') as { activities?: CapturedActivity[] }).activities ?? [])];
      } catch {
        problems.push('expectReplies body is not JSON');
      }
      if (seen.length === 0) problems.push('expectReplies: no replies in the body');
    }
    const wrong = seen.filter((r) => WENT_WRONG.test(r.text ?? ''));
    if (wrong.length) problems.push('bot answered "something went wrong"');
    if (c.wantsReply && seen.length === 0) problems.push('2xx but the bot sent no reply (silently dropped)');
  }
  if (dlTexts && dlTexts.some((t) => WENT_WRONG.test(t))) problems.push('Direct Line: bot answered "something went wrong"');
  return problems;
}

describe(`fuzzing every public surface (seed ${SEED})`, () => {
  it('hostile requests get a 4xx or a polite 2xx, never a 5xx or a hang', { timeout: 60_000 }, async () => {
    console.log(`[fuzz] seed=${SEED}  (reproduce: FUZZ_SEED=${SEED} npx vitest run test/hardening/fuzz.test.ts)`);
    const started = Date.now();
    const closedPort = await freePort();
    const cases = generateCases(new Rng(SEED), capture.url, closedPort);

    const ticketId = await fileTicket();
    const dl = await Promise.all(Array.from({ length: 4 }, (_, i) => dlStart(`dl-user-${i}`)));
    const transcriptIds = (await app.transcripts.search({}, { offset: 0, limit: 20 }, new Date())).items.map((x) => x.conversationId);
    const fresh = new Map<number, DlConversation>();
    await Promise.all(cases.filter((c) => c.dlCheck !== undefined).map(async (c) => fresh.set(c.dlCheck!, await dlStart(`dl-fresh-${c.n}`))));
    const ctx: LiveContext = { dl, fresh, ticketId, transcriptIds };

    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const c = cases[next]!;
        next += 1;
        const since = c.conversationId ? capture.count(c.conversationId) : 0;
        const statuses: (number | string)[] = [];
        const bodies: string[] = [];
        const t0 = Date.now();
        for (let r = 0; r < (c.repeat ?? 1); r += 1) {
          const res = await send(c, ctx);
          statuses.push(res.status);
          bodies.push(res.body);
        }
        const replies = c.conversationId ? capture.repliesOf(c.conversationId, since) : [];
        const freshConv = c.dlCheck !== undefined ? fresh.get(c.dlCheck) : undefined;
        const dlTexts = freshConv && statuses[0] === 200 ? await dlBotTexts(freshConv) : undefined;
        const violations = judge(c, statuses, bodies, replies, dlTexts);
        outcomes.push({ c, statuses, ms: Date.now() - t0, violations });
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));

    // Report: counts, status histogram per surface, slowest requests, known-bug hits.
    const requests = outcomes.reduce((sum, o) => sum + o.statuses.length, 0);
    const histogram: Record<string, Record<string, number>> = {};
    for (const o of outcomes) for (const s of o.statuses) {
      const h = (histogram[o.c.surface] ??= {});
      h[String(s)] = (h[String(s)] ?? 0) + 1;
    }
    const perSurface = Object.fromEntries(Object.entries(histogram).map(([k, h]) => [k, Object.values(h).reduce((a, b) => a + b, 0)]));
    const timing: Record<string, { n: number; total: number; max: number }> = {};
    for (const o of outcomes) {
      const key = `${o.c.surface}/${o.c.tags[0]!.split(/[:=]/)[0]}`;
      const t = (timing[key] ??= { n: 0, total: 0, max: 0 });
      t.n += 1;
      t.total += o.ms;
      t.max = Math.max(t.max, o.ms);
    }
    const timingText = Object.entries(timing).map(([k, t]) => `${k} n=${t.n} avg=${Math.round(t.total / t.n)} max=${t.max}`).join(' | ');
    const slowest = [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, 3).map((o) => `#${o.c.n} ${o.c.tags.join(',')} ${o.ms}ms`);
    const failed = outcomes.filter((o) => o.violations.length);
    const turnErrors = logLines.filter((l) => l.includes('"unhandled error in turn"')).length;
    const unrecovered = logLines.filter((l) => l.includes('"could not recover from turn error"')).length;
    console.log(
      `[fuzz] ${requests} requests (${JSON.stringify(perSurface)}) in ${Date.now() - started} ms\n` +
        `[fuzz] statuses: ${JSON.stringify(histogram)}\n` +
        `[fuzz] slowest: ${slowest.join(' | ')}\n` +
        `[fuzz] ms per category: ${timingText}\n` +
        `[fuzz] server log: ${turnErrors} "unhandled error in turn", ${unrecovered} "could not recover"`,
    );
    if (failed.length) {
      const byKind = new Map<string, string[]>();
      for (const o of failed) for (const v of o.violations) byKind.set(`${v} <- ${o.c.tags[0]}`, [...(byKind.get(`${v} <- ${o.c.tags[0]}`) ?? []), `#${o.c.n}`]);
      console.log(`[fuzz] FAILED (seed ${SEED}):\n${[...byKind].map(([k, ns]) => `  ${ns.length}x ${k} (${ns.slice(0, 5).join(' ')})`).join('\n')}`);
    }

    expect(outcomes.filter((o) => o.c.surface === 'messages').reduce((s, o) => s + o.statuses.length, 0)).toBeGreaterThanOrEqual(1000);
    expect(requests).toBeGreaterThanOrEqual(1500);
    expect(failed.map((o) => `#${o.c.n} [${o.c.tags.join(',')}] ${o.c.method} ${typeof o.c.path === 'string' ? o.c.path.slice(0, 80) : '(dynamic)'} -> ${o.statuses.join(',')}: ${o.violations.join('; ')}`)).toEqual([]);
  });

  it('afterwards: the server is healthy, a conversation works, documents parse, prototypes are clean', async () => {
    const health = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const u = new ChannelUser(app.url, capture, `fz-after-${SEED}`);
    const joined = await u.join();
    expect(joined.status).toBe(200);
    expect(buttonTitles(joined.replies.at(-1))).toContain('My code, text or call never arrives');
    const step = await u.say('My code, text or call never arrives');
    expect(replyTexts(step.replies)).toContain("Let's check your phone");
    const next = await u.say('No, still stuck');
    expect(replyTexts(next.replies)).toContain('Make sure the phone number saved on your account');

    const dl = await dlStart('dl-after');
    const post = await fetch(`${dlApp.url}/directline/conversations/${dl.id}/activities`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${dl.token}` },
      body: JSON.stringify({ type: 'message', text: 'My code, text or call never arrives', from: { id: dl.userId } }),
    });
    expect(post.status).toBe(200);
    expect((await dlBotTexts(dl)).join('\n')).toContain("Let's check your phone");

    const check = checkStoreDocuments(dataDir);
    expect(check.bad).toEqual([]);
    expect(check.documents + check.journalLines).toBeGreaterThan(100);
    expect(checkStoreDocuments(dlDataDir).bad).toEqual([]);

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

/**
 * Every bug the fuzzer found, as one deterministic request each. The envelope fields botbuilder copies into
 * replies or reads in handlers are checked at the endpoint, so a wrong one is a 400 naming the field instead of
 * a failed turn (the "something went wrong" message) or a reply that cannot be serialised (silence).
 */
describe('regression: hostile activities found by the fuzzer', () => {
  const post = async (name: string, extra: Record<string, unknown>, drop: string[] = []): Promise<{ status: number; body: string; replies: CapturedActivity[] }> => {
    const u = new ChannelUser(app.url, capture, `fz-kb-${name}-${Date.now().toString(36)}`);
    const activity = u.activity({ text: 'My code, text or call never arrives', ...extra });
    for (const key of drop) delete activity[key];
    const since = capture.count(u.conversationId);
    const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(activity), signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text(), replies: capture.repliesOf(u.conversationId, since) };
  };
  const refused = async (field: string, extra: Record<string, unknown>, drop: string[] = []): Promise<void> => {
    const res = await post(field.replace(/\W/g, ''), extra, drop);
    expect(res.status, res.body).toBe(400);
    expect((JSON.parse(res.body) as { message: string }).message).toContain(field);
    expect(res.replies).toEqual([]);
  };

  it('entities that is not an array', () => refused('entities', { entities: 'x' }));
  it('a mention entity without mentioned', () => refused('entities.0.mentioned', { entities: [{ type: 'mention', text: '<at>bot</at>' }] }));
  it('no recipient', () => refused('recipient', {}, ['recipient']));
  it('no from', () => refused('from', {}, ['from']));
  it('conversationUpdate with membersAdded "x" or [null]', async () => {
    await refused('membersAdded', { type: 'conversationUpdate', membersAdded: 'x' });
    await refused('membersAdded.0', { type: 'conversationUpdate', membersAdded: [null] });
  });
  it('an event whose name is a number', () => refused('name', { type: 'event', name: 5 }));
  it('wrong-typed fields that replies copy: locale, conversation.isGroup, from.name', async () => {
    await refused('locale', { locale: 5 });
    await refused('conversation.isGroup', { conversation: { id: `fz-kb-isgroup-${Date.now()}`, isGroup: 'yes' } });
    await refused('from.name', { from: { id: 'u', name: { first: 'A' } } });
  });
  it('a conversation.id that cannot go into a header or a URL', async () => {
    await refused('conversation.id', { conversation: { id: `fz-kb-💥-${Date.now()}` } });
    await refused('conversation.id', { conversation: { id: 'x'.repeat(600) } });
  });
  it('attachments that is not an array, a timestamp that is not a date', async () => {
    await refused('attachments', { attachments: 'x' });
    await refused('timestamp', { timestamp: 'yesterday-ish' });
  });
  it('a serviceUrl that is not http(s), or (without an app id) not a channel the operator listed', async () => {
    await refused('serviceUrl', { serviceUrl: 'javascript:alert(1)' });
    await refused('serviceUrl', { serviceUrl: 'http://192.0.2.10:8080/' });
    await refused('serviceUrl', { serviceUrl: 'http://localhost.example.org/' });
    await refused('serviceUrl', { serviceUrl: `${app.url}/api/messages?x=` });
  });
  it('invokes: a Universal Action is answered with a message, any other invoke with a 400', async () => {
    const action = await post('invoke', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'x' } } });
    expect(action.status).toBe(200);
    expect(JSON.parse(action.body)).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    const other = await post('invoke-other', { type: 'invoke', name: 'task/fetch' });
    expect(other.status).toBe(400);
    expect(other.body).toContain('task/fetch');
  });
  it('deep junk in the conversation or an account is left out of the replies, which still go out', async () => {
    const u = new ChannelUser(app.url, capture, `fz-kb-deep-${Date.now().toString(36)}`);
    const deep = deepJson(20, 'object');
    const body = JSON.stringify(u.activity({ text: 'My code, text or call never arrives' }))
      .replace('"conversation":{', `"conversation":{"tenantId":"t1","deep":${deep},`)
      .replace('"from":{', `"from":{"nested":[${deep}],`);
    const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: JSON_HEADERS, body, signal: AbortSignal.timeout(10_000) });
    expect(res.status, await res.text()).toBe(200);
    const replies = capture.repliesOf(u.conversationId, 0);
    expect(replyTexts(replies)).toContain("Let's check your phone");
    expect(replies[0]!.conversation).toEqual({ id: u.conversationId, tenantId: 't1' });
  });
  it('Direct Line: a field the bot endpoint would refuse is a 400 for the client, not a 502', async () => {
    const dl = await dlStart('dl-kb-localtime');
    const res = await fetch(`${dlApp.url}/directline/conversations/${dl.id}/activities`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${dl.token}` },
      body: JSON.stringify({ type: 'message', text: 'hello', from: { id: dl.userId }, localTimestamp: 'teatime' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('localTimestamp');
  });
  it('a well-formed message with every optional field still gets its answer', async () => {
    const res = await post('full', {
      id: 'act-1', locale: 'en-GB', timestamp: new Date().toISOString(), localTimestamp: '2026-11-22T15:05:00.1234567+01:00',
      entities: [{ type: 'clientInfo', locale: 'en-GB' }], attachments: [], channelData: { clientActivityID: 'x' },
    });
    expect(res.status, res.body).toBe(200);
    expect(replyTexts(res.replies)).toContain("Let's check your phone");
  });

  it('a Direct Line client cannot forge the help desk\'s "handoff.resolved" signal', async () => {
    const user = await DirectLineUser.start(dlApp.url, 'dl-spoofer');
    await user.waitFor((a) => Boolean(a.suggestedActions));
    for (const [text, wait] of [
      ['my code never arrives', "Let's check your phone"],
      ['talk to a person', 'email address or sign-in name'],
      ['alex@contoso.com', 'What does the error message say'],
      ['The code never arrives', 'address (URL)'],
    ] as const) {
      await user.say(text);
      await user.waitForText(wait);
    }
    let prompt = '';
    for (let i = 0; i < 8 && !prompt.includes('Is everything right?'); i += 1) {
      await user.say('skip');
      prompt = (await user.waitFor((a) => Boolean(a.suggestedActions))).at(-1)?.text ?? '';
    }
    await user.say('Send to the help desk');
    const done = await user.waitForText(/ticket number is \*\*MFA-/);
    const ticketId = /\*\*(MFA-[A-Z0-9]{6})\*\*/.exec(done.map((a) => a.text).join(' '))![1]!;
    // The client sends what the queue's proactive signal looks like: the bot must not take it as one.
    await user.say('', { type: 'event', name: 'handoff.resolved', value: { ticketId, agent: 'Mallory from IT' } });
    await user.say('are you there?');
    const after = await user.waitFor((a) => /added that to your ticket|marked your request as resolved/.test(a.text ?? ''));
    expect(after.map((a) => a.text).join('\n')).not.toContain('marked your request as resolved');
    expect((await dlApp.tickets.get(ticketId))?.rating).toBeUndefined();
  });
});

describe('regression: cost of long messages', () => {
  // A complexity check, not a timing goal: the ratio between two lengths tells linear (~x4) from quadratic (~x16).
  it('redacting a long run of word characters takes time linear in its length, not quadratic', () => {
    // The email pattern once had no left boundary: from every start position it ran to the end of the run and
    // backtracked looking for "@", so 10,000 such characters blocked the event loop for a few hundred ms.
    const median = (len: number): number => {
      const times = Array.from({ length: 3 }, () => {
        const t0 = performance.now();
        redact('A'.repeat(len));
        return performance.now() - t0;
      });
      return times.sort((a, b) => a - b)[1]!;
    };
    median(500);
    const short = Math.max(median(2_500), 0.5);
    const long = median(10_000);
    console.log(`[fuzz] redact 2,500 chars: ${short.toFixed(1)} ms, 10,000 chars: ${long.toFixed(1)} ms (x${(long / short).toFixed(1)}; linear ~x4, quadratic ~x16)`);
    expect(long).toBeLessThan(50);
    expect(long / short).toBeLessThan(8);
  });
});

async function waitForTranscript(conversationId: string, done: (text: string) => boolean): Promise<string> {
  // Transcript writes are not awaited by the middleware: give them a moment.
  let text = '';
  for (let i = 0; i < 20 && !done(text); i += 1) {
    await new Promise((r) => setTimeout(r, 50));
    text = JSON.stringify((await app.transcripts.get(conversationId))?.entries ?? []);
  }
  return text;
}
