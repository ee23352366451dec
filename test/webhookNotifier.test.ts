import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdaptiveCard } from '../src/cards/adaptiveCard.js';
import { createWebhookNotifier, noopNotifier, type WebhookNotifierOptions } from '../src/outbound/webhookNotifier.js';

const SECRET_PATH = '/webhookb2/SECRET-4f1c/IncomingWebhook/s3cr3tK3y';
const SECRETS = /SECRET|s3cr3t|webhookb2/;
const card: AdaptiveCard = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [{ type: 'TextBlock', text: 'alex@contoso.com is locked out', wrap: true }],
};
const meta = { ticketId: 'MFA-7K3Q9P' };

interface Received {
  method?: string;
  url?: string;
  contentType?: string;
  body: string;
  at: number;
}
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
let handlers: Handler[];
let received: Received[];
const allLogs: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      });
      const handle = handlers.shift() ?? ((_q, r) => r.writeHead(200).end('1'));
      handle(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
beforeEach(() => {
  handlers = [];
  received = [];
});

const reply =
  (status: number, body = '', headers: Record<string, string> = {}): Handler =>
  (_req, res) =>
    res.writeHead(status, headers).end(body);

function notifier(over: Partial<WebhookNotifierOptions> = {}) {
  const logs: { level: 'warn' | 'info'; obj: Record<string, unknown>; msg: string }[] = [];
  const logger = {
    warn: (obj: object, msg: string) => logs.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    info: (obj: object, msg: string) => logs.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
  };
  const n = createWebhookNotifier({ url: `${base}${SECRET_PATH}?sig=s3cr3tSig`, backoffMs: 20, logger, ...over });
  allLogs.push(logs);
  const warns = () => logs.filter((l) => l.level === 'warn').map((l) => l.obj);
  return { n, logs, warns };
}

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const start = Date.now();
  const value = await p;
  return [value, Date.now() - start];
}

