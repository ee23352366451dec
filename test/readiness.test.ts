/**
 * Readiness beside liveness: /readyz is 503 with a reason while the store is opening (and every other request
 * 503 with Retry-After), 200 once the bot can take turns; /healthz answers all along. The outage case is in
 * pgOutage.pg.e2e.test.ts, the draining one in hardening/drain.test.ts.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { isStoreUnreachable } from '../src/stores/storeUnreachable.js';
import { tempDir } from './helpers/botHarness.js';
import { freePort } from './helpers/spawnBot.js';

const opened: App[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((a) => a.close()));
});

function config(extra: Record<string, string> = {}, port = '0') {
  return loadConfig({ PORT: port, HOST: '127.0.0.1', DATA_DIR: tempDir('mfa-ready-'), LOG_LEVEL: 'silent', ...extra });
}

async function fetchStatus(url: string, init?: RequestInit): Promise<{ status: number; retryAfter: string | null; json: unknown }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: text.startsWith('{') ? JSON.parse(text) : text };
}

describe('readiness', () => {
  it('is ready on the embedded store once started, beside the liveness check', async () => {
    const app = await startApp(config());
    opened.push(app);
    expect(await fetchStatus(`${app.url}/readyz`)).toMatchObject({ status: 200, json: { ready: true, store: 'embedded' } });
    expect(await fetchStatus(`${app.url}/healthz`)).toMatchObject({ status: 200, json: { status: 'ok' } });
  });

  it('is not ready while the store opens: 503 with the reason, other requests 503 with Retry-After, liveness 200', async () => {
    // A "database" that takes connections and never answers: the store stays opening until it hangs up.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const dbPort = (silent.address() as net.AddressInfo).port;
    const port = await freePort();
    const starting = startApp(config({ DATABASE_URL: `postgres://postgres@127.0.0.1:${dbPort}/test` }, String(port)));
    const outcome = starting.then(
      () => 'started',
      (err: Error) => err.name,
    );
    const base = `http://127.0.0.1:${port}`;
    let ready: Awaited<ReturnType<typeof fetchStatus>> | undefined;
    for (let i = 0; i < 100 && !ready; i += 1) {
      ready = await fetchStatus(`${base}/readyz`).catch(() => undefined);
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
    try {
      expect(ready).toMatchObject({ status: 503, json: { ready: false, reason: 'opening the store' } });
      expect(await fetchStatus(`${base}/healthz`)).toMatchObject({ status: 200 });
      const turn = await fetchStatus(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(turn).toMatchObject({ status: 503, retryAfter: '5', json: { code: 'ServiceUnavailable' } });
      expect(await fetchStatus(`${base}/`)).toMatchObject({ status: 503, retryAfter: '5' });
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
    // The server hanging up fails the start-up (a supervisor restarts it), and the port is let go.
    expect(await outcome).toBe('StoreUnavailableError');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('isStoreUnreachable', () => {
  it('tells an unreachable store from a failed query, through the wrappers botbuilder adds', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED' });
    expect(isStoreUnreachable(refused)).toBe(true);
    expect(isStoreUnreachable(new AggregateError([refused], ''))).toBe(true);
    expect(isStoreUnreachable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(
      true,
    );
    expect(isStoreUnreachable(new Error('Connection terminated unexpectedly'))).toBe(true);
    // botbuilder-dialogs wraps a dialog's error as `error`; ours wrap as `cause`.
    expect(isStoreUnreachable(Object.assign(new Error('dialog failed'), { error: new Error('x', { cause: refused }) }))).toBe(true);
    expect(isStoreUnreachable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isStoreUnreachable(new Error('Storage: error writing "k" due to eTag conflict.'))).toBe(false);
    expect(isStoreUnreachable('ECONNREFUSED')).toBe(false);
  });
});
