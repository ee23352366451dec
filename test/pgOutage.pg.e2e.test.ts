/**
 * A PostgreSQL outage, against a real server of the test's own that it stops and starts (the shared one on 5432
 * is never stopped): while it is down the user is asked to try again in a moment (not to start over), the
 * channel gets 503 with Retry-After so the turn is not taken as done, and /readyz reports it while /healthz stays
 * live; once it is back the bot recovers by itself and the same answer carries on from where the user was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';
import { STORE_UNREACHABLE_REPLY } from '../src/bot/createBot.js';
import { loadConfig } from '../src/config.js';
import { tempDir } from './helpers/botHarness.js';
import { CaptureServer, ChannelUser, WENT_WRONG, replyTexts } from './helpers/captureServer.js';
import { SKIP_PG } from './helpers/pg.js';
import { PrivateCluster } from './helpers/privatePg.js';
import { freePort } from './helpers/spawnBot.js';

async function get(app: App, route: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${app.url}${route}`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Polls until `probe` gives what `done` accepts, or fails naming what it waited for. */
async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(SKIP_PG)('a PostgreSQL outage', () => {
  let cluster: PrivateCluster;
  let capture: CaptureServer;
  let app: App;

  beforeAll(async () => {
    cluster = PrivateCluster.create(await freePort());
    cluster.start();
    capture = await CaptureServer.start();
    app = await startApp(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: tempDir('mfa-outage-unused-'),
        LOG_LEVEL: process.env.E2E_LOG ?? 'silent',
        LOCAL_DIRECTLINE: 'false',
        ALLOWED_SERVICE_URLS: capture.url,
        DATABASE_URL: cluster.url,
        PG_POOL_SIZE: '4',
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await capture?.close();
    cluster?.destroy();
  });

  it('asks to try again without starting over, answers 503, reports not ready, and carries on once the server is back', async () => {
    expect(await get(app, '/readyz')).toMatchObject({ status: 200, json: { ready: true, store: 'postgres' } });

    // A control conversation shows what the answer gives when nothing goes wrong.
    const control = new ChannelUser(app.url, capture, 'outage-control', 'user-control');
    expect((await control.join()).status).toBe(200);
    expect(replyTexts((await control.say('my code never arrives')).replies)).toContain("Let's check your phone");
    const expected = await control.say('No');
    expect(expected.status).toBe(200);
    const next = replyTexts(expected.replies);
    expect(next).not.toBe('');

    const user = new ChannelUser(app.url, capture, 'outage-user', 'user-outage');
    expect((await user.join()).status).toBe(200);
    expect(replyTexts((await user.say('my code never arrives')).replies)).toContain("Let's check your phone");

    cluster.stop();
    const down = await eventually(
      () => get(app, '/readyz'),
      (r) => r.status === 503,
      'readiness to report the outage',
    );
    expect(down.json).toMatchObject({ ready: false });
    expect(String(down.json.reason)).toMatch(/PostgreSQL store at 127\.0\.0\.1:\d+\/postgres unreachable/);
    expect((await get(app, '/healthz')).status).toBe(200);

    const since = capture.count('outage-user');
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user.activity({ text: 'No' })),
      signal: AbortSignal.timeout(15_000),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'StoreUnavailable' });
    const during = replyTexts(capture.repliesOf('outage-user', since));
    expect(during).toContain(STORE_UNREACHABLE_REPLY);
    expect(during).not.toMatch(WENT_WRONG);
    expect(during).not.toMatch(/start (again|over)|type \*\*menu\*\*/i);

    cluster.start();
    await eventually(
      () => get(app, '/readyz'),
      (r) => r.status === 200,
      'readiness once the server is back',
    );
    // The same answer again: the walk goes on from the step the user was at, as if the outage never happened.
    const retried = await user.say('No');
    expect(retried.status).toBe(200);
    expect(replyTexts(retried.replies)).toBe(next);
  }, 120_000);
});
