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
import { redact } from '../../src/privacy/redact.js';
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

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : (Date.now() ^ (process.pid << 10)) >>> 0;
const MAX_BODY = 65_536;
const AGENT = 'agent-token-fuzz-0123456789abcdef';
const ADMIN = 'admin-token-fuzz-0123456789abcdef';
const REQUEST_TIMEOUT_MS = 15_000;
const WORKERS = 8;
/** Statuses a hostile request may get (the brief: never a 5xx). */
const ALLOWED = new Set([200, 201, 202, 204, 400, 401, 403, 404, 405, 413, 415, 429]);

// ---------------------------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32) and hostile values
// ---------------------------------------------------------------------------------------------------------------

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  id(): string {
    return Array.from({ length: 10 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[this.int(36)]).join('');
  }
}

const SAMPLES = [
  '👩‍💻🔐🙈 my 2FA 📱 is broken 💥',
  'مرحبا، لا أستطيع تسجيل الدخول إلى حسابي',
  'שלום, הקוד לא מגיע',
  '\u202emoc.osotnoc@xela\u202c',
  '验证码收不到',
  'Z̸̢̛̗͎a̶̟̓l̷̰̈g̸̱͝o̵͉̔ text',
  '\u0000\u0001\u0002\u0007\b\u001b[31mred\u001b[0m\u007f',
  'line\u2028sep\u2029para\ufeffbom',
  'lone \ud800 surrogate \udfff',
  'nul\u0000inside',
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  '{{7*7}} ${process.exit(1)} #{7*7} %s%s%s%n',
  "'; DROP TABLE tickets; --",
  '../../../../etc/passwd',
  '%00%0d%0aSet-Cookie: x=1',
  '**bold** [click](javascript:alert(1)) ![x](http://127.0.0.1:1/x.png)',
  'talk to a person',
  'menu',
  'cancel',
  'help',
  '?',
  'skip',
  'Send to the help desk',
  'My code, text or call never arrives',
  'No, still stuck',
  '   ',
  '',
  '__proto__',
  'constructor',
  'Error Code: 50076\nRequest Id: zzz\nCorrelation Id: \u0000\nTimestamp: 9999-99-99T99:99:99Z',
  'alex@contoso.com',
  '5',
  'NaN',
  'undefined',
  'null',
];

function randomCodePoints(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) {
    const bucket = rng.int(5);
    const cp = bucket === 0 ? rng.int(0x20) : bucket === 1 ? rng.range(0x20, 0x7e) : bucket === 2 ? rng.range(0x80, 0xd7ff) : bucket === 3 ? rng.range(0xe000, 0xfffd) : rng.range(0x10000, 0x10ffff);
    s += String.fromCodePoint(cp);
  }
  return s;
}

function hostileString(rng: Rng, max = 600): string {
  const parts = Array.from({ length: rng.range(1, 3) }, () => {
    const k = rng.int(4);
    if (k === 0) return randomCodePoints(rng, rng.range(1, 40));
    if (k === 1) return 'A'.repeat(rng.range(1, max));
    return rng.pick(SAMPLES);
  });
  return parts.join(rng.pick(['', ' ', '\n', '\t'])).slice(0, max);
}

type Kind = 'number' | 'bool' | 'null' | 'string' | 'empty' | 'array' | 'object' | 'huge' | 'nested';
const KINDS: readonly Kind[] = ['number', 'bool', 'null', 'string', 'empty', 'array', 'object', 'huge', 'nested'];

function valueOfKind(rng: Rng, kind: Kind): unknown {
  switch (kind) {
    case 'number':
      return rng.pick([0, -1, 1, 1e308, -1e308, 2 ** 53 + 1, 0.5, -0]);
    case 'bool':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'string':
      return hostileString(rng, 300);
    case 'empty':
      return '';
    case 'array':
      return Array.from({ length: rng.int(4) }, () => valueOfKind(rng, rng.pick(['number', 'string', 'null', 'object'] as const)));
    case 'object':
      return { [rng.pick(['id', 'x', 'type', 'text', 'toString', 'valueOf'])]: valueOfKind(rng, rng.pick(['number', 'string', 'null'] as const)) };
    case 'huge':
      return 'H'.repeat(rng.range(10_001, 30_000));
    case 'nested': {
      let v: unknown = 'leaf';
      for (let i = rng.range(2, 60); i > 0; i -= 1) v = rng.chance(0.5) ? [v] : { n: v };
      return v;
    }
  }
}