describe('createWebhookNotifier', () => {
  it('delivers the Teams incoming-webhook message shape on the first try', async () => {
    const { n, logs } = notifier();
    await expect(n.notify(card, meta)).resolves.toBe(true);
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r).toMatchObject({ method: 'POST', url: `${SECRET_PATH}?sig=s3cr3tSig`, contentType: 'application/json' });
    expect(JSON.parse(r!.body)).toStrictEqual({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
    });
    expect(logs).toEqual([
      {
        level: 'info',
        msg: 'Teams webhook notification delivered',
        obj: { ticketId: 'MFA-7K3Q9P', host: new URL(base).host, attempt: 1, status: 200 },
      },
    ]);
  });

  it('retries after a 500 and reports delivery', async () => {
    handlers = [reply(500, 'oops')];
    const { n, warns } = notifier();
    await expect(n.notify(card, meta)).resolves.toBe(true);
    expect(received).toHaveLength(2);
    expect(warns()).toEqual([expect.objectContaining({ ticketId: 'MFA-7K3Q9P', status: 500, attempt: 1, willRetry: true })]);
  });

  it('waits for Retry-After seconds on a 429', async () => {
    handlers = [reply(429, '', { 'retry-after': '1' })];
    const { n } = notifier({ backoffMs: 10 });
    const [ok] = await timed(n.notify(card, meta));
    expect(ok).toBe(true);
    expect(received).toHaveLength(2);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('caps a long Retry-After at maxDelayMs', async () => {
    handlers = [reply(429, '', { 'retry-after': '3600' })];
    const { n } = notifier({ maxDelayMs: 100 });
    const [ok, ms] = await timed(n.notify(card, meta));
    expect(ok).toBe(true);
    expect(ms).toBeLessThan(2000);
  });

  it('reads the status a legacy connector hides in a 200 body, and retries a wrapped 429', async () => {
    handlers = [
      reply(200, 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0'),
    ];
    const { n, warns } = notifier();
    await expect(n.notify(card, meta)).resolves.toBe(true);
    expect(received).toHaveLength(2);
    expect(warns()[0]).toMatchObject({ status: 429, willRetry: true });
  });

  it('does not retry a 400 and returns false', async () => {
    handlers = [reply(400, 'Bad payload'), reply(200, '1')];
    const { n, warns } = notifier();
    await expect(n.notify(card, meta)).resolves.toBe(false);
    expect(received).toHaveLength(1);
    expect(warns()).toEqual([expect.objectContaining({ ticketId: 'MFA-7K3Q9P', status: 400, willRetry: false })]);
  });

  it('does not follow a redirect', async () => {
    handlers = [reply(302, '', { location: '/elsewhere' })];
    const { n, warns } = notifier();
    await expect(n.notify(card, meta)).resolves.toBe(false);
    expect(received.map((r) => r.url)).toEqual([`${SECRET_PATH}?sig=s3cr3tSig`]);
    expect(warns()[0]).toMatchObject({ status: 302 });
  });

  it('gives up on a receiver that never answers, within its time budget', async () => {
    handlers = [() => undefined, () => undefined];
    const { n, warns } = notifier({ timeoutMs: 200, retries: 2, backoffMs: 50 });
    const [ok, ms] = await timed(n.notify(card, meta));
    expect(ok).toBe(false);
    expect(received).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThan(1500);
    expect(warns().map((w) => [w.error, w.willRetry])).toEqual([
      ['TimeoutError', true],
      ['TimeoutError', false],
    ]);
  });

  it('returns false when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { n, warns } = notifier({ url: `http://127.0.0.1:${port}${SECRET_PATH}`, retries: 2, backoffMs: 10 });
    await expect(n.notify(card, meta)).resolves.toBe(false);
    expect(warns()).toHaveLength(2);
    expect(warns()[1]).toMatchObject({
      ticketId: 'MFA-7K3Q9P',
      host: `127.0.0.1:${port}`,
      error: 'TypeError:ECONNREFUSED',
      willRetry: false,
    });
  });

  it('never throws: not for an invalid URL, a throwing fetch or a throwing logger', async () => {
    const bad = notifier({ url: 'http://exa mple.com/SECRET-path' });
    await expect(bad.n.notify(card, meta)).resolves.toBe(false);
    expect(bad.warns()).toEqual([{ ticketId: 'MFA-7K3Q9P', host: '(invalid url)' }]);

    // undici quotes the whole URL in some messages; only the error's name may reach the log.
    const fetchImpl = (async (url: string | URL | Request) => {
      throw new TypeError(`Failed to parse URL from ${String(url)}`);
    }) as typeof fetch;
    const quoting = notifier({ fetchImpl, retries: 1 });
    await expect(quoting.n.notify(card, meta)).resolves.toBe(false);
    expect(quoting.warns()).toEqual([expect.objectContaining({ error: 'TypeError', willRetry: false })]);

    const logger = {
      warn: () => {
        throw new Error('sink down');
      },
      info: () => {
        throw new Error('sink down');
      },
    };
    await expect(createWebhookNotifier({ url: `${base}${SECRET_PATH}`, logger }).notify(card, meta)).resolves.toBe(true);
    const circular = { ...card, body: [] as unknown[] };
    circular.body.push(circular);
    await expect(createWebhookNotifier({ url: `${base}/x`, logger }).notify(circular as unknown as AdaptiveCard, meta)).resolves.toBe(
      false,
    );
  });

  it('the no-op notifier delivers nothing', async () => {
    await expect(noopNotifier.notify(card, meta)).resolves.toBe(false);
    expect(received).toHaveLength(0);
  });
});

// Runs last (vitest keeps file order), over the logs of every test above.
describe('logging', () => {
  it('never logs the webhook URL path or query, which hold its secret', () => {
    const text = JSON.stringify(allLogs);
    expect(allLogs.length).toBeGreaterThan(8);
    expect(text).toContain('MFA-7K3Q9P');
    expect(text).not.toMatch(SECRETS);
    expect(JSON.stringify({ leak: `${base}${SECRET_PATH}` })).toMatch(SECRETS); // the check itself can fail
  });
});
