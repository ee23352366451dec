/**
 * Hardening: malformed and hostile requests against every public surface of one in-process server (bot endpoint,
 * local Direct Line, agent and admin APIs). Cases are generated up front from a seeded PRNG, so a failure
 * reproduces with FUZZ_SEED=<seed> (printed at the start). Each request must end in an allowed 4xx or a 2xx;
 * never a 5xx, never a hang. A 2xx message to the bot must be answered politely at the capture server (not with
 * the "something went wrong" fallback, and not silently dropped). Afterwards the server is healthy, a normal
 * conversation works, every stored document parses and Object.prototype is untouched.
 *
 * Every bug this fuzzer found is pinned by a deterministic regression case in fuzz.regressions.test.ts, which runs
 * without the random part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelUser, buttonTitles, replyTexts, type CaptureServer } from '../helpers/captureServer.js';
import { checkStoreDocuments, freePort } from '../helpers/spawnBot.js';
import type { App } from './fuzz/botModules.js';
import { JSON_HEADERS, type Case, type LiveContext } from './fuzz/case.js';
import { dlBotTexts, dlStart } from './fuzz/dlConversations.js';
import { generateCases } from './fuzz/generate.js';
import { judge, type Outcome } from './fuzz/judge.js';
import { startLiveContext } from './fuzz/liveContext.js';
import { report } from './fuzz/report.js';
import { Rng } from './fuzz/rng.js';
import { send } from './fuzz/send.js';
import { startFuzzServers, type FuzzServers } from './fuzz/servers.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : (Date.now() ^ (process.pid << 10)) >>> 0;
const WORKERS = 8;

let servers: FuzzServers;
let app: App;
let dlApp: App;
let capture: CaptureServer;
const outcomes: Outcome[] = [];
let prototypeBefore: string[] = [];

beforeAll(async () => {
  prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  servers = await startFuzzServers();
  ({ app, dlApp, capture } = servers);
});

afterAll(async () => {
  await servers?.close();
});

/** WORKERS concurrent workers take the cases in order; each outcome is judged as it comes. */
async function sendAll(cases: Case[], ctx: LiveContext): Promise<void> {
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
        const res = await send(c, ctx, servers);
        statuses.push(res.status);
        bodies.push(res.body);
      }
      const replies = c.conversationId ? capture.repliesOf(c.conversationId, since) : [];
      const freshConv = c.dlCheck !== undefined ? ctx.fresh.get(c.dlCheck) : undefined;
      const dlTexts = freshConv && statuses[0] === 200 ? await dlBotTexts(dlApp.url, freshConv) : undefined;
      const violations = judge(c, statuses, bodies, replies, dlTexts);
      outcomes.push({ c, statuses, ms: Date.now() - t0, violations });
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

describe(`fuzzing every public surface (seed ${SEED})`, () => {
  it('hostile requests get a 4xx or a polite 2xx, never a 5xx or a hang', { timeout: 60_000 }, async () => {
    console.log(`[fuzz] seed=${SEED}  (reproduce: FUZZ_SEED=${SEED} npx vitest run test/hardening/fuzz.test.ts)`);
    const started = Date.now();
    const closedPort = await freePort();
    const cases = generateCases(new Rng(SEED), capture.url, closedPort);
    const ctx = await startLiveContext(servers, cases, SEED);
    await sendAll(cases, ctx);
    const { requests, failed } = report(outcomes, servers.logLines, started, SEED);

    expect(outcomes.filter((o) => o.c.surface === 'messages').reduce((s, o) => s + o.statuses.length, 0)).toBeGreaterThanOrEqual(1000);
    expect(requests).toBeGreaterThanOrEqual(1500);
    expect(
      failed.map(
        (o) =>
          `#${o.c.n} [${o.c.tags.join(',')}] ${o.c.method} ${typeof o.c.path === 'string' ? o.c.path.slice(0, 80) : '(dynamic)'} -> ${o.statuses.join(',')}: ${o.violations.join('; ')}`,
      ),
    ).toEqual([]);
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

    const dl = await dlStart(dlApp.url, 'dl-after');
    const post = await fetch(`${dlApp.url}/directline/conversations/${dl.id}/activities`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${dl.token}` },
      body: JSON.stringify({ type: 'message', text: 'My code, text or call never arrives', from: { id: dl.userId } }),
    });
    expect(post.status).toBe(200);
    expect((await dlBotTexts(dlApp.url, dl)).join('\n')).toContain("Let's check your phone");

    const check = checkStoreDocuments(servers.dataDir);
    expect(check.bad).toEqual([]);
    expect(check.documents + check.journalLines).toBeGreaterThan(100);
    expect(checkStoreDocuments(servers.dlDataDir).bad).toEqual([]);

    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});