function deepJson(levels: number, kind: 'object' | 'array'): string {
  return kind === 'object' ? `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}` : `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

const STRING_KINDS: readonly Kind[] = ['string', 'empty', 'huge'];
const NOT_STRING: readonly Kind[] = ['number', 'bool', 'null', 'array', 'object', 'nested'];

/** Whether the bot endpoint's schema (the brief's contract: type, channelId, serviceUrl, conversation.id, from.id, text) must refuse the value. */
function schemaRejects(path: string, kind: Kind): boolean {
  switch (path) {
    case 'type':
    case 'channelId':
      return NOT_STRING.includes(kind) || kind === 'empty';
    case 'serviceUrl':
      return kind !== 'string';
    case 'conversation':
      return kind !== 'object';
    case 'conversation.id':
      return NOT_STRING.includes(kind) || kind === 'empty';
    case 'from':
      return kind !== 'object';
    case 'from.id':
      return NOT_STRING.includes(kind);
    case 'text':
      return NOT_STRING.includes(kind) || kind === 'huge';
    default:
      return false;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

function deletePath(target: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[key];
  if (node && typeof node === 'object') delete (node as Record<string, unknown>)[keys.at(-1)!];
}

// ---------------------------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------------------------

interface Case {
  n: number;
  surface: 'messages' | 'directline' | 'agent' | 'admin' | 'connector' | 'upgrade';
  tags: string[];
  method: string;
  /** Path (and query) on the server, or a function of the live context (Direct Line ids and tokens). */
  path: string | ((ctx: LiveContext) => string);
  headers: Record<string, string> | ((ctx: LiveContext) => Record<string, string>);
  body?: string | Buffer | ((ctx: LiveContext) => string | Buffer | undefined);
  /** Exact statuses expected when the outcome is certain (otherwise ALLOWED applies). */
  expect?: number[];
  /** Bot endpoint: the conversation whose replies tell how the bot took the activity. */
  conversationId?: string;
  /** Bot endpoint: a 2xx must come with at least one captured reply. */
  wantsReply?: boolean;
  /** deliveryMode expectReplies: the replies are in the response body. */
  inlineReplies?: boolean;
  /** Send the same request this many times (replayed activity ids). */
  repeat?: number;
  /** Access-control oracle: a 2xx is only allowed when this holds. */
  mayPass?: boolean;
  /** Direct Line: after a 2xx post, read the conversation's log and check the bot's answer. */
  dlCheck?: number;
  timeoutMs?: number;
}

interface DlConversation {
  id: string;
  token: string;
  userId: string;
}

interface LiveContext {
  dl: DlConversation[];
  /** Fresh Direct Line conversations, one per activity-post case (so the bot's answer maps to one case). */
  fresh: Map<number, DlConversation>;
  ticketId: string;
  transcriptIds: string[];
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Fields of an inbound activity the mutations touch. */
const ACTIVITY_PATHS = [
  'type', 'id', 'timestamp', 'localTimestamp', 'localTimezone', 'channelId', 'serviceUrl', 'conversation', 'conversation.id',
  'conversation.isGroup', 'conversation.name', 'conversation.conversationType', 'conversation.tenantId', 'from', 'from.id',
  'from.name', 'from.role', 'from.aadObjectId', 'recipient', 'recipient.id', 'recipient.name', 'text', 'textFormat', 'locale',
  'entities', 'attachments', 'attachmentLayout', 'channelData', 'value', 'valueType', 'name', 'replyToId', 'deliveryMode',
  'suggestedActions', 'inputHint', 'speak', 'summary', 'label', 'code', 'importance', 'expiration', 'callerId', 'relatesTo',
  'semanticAction', 'listenFor', 'textHighlights', 'membersAdded', 'membersRemoved', 'reactionsAdded', 'action', 'topicName',
  'historyDisclosed',
] as const;
/** What the bot endpoint's own schema requires; a wrong value there is a 400. */
const REQUIRED = new Set(['type', 'channelId', 'serviceUrl', 'conversation', 'conversation.id']);

const OTHER_TYPES = [
  'typing', 'event', 'invoke', 'endOfConversation', 'messageReaction', 'installationUpdate', 'messageUpdate', 'messageDelete',
  'contactRelationUpdate', 'deleteUserData', 'trace', 'handoff', 'suggestion', 'command', 'commandResult', 'conversationUpdate',
  'MESSAGE', 'message ', 'zz-unknown', '\u0000', '💥', 'x'.repeat(300),
];

function generateCases(rng: Rng, captureUrl: string, closedPort: number): Case[] {
  const cases: Case[] = [];
  let n = 0;
  const add = (c: Omit<Case, 'n'>): void => void cases.push({ ...c, n: (n += 1) });

  const activity = (conversationId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    type: 'message',
    id: `fz-${rng.id()}`,
    timestamp: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    channelId: 'webchat',
    serviceUrl: captureUrl,
    conversation: { id: conversationId },
    from: { id: 'fuzz-user', name: 'Fuzz' },
    recipient: { id: 'helpdesk-bot', name: 'Bot' },
    locale: 'en-US',
    text: hostileString(rng),
    ...extra,
  });
  const conv = (): string => `fz-${SEED}-${n + 1}-${rng.id()}`;
  const message = (tags: string[], body: Record<string, unknown>, extra: Partial<Case> = {}): void => {
    const conversationId = (body.conversation as { id?: unknown } | undefined)?.id;
    add({
      surface: 'messages',
      tags,
      method: 'POST',
      path: '/api/messages',
      headers: JSON_HEADERS,
      body: JSON.stringify(body),
      conversationId: typeof conversationId === 'string' ? conversationId : undefined,
      wantsReply: body.type === 'message' && body.serviceUrl === captureUrl && body.deliveryMode !== 'expectReplies',
      inlineReplies: body.deliveryMode === 'expectReplies',
      ...extra,
    });
  };

  // --- /api/messages: at least 1,000 requests ---------------------------------------------------------------------
  for (let i = 0; i < 110; i += 1) message(['text'], activity(conv()));
  for (let i = 0; i < 4; i += 1) message(['text:long'], activity(conv(), { text: hostileString(rng, 10_000).padEnd(rng.range(5_000, 10_000), ' word') }));
  for (let i = 0; i < 320; i += 1) {
    const path = rng.pick(ACTIVITY_PATHS);
    const kind = rng.pick(KINDS);
    const body = activity(conv());
    if (path.startsWith('members') || path === 'action' || path === 'topicName' || path === 'historyDisclosed') body.type = 'conversationUpdate';
    if (path === 'name' || path === 'valueType') body.type = rng.pick(['event', 'message']);
    if (path === 'reactionsAdded') body.type = 'messageReaction';
    setPath(body, path, valueOfKind(rng, kind));
    message([`set:${path}=${kind}`], body, schemaRejects(path, kind) ? { expect: [400] } : {});
  }
  for (let i = 0; i < 70; i += 1) {
    const path = rng.pick(ACTIVITY_PATHS.filter((p) => p !== 'text'));
    const body = activity(conv());
    deletePath(body, path);
    message([`del:${path}`], body, REQUIRED.has(path) ? { expect: [400] } : {});
  }
  for (let i = 0; i < 80; i += 1) {
    const type = rng.pick(OTHER_TYPES);
    const extra: Record<string, unknown> = { type };
    if (type === 'event' || type === 'invoke') {
      extra.name = rng.pick(['handoff.unclaimed', 'handoff.status', 'webchat/join', 'adaptiveCard/action', 'signin/verifyState', hostileString(rng, 50)]);
      extra.value = valueOfKind(rng, rng.pick(KINDS));
    }
    if (type === 'conversationUpdate') extra.membersAdded = rng.chance(0.5) ? [{ id: 'fuzz-user' }, { id: 'helpdesk-bot' }] : [];
    message([`type:${type === 'invoke' ? 'invoke' : 'other'}`], activity(conv(), extra));
  }
  for (let i = 0; i < 40; i += 1) {
    const id = conv();
    const where = rng.pick(['top', 'conversation', 'from', 'channelData', 'value'] as const);
    const key = rng.pick(['__proto__', 'constructor', 'prototype']);
    const poison = key === 'constructor' ? '{"prototype":{"polluted":"yes","toString":1}}' : '{"polluted":"yes","isAdmin":true,"toString":1}';
    const base = activity(id);
    const json = JSON.stringify(base);
    const injected =
      where === 'top'
        ? `{"${key}":${poison},${json.slice(1)}`
        : where === 'channelData' || where === 'value'
          ? `${json.slice(0, -1)},"${where}":{"${key}":${poison}}}`
          : json.replace(`"${where}":{`, `"${where}":{"${key}":${poison},`);
    add({ surface: 'messages', tags: [`proto:${where}:${key}`], method: 'POST', path: '/api/messages', headers: JSON_HEADERS, body: injected, conversationId: id, wantsReply: true });
  }
  for (let i = 0; i < 20; i += 1) {
    const id = conv();
    const where = rng.pick(['channelData', 'value', 'conversation.deep', 'top', 'toparray'] as const);
    const levels = rng.range(9_000, 10_000);
    if (where === 'top' || where === 'toparray') {
      add({ surface: 'messages', tags: [`deep:${where}`], method: 'POST', path: '/api/messages', headers: JSON_HEADERS, body: deepJson(levels, where === 'top' ? 'object' : 'array'), expect: [400] });
      continue;
    }
    const json = JSON.stringify(activity(id, { text: 'hi' }));
    const deep = deepJson(levels, rng.chance(0.5) ? 'object' : 'array');
    const body = where === 'conversation.deep' ? json.replace(`"conversation":{`, `"conversation":{"deep":${deep},`) : `${json.slice(0, -1)},"${where}":${deep}}`;
    // Past MAX_JSON_DEPTH: refused before parsing, wherever the nesting sits.
    add({ surface: 'messages', tags: [`deep:${where}`], method: 'POST', path: '/api/messages', headers: JSON_HEADERS, body, conversationId: id, expect: [400] });
  }
  for (let i = 0; i < 60; i += 1) {
    const id = conv();
    const over = i % 2 === 1;
    const base = JSON.stringify(activity(id, { text: 'My code, text or call never arrives', channelData: { pad: '' } }));
    const target = over ? MAX_BODY + 1 + rng.int(4_000) : MAX_BODY - rng.int(64);
    const padded = base.replace('"pad":""', `"pad":"${'p'.repeat(target - Buffer.byteLength(base))}"`);
    add({ surface: 'messages', tags: [over ? 'size:over' : 'size:under'], method: 'POST', path: '/api/messages', headers: JSON_HEADERS, body: padded, conversationId: id, wantsReply: !over, expect: over ? [413] : [200] });
  }
  for (let i = 0; i < 6; i += 1) {
    // Just over the activity's own text limit (10,000 characters) but well under the body limit.
    const id = conv();
    message(['size:text-over'], activity(id, { text: 'T'.repeat(10_001 + rng.int(5_000)) }), { expect: [400] });
  }
  const BAD_UTF8 = [[0xff], [0xfe, 0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf0, 0x9f, 0x98]];
  for (let i = 0; i < 50; i += 1) {
    const id = conv();
    const bad = Buffer.from(rng.pick(BAD_UTF8));
    const inString = i % 3 !== 2;
    const json = JSON.stringify(activity(id, { text: 'MARK' }));
    const [before, after] = json.split(inString ? 'MARK' : '"text":"MARK"') as [string, string];
    const body = Buffer.concat([Buffer.from(before), bad, Buffer.from(after)]);
    add({ surface: 'messages', tags: [inString ? 'utf8:in-string' : 'utf8:structure'], method: 'POST', path: '/api/messages', headers: JSON_HEADERS, body, conversationId: id, wantsReply: inString, expect: inString ? undefined : [400] });
  }
  const CONTENT_TYPES: [string, number[]][] = [
    ['text/plain', [415]],
    ['application/xml', [415]],
    ['text/html; charset=utf-8', [415]],
    ['image/png', [415]],
    ['application/octet-stream', [415]],
    ['application/x-www-form-urlencoded', [415]],
    ['multipart/form-data; boundary=xyz', [415]],
    ['application/ld+json', [400, 415]],
    ['application/json; charset=utf-16', [200, 400, 415]],
    ['application/json; charset=iso-8859-1', [200, 400, 415]],
    ['APPLICATION/JSON', [200]],
    ['application/json;;;', [200, 400, 415]],
    ['', [400, 415]],
    ['application/jsonx', [415, 400]],
    ['json', [400, 415]],
  ];
  for (let i = 0; i < 70; i += 1) {
    const [type, expected] = rng.pick(CONTENT_TYPES);
    const id = conv();
    const body = JSON.stringify(activity(id, { text: 'hello' }));
    const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
    add({ surface: 'messages', tags: [`ctype:${type}`], method: 'POST', path: '/api/messages', headers, body, expect: expected, conversationId: id, wantsReply: expected.every((s) => s === 200) });
  }
  const NON_JSON = ['', ' ', '\n', 'null', 'true', '123', '"string"', '[]', '[{}]', '{', '{"type":', '{"type":"message",}', "{'type':'message'}", '{"a":1}garbage', 'NaN', '{"a":NaN}', '{"a":Infinity}', '/* c */{}', '<xml/>', '\u0000', '{"type":"message"}{"type":"message"}', '\ufeff{"type":"message"}', '{"text":"\\ud800"}', '{"a":"\\x41"}', '{"a":"\\u00"}', '{"a":01}', '{"a":.5}', '{"a":1e99999}'];
  for (let i = 0; i < 110; i += 1) {
    const body = rng.pick(NON_JSON);
    add({ surface: 'messages', tags: ['nonjson'], method: 'POST', path: '/api/messages', headers: JSON_HEADERS, body, expect: [400] });
  }
  for (let i = 0; i < 25; i += 1) {
    // The same activity (same id) delivered twice, as a channel retrying a timed-out delivery does.
    message(['replay'], activity(conv(), { text: rng.pick(['hello', 'My code, text or call never arrives', 'talk to a person', 'help']) }), { repeat: 2 });
  }
  for (let i = 0; i < 40; i += 1) {
    const method = rng.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
    add({ surface: 'messages', tags: [`method:${method}`], method, path: '/api/messages', headers: method === 'GET' || method === 'DELETE' || method === 'OPTIONS' ? {} : JSON_HEADERS, body: method === 'GET' || method === 'DELETE' || method === 'OPTIONS' ? undefined : JSON.stringify(activity(conv())), expect: [405] });
  }
  for (let i = 0; i < 20; i += 1) {
    // With no app id the endpoint is anonymous; a token it cannot validate must still not crash it.
    const auth = rng.pick(['Bearer garbage', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.', `Bearer ${'x'.repeat(6000)}`, 'Bearer a b c']);
    const id = conv();
    add({ surface: 'messages', tags: ['auth-header'], method: 'POST', path: '/api/messages', headers: { ...JSON_HEADERS, authorization: auth }, body: JSON.stringify(activity(id, { text: 'hello' })), conversationId: id });
  }
  const SERVICE_URLS = ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://127.0.0.1:1/', 'data:text/plain,hi', 'mailto:x@y', 'urn:x'];
  for (let i = 0; i < 10; i += 1) {
    // Only loopback or schemes that never leave the machine; an unreachable http one takes ~10 s (the connector
    // client retries), so only once.
    const url = i === 0 ? `http://127.0.0.1:${closedPort}/` : rng.pick(SERVICE_URLS);
    message([`serviceUrl:${url.split(':')[0]}`], activity(conv(), { serviceUrl: url, text: 'hello' }), { timeoutMs: 30_000 });
  }
  // Spellings of places the bot must never POST to: loopback in every notation, this server's own endpoint (a
  // reply loop), the allowed channel with a path, query, fragment or credentials added.
  const capture = new URL(captureUrl);
  const SSRF = [
    `http://127.0.0.1:${closedPort}/internal/admin?x=`, `http://2130706433:${closedPort}/`, `http://0x7f.1:${closedPort}/`, `http://127.1:${closedPort}/`,
    `http://0177.0.0.1:${closedPort}/`, `http://[::1]:${closedPort}/`, `http://[::ffff:7f00:1]:${closedPort}/`, `http://localhost:${closedPort}/`,
    `http://169.254.169.254/latest/meta-data/`, `http://metadata.google.internal/`, `${captureUrl}/api/messages?x=`, `${captureUrl}/?q=1`,
    `${captureUrl}/#frag`, `http://user:pw@${capture.host}/`, `${captureUrl}/v3/../api`, `${capture.protocol}//${capture.hostname}:${Number(capture.port) + 1}/`,
    `https://${capture.host}/`, 'http://evil.botframework.com.example.net/', 'https://botframework.com@evil.example/',
  ];
  for (let i = 0; i < 40; i += 1) {
    const url = rng.pick(SSRF);
    message([`ssrf:${url.slice(0, 24)}`], activity(conv(), { serviceUrl: url, text: 'hello' }), { expect: [400], wantsReply: false });
  }
  for (let i = 0; i < 15; i += 1) {
    message(['expectReplies'], activity(conv(), { deliveryMode: 'expectReplies' }));
  }
  for (let i = 0; i < 10; i += 1) {
    // Conversation ids a file name or URL could trip on (the store hashes them; the connector URL encodes them).
    const id = rng.pick(['../../../etc/passwd', 'a/b/c', 'a?b#c', '%2e%2e%2f', 'con', 'NUL', 'x'.repeat(2000), '💥/🔥', ' ', '\u0000id', 'a\\b']) + rng.id();
    message(['conversation-id'], activity(id, { text: 'hello' }));
  }

  // --- local Direct Line: a few hundred -------------------------------------------------------------------------
  const dlAuth = ['none', 'own', 'other', 'garbage', 'empty', 'basic', 'agent', 'long', 'two'] as const;
  const authHeader = (ctx: LiveContext, which: (typeof dlAuth)[number], own: DlConversation): Record<string, string> => {
    const other = ctx.dl.find((c) => c.id !== own.id)!;
    switch (which) {
      case 'none':
        return {};
      case 'own':
        return { authorization: `Bearer ${own.token}` };
      case 'other':
        return { authorization: `Bearer ${other.token}` };
      case 'garbage':
        return { authorization: 'Bearer not-a-token' };
      case 'empty':
        return { authorization: 'Bearer ' };
      case 'basic':
        return { authorization: `Basic ${Buffer.from(`x:${own.token}`).toString('base64')}` };
      case 'agent':
        return { authorization: `Bearer ${AGENT}` };
      case 'long':
        return { authorization: `Bearer ${'t'.repeat(7000)}` };
      case 'two':
        return { authorization: `Bearer ${own.token} ${own.token}` };
    }
  };
  const dlIds = ['own', 'other', 'random', 'traversal', 'badpercent', 'long', 'unicode', 'empty'] as const;
  const idOf = (ctx: LiveContext, which: (typeof dlIds)[number], own: DlConversation): string => {
    switch (which) {
      case 'own':
        return own.id;
      case 'other':
        return ctx.dl.find((c) => c.id !== own.id)!.id;
      case 'random':
        return 'AbCdEfGhIjKlMnOp';
      case 'traversal':
        return '..%2F..%2Fetc%2Fpasswd';
      case 'badpercent':
        return '%E0%A4%A';
      case 'long':
        return 'L'.repeat(3000);
      case 'unicode':
        return '%F0%9F%92%A5';
      case 'empty':
        return '%20';
    }
  };
  let tagsOut: string[] = [];
  const dlActivity = (): Record<string, unknown> => {
    const body: Record<string, unknown> = { type: 'message', text: hostileString(rng, 500), from: { id: 'dl-fuzz' } };
    const mutate = rng.int(3);
    if (mutate > 0) {
      const path = rng.pick(['type', 'text', 'from', 'from.id', 'from.name', 'locale', 'name', 'channelData', 'attachments', 'value', 'conversation', 'serviceUrl', 'recipient', 'id', 'replyToId', 'membersAdded', 'suggestedActions', 'channelId', 'timestamp', 'textFormat', 'entities', 'localTimestamp', 'localTimezone'] as const);
      tagsOut.push(`dlset:${path}`);
      setPath(body, path, valueOfKind(rng, rng.pick(KINDS)));
      if (path === 'type' && rng.chance(0.5)) body.type = rng.pick(['typing', 'event', 'endOfConversation', 'messageReaction', 'conversationUpdate', 'invoke', 'installationUpdate']);
    }
    return body;
  };
  const dlBody = (): string | undefined => {
    const k = rng.int(10);
    if (k === 0) return undefined;
    if (k === 1) return rng.pick(NON_JSON);
    if (k === 2) return JSON.stringify({ user: { id: valueOfKind(rng, rng.pick(KINDS)), name: valueOfKind(rng, rng.pick(KINDS)) }, locale: valueOfKind(rng, rng.pick(KINDS)) });
    if (k === 3) return `{"__proto__":{"polluted":"yes"},"user":{"id":"u","constructor":{"prototype":{"polluted":"yes"}}}}`;
    return JSON.stringify(dlActivity());
  };
  for (let i = 0; i < 300; i += 1) {
    const route = rng.int(9);
    const auth = rng.pick(dlAuth);
    const idWhich = rng.pick(dlIds);
    const ownIndex = rng.int(4);
    const watermark = rng.pick(['', '0', '1', '-1', 'abc', '1e309', '99999999999999999999', '0x10', '%5B%5D', '1&watermark=2', '9007199254740993']);
    const body = dlBody();
    const own = (ctx: LiveContext): DlConversation => ctx.dl[ownIndex]!;
    const tags = [`dl:${route}`, `auth:${auth}`, `id:${idWhich}`];
    // A conversation-scoped call may pass only when the token is the one of the conversation addressed.
    const scoped = (auth === 'own' && idWhich === 'own') || (auth === 'other' && idWhich === 'other');
    const base = { surface: 'directline' as const, tags };
    switch (route) {
      case 0:
        add({ ...base, method: 'POST', path: '/directline/tokens/generate', headers: body === undefined ? {} : JSON_HEADERS, body });
        break;
      case 1:
        add({ ...base, method: 'POST', path: '/directline/tokens/refresh', headers: (ctx) => authHeader(ctx, auth, own(ctx)), mayPass: auth === 'own' || auth === 'other' });
        break;
      case 2:
        // Starting is free without a token (no Bearer header, or one that is not "Bearer <token>"); a token that
        // looks like one must be valid.
        add({ ...base, method: 'POST', path: '/directline/conversations', headers: (ctx) => ({ ...authHeader(ctx, auth, own(ctx)), ...(body === undefined ? {} : JSON_HEADERS) }), body, mayPass: !['garbage', 'agent', 'long'].includes(auth) });
        break;
      case 3:
        add({ ...base, method: 'GET', path: (ctx) => `/directline/conversations/${idOf(ctx, idWhich, own(ctx))}?watermark=${watermark}`, headers: (ctx) => authHeader(ctx, auth, own(ctx)), mayPass: scoped });
        break;
      case 4:
        add({ ...base, method: 'GET', path: (ctx) => `/directline/conversations/${idOf(ctx, idWhich, own(ctx))}/activities?watermark=${watermark}`, headers: (ctx) => authHeader(ctx, auth, own(ctx)), mayPass: scoped });
        break;
      case 5:
      case 6: {
        // An activity post on a fresh conversation of its own, so the bot's answer can be checked afterwards.
        const n1 = n + 1;
        tagsOut = [];
        const posted = JSON.stringify(dlActivity());
        add({
          ...base,
          tags: [...tags, 'dl:post', ...tagsOut],
          method: 'POST',
          path: (ctx) => `/directline/conversations/${idOf(ctx, idWhich, ctx.fresh.get(n1) ?? own(ctx))}/activities`,
          headers: (ctx) => ({ ...authHeader(ctx, auth, ctx.fresh.get(n1) ?? own(ctx)), 'content-type': 'application/json' }),
          body: posted,
          mayPass: scoped,
          dlCheck: n1,
        });
        break;
      }
      case 7: {
        // Everything random is drawn now, not when the request is sent, so a seed always means the same requests.
        const method = rng.pick(['GET', 'POST', 'PUT', 'DELETE']);
        const tail = rng.pick(['stream', 'upload', 'members', 'x']);
        add({ ...base, method, path: (ctx) => `/directline/conversations/${idOf(ctx, idWhich, own(ctx))}/${tail}`, headers: (ctx) => authHeader(ctx, auth, own(ctx)), mayPass: true });
        break;
      }
      default: {
        const method = rng.pick(['POST', 'PUT', 'DELETE', 'GET']);
        const tail = rng.chance(0.5) ? '/' + rng.pick(['x', '%E0%A4%A', 'A'.repeat(500)]) : '';
        // Only the bot holds the connector's credential: a client's token, an agent's or none must all fail.
        const tokenWhich = rng.pick(dlAuth);
        add({
          ...base,
          surface: 'connector',
          tags: [...tags, `connector-auth:${tokenWhich}`],
          method,
          path: (ctx) => `/v3/conversations/${idOf(ctx, idWhich, own(ctx))}/${rng.chance(0.2) ? 'members' : `activities${tail}`}`,
          headers: (ctx) => ({ ...authHeader(ctx, tokenWhich, own(ctx)), ...(body === undefined || method === 'GET' || method === 'DELETE' ? {} : JSON_HEADERS) }),
          body: method === 'GET' || method === 'DELETE' ? undefined : body,
          mayPass: false,
        });
      }
    }
  }

  // --- agent and admin APIs: a few hundred ------------------------------------------------------------------------
  const tokens = ['none', 'agent', 'admin', 'garbage', 'lower', 'basic', 'spaces', 'dltoken'] as const;
  const tokenHeader = (ctx: LiveContext, which: (typeof tokens)[number]): Record<string, string> => {
    switch (which) {
      case 'none':
        return {};
      case 'agent':
        return { authorization: `Bearer ${AGENT}` };
      case 'admin':
        return { authorization: `Bearer ${ADMIN}` };
      case 'garbage':
        return { authorization: `Bearer ${AGENT.slice(0, -1)}X` };
      case 'lower':
        return { authorization: `bearer ${AGENT}` };
      case 'basic':
        return { authorization: `Basic ${Buffer.from(`agent:${AGENT}`).toString('base64')}` };
      case 'spaces':
        return { authorization: `Bearer  ${ADMIN}  x` };
      case 'dltoken':
        return { authorization: `Bearer ${ctx.dl[0]!.token}` };
    }
  };
  const ticketIds = ['real', 'MFA-NOPE00', '../../etc/passwd', '%00', '%E0%A4%A', 'x'.repeat(2000), '__proto__', 'constructor', '%F0%9F%92%A5'];
  const tid = (ctx: LiveContext, which: string): string => (which === 'real' ? ctx.ticketId : which);
  const queryValue = (): string =>
    encodeURIComponent(rng.pick(['', '-1', '0', '1', '5', '6', '1e309', 'abc', '2026-02-30', '2026-01-01', '2026-01-01T00:00:00Z', 'x'.repeat(300), '💥', '\u0000', 'resolved', 'escalated', 'csv', 'jsonl', 'xml', 'true']));
  const hostileQuery = (keys: string[]): string => {
    const parts = keys.filter(() => rng.chance(0.6)).map((k) => `${k}=${queryValue()}`);
    if (rng.chance(0.2)) parts.push(rng.pick(['__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes', 'a[b][c][d][e][f]=1', 'limit=1&limit=2', 'q[]=1', 'from[$gt]=']));
    return parts.length ? `?${parts.join('&')}` : '';
  };
  for (let i = 0; i < 160; i += 1) {
    const token = rng.pick(tokens);
    const which = rng.pick(ticketIds);
    const route = rng.int(8);
    const allowed = token === 'agent' || token === 'lower';
    const base = { surface: 'agent' as const, tags: [`agent:${route}`, `token:${token}`, `ticket:${which.slice(0, 12)}`], mayPass: allowed };
    const h = (ctx: LiveContext): Record<string, string> => tokenHeader(ctx, token);
    const hj = (ctx: LiveContext): Record<string, string> => ({ ...tokenHeader(ctx, token), ...JSON_HEADERS });
    const jsonBody = (): string => rng.pick([JSON.stringify({ text: valueOfKind(rng, rng.pick(KINDS)) }), JSON.stringify({ note: valueOfKind(rng, rng.pick(KINDS)) }), rng.pick(NON_JSON), '{"__proto__":{"polluted":"yes"},"text":"hi"}', deepJson(9_000, 'object')]);
    if (route === 0) add({ ...base, method: 'GET', path: '/api/agent/me', headers: h });
    else if (route === 1) add({ ...base, method: 'GET', path: `/api/agent/queue${hostileQuery(['status', 'after'])}`, headers: h });
    else if (route === 2) add({ ...base, method: 'GET', path: (ctx) => `/api/agent/tickets/${tid(ctx, which)}`, headers: h });
    else if (route === 3) add({ ...base, method: 'GET', path: (ctx) => `/api/agent/tickets/${tid(ctx, which)}/messages${hostileQuery(['after'])}`, headers: h });
    else if (route === 4) add({ ...base, method: 'POST', path: (ctx) => `/api/agent/tickets/${tid(ctx, which)}/messages`, headers: hj, body: jsonBody() });
    // Claiming and resolving the one real ticket is part of the fuzz: later calls meet a claimed or resolved ticket.
    else if (route === 5) add({ ...base, method: 'POST', path: (ctx) => `/api/agent/tickets/${tid(ctx, which)}/claim`, headers: hj, body: rng.pick(['{}', '', '[]', 'null']) });
    else if (route === 6) add({ ...base, method: 'POST', path: (ctx) => `/api/agent/tickets/${tid(ctx, which)}/resolve`, headers: hj, body: jsonBody() });
    else add({ ...base, method: rng.pick(['PUT', 'DELETE', 'PATCH', 'GET', 'POST']), path: `/api/agent/${rng.pick(['', 'x', 'tickets', 'tickets/MFA-NOPE00/unknown', 'queue/../me'])}`, headers: h, mayPass: allowed });
  }
  const filterKeys = ['from', 'to', 'outcome', 'branch', 'rating', 'q', 'offset', 'limit', 'format'];
  for (let i = 0; i < 160; i += 1) {
    const token = rng.pick(tokens);
    const route = rng.int(7);
    const allowed = token === 'admin' || token === 'spaces';
    const base = { surface: 'admin' as const, tags: [`admin:${route}`, `token:${token}`], mayPass: allowed };
    const h = (ctx: LiveContext): Record<string, string> => tokenHeader(ctx, token);
    const convId = rng.pick(['real', 'nope', '../../x', '%E0%A4%A', 'y'.repeat(2000), '__proto__']);
    const cid = (ctx: LiveContext): string => (convId === 'real' ? encodeURIComponent(ctx.transcriptIds[i % Math.max(1, ctx.transcriptIds.length)] ?? 'none') : convId);
    if (route === 0) add({ ...base, method: 'GET', path: rng.pick(['/api/admin/me', '/api/admin/branches']), headers: h });
    else if (route === 1) add({ ...base, method: 'GET', path: `/api/admin/conversations${hostileQuery(filterKeys)}`, headers: h });
    else if (route === 2) add({ ...base, method: 'GET', path: (ctx) => `/api/admin/conversations/${cid(ctx)}`, headers: h });
    else if (route === 3) add({ ...base, method: 'DELETE', path: (ctx) => `/api/admin/conversations/${cid(ctx)}`, headers: h });
    else if (route === 4) add({ ...base, method: 'GET', path: `/api/admin/analytics${hostileQuery(filterKeys)}`, headers: h });
    else if (route === 5) add({ ...base, method: 'GET', path: `/api/admin/export${hostileQuery(filterKeys)}`, headers: h });
    else add({ ...base, method: rng.pick(['PUT', 'POST', 'PATCH']), path: `/api/admin/${rng.pick(['conversations', 'export', 'x', 'me'])}`, headers: (ctx) => ({ ...h(ctx), ...JSON_HEADERS }), body: rng.pick(NON_JSON), mayPass: allowed });
  }

  // --- nesting past MAX_JSON_DEPTH on every route that takes a body: refused before anything reads it -------------
  const BODY_ROUTES: [Case['surface'], string, (ctx: LiveContext) => Record<string, string>][] = [
    ['messages', '/api/messages', () => ({})],
    ['directline', '/directline/tokens/generate', () => ({})],
    ['directline', '/directline/conversations', () => ({})],
    ['directline', '/directline/tokens/refresh', (ctx) => ({ authorization: `Bearer ${ctx.dl[3]!.token}` })],
    ['directline', '/directline/conversations/{own}/activities', (ctx) => ({ authorization: `Bearer ${ctx.dl[3]!.token}` })],
    ['connector', '/v3/conversations/{own}/activities', () => ({})],
    ['agent', '/api/agent/tickets/{ticket}/messages', () => ({ authorization: `Bearer ${AGENT}` })],
    ['agent', '/api/agent/tickets/{ticket}/resolve', () => ({ authorization: `Bearer ${AGENT}` })],
    ['admin', '/api/admin/conversations/x', () => ({ authorization: `Bearer ${ADMIN}` })],
  ];
  for (let i = 0; i < 60; i += 1) {
    const [surface, route, auth] = rng.pick(BODY_ROUTES);
    const levels = rng.chance(0.5) ? rng.range(33, 200) : rng.range(5_000, 30_000);
    const shape = rng.pick(['object', 'array', 'inside'] as const);
    const body = shape === 'inside' ? `{"type":"message","text":"hi","value":${deepJson(levels, 'array')}}` : deepJson(levels, shape);
    add({
      surface,
      tags: [`nest:${surface}:${levels > 200 ? 'huge' : 'over'}`],
      method: route.startsWith('/api/admin') ? 'DELETE' : 'POST',
      path: (ctx) => route.replace('{own}', ctx.dl[3]!.id).replace('{ticket}', ctx.ticketId),
      headers: (ctx) => ({ ...auth(ctx), ...JSON_HEADERS }),
      body,
      expect: [400, 413],
    });
  }

  // --- WebSocket upgrades: only a stream with its one-shot ticket is taken; everything else answered and closed -----
  const UPGRADE_PATHS = ['/', '/api/messages', '/directline', '/directline/conversations/{own}/stream', '/directline/conversations/{own}/stream?t=forged',
    '/directline/conversations/{other}/stream?t=forged', '/directline/conversations/%E0%A4%A/stream?t=x', '/v3/conversations/{own}/activities', '/admin',
    '/healthz', `/${'a'.repeat(3000)}`, '/directline/conversations/{own}/stream/extra', '/webchat.js'];
  for (let i = 0; i < 50; i += 1) {
    const target = rng.pick(UPGRADE_PATHS);
    const protocol = rng.pick(['websocket', 'WebSocket', 'h2c', 'garbage']);
    const version = rng.pick(['13', '8', '', 'x']);
    add({
      surface: 'upgrade',
      tags: [`upgrade:${target.split('?')[0]!.slice(0, 30)}:${protocol}`],
      method: 'GET',
      path: (ctx) => target.replace('{own}', ctx.dl[2]!.id).replace('{other}', ctx.dl[1]!.id),
      headers: { upgrade: protocol, 'sec-websocket-version': version },
      mayPass: false,
    });
  }
  return cases;
}

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
