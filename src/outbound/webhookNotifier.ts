import { setTimeout as sleep } from 'node:timers/promises';
import type { AdaptiveCard } from '../cards/adaptiveCard.js';

export interface WebhookNotifierOptions {
  /** The Teams incoming-webhook (or Workflows) URL. Its path is a secret, so only its host is ever logged. */
  url: string;
  /** Per attempt, including reading the answer. */
  timeoutMs?: number;
  /** Attempts in total, the first included. */
  retries?: number;
  /** Wait before the second attempt, doubled for each later one. */
  backoffMs?: number;
  /** Upper bound on any wait between attempts, including one asked for by Retry-After. */
  maxDelayMs?: number;
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  fetchImpl?: typeof fetch;
}

export interface Notifier {
  /** Resolves true when the webhook accepted the card; never rejects. */
  notify(card: AdaptiveCard, meta: { ticketId: string }): Promise<boolean>;
}

export const noopNotifier: Notifier = { notify: async () => false };

/** The message shape Teams incoming webhooks and Workflows "post to a channel when a webhook request is received" accept. */
export function webhookPayload(card: AdaptiveCard) {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  };
}

type Attempt = { ok: true; status: number } | { ok: false; retry: boolean; status?: number; error?: string; retryAfterMs?: number };

// Legacy Office 365 connectors answer 200 and put the real status in the body ("... returned HTTP error 429 ...").
const WRAPPED_STATUS_RE = /returned HTTP error (\d{3})/i;
const MAX_BODY_CHARS = 2000;

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A name and code only: error messages can quote the URL (e.g. "Failed to parse URL from https://..."). */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return 'UnknownError';
  const cause = (err as Error & { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : (err as Error & { code?: unknown }).code;
  return typeof code === 'string' ? `${err.name}:${code}` : err.name;
}

export function createWebhookNotifier(o: WebhookNotifierOptions): Notifier {
  const timeoutMs = o.timeoutMs ?? 5000;
  const attempts = Math.max(1, o.retries ?? 3);
  const backoffMs = o.backoffMs ?? 500;
  const maxDelayMs = o.maxDelayMs ?? 30_000;
  const doFetch = o.fetchImpl ?? fetch;
  const log = (level: 'warn' | 'info', obj: object, msg: string) => {
    try {
      o.logger[level](obj, msg);
    } catch {
      // A broken log sink must not turn a notification into an unhandled rejection.
    }
  };
  let host = '(invalid url)';
  try {
    host = new URL(o.url).host;
  } catch {
    // Reported on each notify; config validation is the caller's job, and a notifier must never throw.
  }

  async function attempt(body: string): Promise<Attempt> {
    try {
      const res = await doFetch(o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        // A redirect would resend the card somewhere we were not configured to send it.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = (await res.text()).slice(0, MAX_BODY_CHARS);
      const wrapped = res.ok ? WRAPPED_STATUS_RE.exec(text) : null;
      const status = wrapped ? Number(wrapped[1]) : res.status;
      if (status >= 200 && status < 300) return { ok: true, status };
      const retry = status === 429 || status >= 500;
      const after = retry ? retryAfterMs(res.headers.get('retry-after'), Date.now()) : undefined;
      return { ok: false, retry, status, ...(after !== undefined && { retryAfterMs: after }) };
    } catch (err) {
      return { ok: false, retry: true, error: describeError(err) };
    }
  }

  return {
    async notify(card, meta) {
      const base = { ticketId: meta.ticketId, host };
      try {
        if (host === '(invalid url)') {
          log('warn', base, 'Teams webhook notification skipped: the webhook URL is not valid');
          return false;
        }
        const body = JSON.stringify(webhookPayload(card));
        for (let n = 1; n <= attempts; n++) {
          const result = await attempt(body);
          if (result.ok) {
            log('info', { ...base, attempt: n, status: result.status }, 'Teams webhook notification delivered');
            return true;
          }
          const { retry, status, error } = result;
          const last = !retry || n === attempts;
          log(
            'warn',
            { ...base, attempt: n, of: attempts, ...(status !== undefined && { status }), ...(error && { error }), willRetry: !last },
            last ? 'Teams webhook notification failed; giving up' : 'Teams webhook notification failed; retrying',
          );
          if (last) return false;
          await sleep(Math.min(maxDelayMs, result.retryAfterMs ?? backoffMs * 2 ** (n - 1)));
        }
        return false;
      } catch (err) {
        log('warn', { ...base, error: describeError(err) }, 'Teams webhook notification failed unexpectedly');
        return false;
      }
    },
  };
}
