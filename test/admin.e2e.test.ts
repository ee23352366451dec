import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { EmbeddedTranscriptStore } from '../src/stores/embedded/transcriptStore.js';
import { tempDir } from './helpers/botHarness.js';
import { DirectLineUser } from './helpers/directLineClient.js';
import { rawTextUnder } from './helpers/files.js';

const AGENT = 'alice-token-0123456789abcdef';
const ADMIN = 'carol-admin-token-0123456789';
const PHONE = '+1 425 555 0100';
const CODE = '482193';
const SCRIPT = '<script>window.__xss=1</script>';

let app: App;
let dataDir: string;

async function api(token: string | undefined, route: string, method = 'GET', body?: unknown): Promise<Response> {
  return fetch(`${app.url}/api${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

/** Transcript writes are not awaited by botbuilder's middleware: wait until the store has caught up. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let conversationId = '';

beforeAll(async () => {
  dataDir = tempDir();
  app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      AGENT_TOKENS: `alice:${AGENT}`,
      ADMIN_TOKENS: `carol:${ADMIN}`,
    }),
  );
  // One conversation: a phone number and a one-time code typed in, some hostile text, an escalation and an agent reply.
  const user = await DirectLineUser.start(app.url, 'admin-e2e-user');
  conversationId = user.conversationId;
  await user.waitFor((a) => Boolean(a.suggestedActions));
  await user.say('My code, text or call never arrives');
  await user.waitFor((a) => Boolean(a.suggestedActions));
  await user.say(`no, it still never arrives; my number is ${PHONE} ${SCRIPT}`);
  await user.waitFor((a) => Boolean(a.suggestedActions));
  await user.say('talk to a person');
  await user.waitForText('email address or sign-in name');
  await user.say('alex@contoso.com');
  await user.say(`I typed the code ${CODE} and it was refused`);
  let prompt = (await user.waitFor((a) => Boolean(a.suggestedActions))).at(-1)!;
  for (let i = 0; i < 6 && !(prompt.text ?? '').includes('Is everything right?'); i += 1) {
    await user.say('skip');
    prompt = (await user.waitFor((a) => Boolean(a.suggestedActions))).at(-1)!;
  }
  await user.say('Send to the help desk');
  const done = await user.waitForText(/ticket number is/);
  const ticketId = /(MFA-[A-Z0-9]{6})/.exec(done.map((a) => a.text).join(' '))![1]!;
  expect((await api(AGENT, `/agent/tickets/${ticketId}/claim`, 'POST', {})).status).toBe(200);
  expect((await api(AGENT, `/agent/tickets/${ticketId}/messages`, 'POST', { text: 'Hello, I am looking at it now' })).status).toBe(201);
  await user.waitForText('Hello, I am looking at it now');
});

afterAll(async () => app?.close());

describe('admin API over HTTP', () => {
  it('needs an admin token: 401 without or with a wrong one, 403 with an agent token', async () => {
    expect((await api(undefined, '/admin/conversations')).status).toBe(401);
    expect((await api('nope-nope-nope-nope-nope', '/admin/conversations')).status).toBe(401);
    expect((await api(AGENT, '/admin/conversations')).status).toBe(403);
    expect((await api(ADMIN, '/agent/queue')).status).toBe(403);
    expect(await (await api(ADMIN, '/admin/me')).json()).toEqual({ name: 'carol' });
  });

  it('shows the whole transcript: user, bot and agent, redacted, with the outcome beside it', async () => {
    const body = await eventually(
      async () => (await (await api(ADMIN, `/admin/conversations/${conversationId}`)).json()) as any,
      (b) => b.entries?.some((e: { role: string }) => e.role === 'agent'),
    );
    const roles = new Set(body.entries.map((e: { role: string }) => e.role));
    expect([...roles].sort()).toEqual(['agent', 'bot', 'user']);
    expect(body.entries.find((e: { role: string }) => e.role === 'agent')).toMatchObject({
      name: 'alice',
      text: expect.stringContaining('looking at it now'),
    });
    const all = JSON.stringify(body.entries);
    expect(all).not.toContain('425 555 0100');
    expect(all).not.toContain(CODE);
    expect(all).toContain('[phone]');
    expect(body.conversation).toMatchObject({ outcome: 'escalated', branch: 'no-code', ticketId: expect.stringMatching(/^MFA-/) });
  });

  it('lists with filters, text search and paging, and rejects bad filters with 400', async () => {
    const list = async (q: string) =>
      (await (await api(ADMIN, `/admin/conversations?${q}`)).json()) as { total: number; items: { conversationId: string }[] };
    expect((await list('outcome=escalated&branch=no-code')).items.map((c) => c.conversationId)).toContain(conversationId);
    expect((await list('outcome=resolved')).items.map((c) => c.conversationId)).not.toContain(conversationId);
    expect((await list('q=arrives')).total).toBeGreaterThanOrEqual(1);
    expect((await list('q=zebra')).total).toBe(0);
    expect((await list('limit=1&offset=0')).items).toHaveLength(1);
    expect((await api(ADMIN, '/admin/conversations?rating=9')).status).toBe(400);
    expect((await api(ADMIN, '/admin/conversations?from=yesterday')).status).toBe(400);
  });

  it('exports CSV and JSONL, and counts the conversation in the analytics', async () => {
    const csv = await api(ADMIN, '/admin/export?format=csv&branch=no-code');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="transcripts-.*\.csv"/);
    const text = await csv.text();
    expect(text.replace(/^\uFEFF/, '').split('\n')[0]).toBe(
      'conversationId,channelId,userId,outcome,branch,rating,ticketId,seq,at,role,name,type,text,buttons',
    );
    expect(text).toContain(conversationId);
    const jsonl = (await (await api(ADMIN, '/admin/export?format=jsonl')).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl.find((c) => c.conversation.conversationId === conversationId)?.entries.length).toBeGreaterThan(5);
    const analytics = (await (await api(ADMIN, '/admin/analytics')).json()) as {
      branches: { branch: string; escalated: number }[];
      titles: Record<string, string>;
    };
    expect(analytics.branches.find((b) => b.branch === 'no-code')?.escalated).toBe(1);
    expect(analytics.titles['no-code']).toBeTruthy();
  });

  it('never writes the phone number or the code to any store file', async () => {
    for (const folder of ['transcripts', 'tickets', 'state']) {
      const raw = rawTextUnder(path.join(dataDir, folder));
      expect(raw.length, folder).toBeGreaterThan(100);
      expect(raw, folder).not.toContain('425 555 0100');
      expect(raw, folder).not.toContain(CODE);
    }
  });

  it('deletes one conversation', async () => {
    expect((await api(ADMIN, `/admin/conversations/${conversationId}`, 'DELETE')).status).toBe(204);
    expect((await api(ADMIN, `/admin/conversations/${conversationId}`)).status).toBe(404);
    expect((await api(ADMIN, `/admin/conversations/${conversationId}`, 'DELETE')).status).toBe(404);
  });
});

describe('retention', () => {
  it('deletes transcripts older than TRANSCRIPT_RETENTION_DAYS at start-up', async () => {
    const dir = tempDir();
    const store = await EmbeddedTranscriptStore.open(path.join(dir, 'transcripts'));
    const info = { channelId: 'webchat', userId: 'u1' };
    await store.log(
      { ...info, conversationId: 'old' },
      { at: new Date(Date.now() - 10 * 86_400_000).toISOString(), role: 'user', type: 'message', text: 'old' },
    );
    await store.log({ ...info, conversationId: 'new' }, { at: new Date().toISOString(), role: 'user', type: 'message', text: 'new' });
    const second = await startApp(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dir,
        LOG_LEVEL: 'silent',
        ADMIN_TOKENS: `carol:${ADMIN}`,
        TRANSCRIPT_RETENTION_DAYS: '7',
      }),
    );
    try {
      const ids = await eventually(
        async () => (await second.transcripts.search({}, { offset: 0, limit: 10 })).items.map((c) => c.conversationId),
        (v) => !v.includes('old'),
      );
      expect(ids).toEqual(['new']);
    } finally {
      await second.close();
    }
  });
});
