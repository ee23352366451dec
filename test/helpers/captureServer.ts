import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An activity the bot sent to the channel, as it arrived at the capture server. */
export interface CapturedReply {
  /** Order of arrival over the whole server, from 0. */
  seq: number;
  /** Decoded conversation id from the URL. */
  conversationId: string;
  /** The `:replyToId` part of the URL, when the bot replied to an activity. */
  replyToId?: string;
  method: string;
  /** The parsed JSON body (undefined if it was not JSON). */
  activity: CapturedActivity;
  at: number;
}

/** The parts of a Bot Framework activity the tests read. */
export interface CapturedActivity {
  type?: string;
  id?: string;
  name?: string;
  text?: string;
  value?: unknown;
  replyToId?: string;
  conversation?: { id?: string };
  suggestedActions?: { actions: { title: string; value?: unknown }[] };
  attachments?: { contentType?: string; content?: unknown }[];
  [key: string]: unknown;
}

const ROUTE = /^\/v3\/conversations\/([^/?#]+)\/activities(?:\/([^/?#]+))?\/?(?:[?#].*)?$/;
const MAX_CAPTURE_BODY = 8 * 1024 * 1024;

/**
 * A loopback stand-in for the channel's connector (the activity's serviceUrl): every activity the bot POSTs to
 * `/v3/conversations/:id/activities[/:replyToId]` is recorded and answered `200 {"id": "<random>"}`.
 * Anything else the connector might be asked (PUT/DELETE an activity, members) is answered harmlessly so a
 * turn never fails because of the capture server itself.
 */
export class CaptureServer {
  readonly replies: CapturedReply[] = [];
  /** Requests that did not match the reply route (method + url), to spot surprises. */
  readonly other: string[] = [];
  /** Replies are answered (and recorded) this long after they arrive: a slow channel, for a turn that takes a while. */
  delayMs = 0;
  /** Replies that arrived, answered yet or not. */
  arrived = 0;
  /** Conversations whose activities are refused with this status (a conversation the channel no longer has: 404). */
  readonly refusing = new Map<string, number>();
  /** Activities refused because of `refusing`, not recorded in `replies`. */
  readonly refused: CapturedActivity[] = [];
  private waiters = new Set<() => void>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<CaptureServer> {
    // The handler is bound before the server exists; it runs only once listening, after `self` is set.
    const handler: { self?: CaptureServer } = {};
    const server = http.createServer((req, res) => handler.self!.handle(req, res));
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    handler.self = new CaptureServer(server, `http://127.0.0.1:${port}`);
    return handler.self;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_CAPTURE_BODY) chunks.push(c);
    });
    req.on('error', () => res.destroy());
    const answer = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    req.on('end', () => {
      const url = req.url ?? '';
      const match = ROUTE.exec(url);
      if (!match) {
        this.other.push(`${req.method} ${url}`);
        if (req.method === 'GET') return answer(200, []);
        return answer(200, {});
      }
      if (req.method !== 'POST') {
        this.other.push(`${req.method} ${url}`);
        return answer(200, { id: match[2] ?? randomId() });
      }
      this.arrived += 1;
      if (this.delayMs > 0) setTimeout(() => record(match), this.delayMs);
      else record(match);
    });
    const record = (match: RegExpExecArray): void => {
      let activity: CapturedActivity;
      try {
        activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CapturedActivity;
      } catch {
        activity = { type: '<unparseable>' };
      }
      const refuse = this.refusing.get(safeDecode(match[1]!));
      if (refuse) {
        this.refused.push(activity);
        return answer(refuse, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
      }
      this.replies.push({
        seq: this.replies.length,
        conversationId: safeDecode(match[1]!),
        replyToId: match[2] === undefined ? undefined : safeDecode(match[2]),
        method: 'POST',
        activity,
        at: Date.now(),
      });
      answer(200, { id: randomId() });
      const waiters = [...this.waiters];
      this.waiters.clear();
      for (const w of waiters) w();
    };
  }

  /** How many replies the conversation has received so far: a mark for `since`. */
  count(conversationId: string): number {
    return this.replies.filter((r) => r.conversationId === conversationId).length;
  }

  /** The conversation's replies (activities) from its `since`-th on. */
  repliesOf(conversationId: string, since = 0): CapturedActivity[] {
    return this.replies
      .filter((r) => r.conversationId === conversationId)
      .slice(since)
      .map((r) => r.activity);
  }

  /** Every reply whose text contains the fragment, across all conversations. */
  textsMatching(fragment: string | RegExp): CapturedReply[] {
    return this.replies.filter((r) => matches(r.activity.text, fragment));
  }

  /**
   * Waits until the conversation's replies since `since` satisfy `done` (by default: at least one reply), and
   * returns them. Rejects after `timeoutMs` with what arrived, so a hang is a clear failure.
   */
  async waitFor(
    conversationId: string,
    since: number,
    done: (replies: CapturedActivity[]) => boolean = (r) => r.length > 0,
    timeoutMs = 10_000,
  ): Promise<CapturedActivity[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.repliesOf(conversationId, since);
      if (done(got)) return got;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `capture: timed out after ${timeoutMs} ms waiting for ${conversationId}; got ${JSON.stringify(got.map((a) => a.text ?? a.name ?? a.type))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(
          () => {
            this.waiters.delete(wake);
            resolve();
          },
          Math.min(left, 250),
        );
        const wake = (): void => {
          clearTimeout(timer);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }

  /** Waits for a reply of the conversation (since `since`) whose text contains the fragment. */
  waitForText(conversationId: string, since: number, fragment: string | RegExp, timeoutMs?: number): Promise<CapturedActivity[]> {
    return this.waitFor(conversationId, since, (r) => r.some((a) => matches(a.text, fragment)), timeoutMs);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function matches(text: string | undefined, fragment: string | RegExp): boolean {
  if (typeof text !== 'string') return false;
  return typeof fragment === 'string' ? text.includes(fragment) : fragment.test(text);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function randomId(): string {
  return randomBytes(9).toString('base64url');
}

/** One answer of the bot endpoint. */
export interface PostResult {
  status: number;
  body: string;
  ms: number;
}

/** POSTs raw bytes to a URL with a per-request timeout, so a hang fails instead of stalling the suite. */
export async function postRaw(
  url: string,
  body: string | Buffer | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  { method = 'POST', timeoutMs = 15_000 }: { method?: string; timeoutMs?: number } = {},
): Promise<PostResult> {
  const started = Date.now();
  const res = await fetch(url, {
    method,
    headers,
    body: Buffer.isBuffer(body) ? new Uint8Array(body) : body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, body: text, ms: Date.now() - started };
}

let activitySeq = 0;

/**
 * A user of a Bot Framework channel, reduced to what the channel sends to `/api/messages` and what the bot sends
 * back to the capture server (the activity's serviceUrl). Each `say` resolves once the bot endpoint answered; the
 * bot's replies of that turn have been POSTed to the capture server by then.
 */
export class ChannelUser {
  constructor(
    readonly botUrl: string,
    readonly capture: CaptureServer,
    readonly conversationId: string,
    readonly userId = 'user-1',
    readonly channelId = 'webchat',
  ) {}

  activity(extra: Record<string, unknown> = {}): Record<string, unknown> {
    activitySeq += 1;
    return {
      type: 'message',
      id: `act-${process.pid}-${activitySeq}`,
      timestamp: new Date().toISOString(),
      channelId: this.channelId,
      serviceUrl: this.capture.url,
      conversation: { id: this.conversationId },
      from: { id: this.userId, name: 'User' },
      recipient: { id: 'helpdesk-bot', name: 'Bot' },
      locale: 'en-US',
      ...extra,
    };
  }

  /** Sends an activity; returns the endpoint's answer and the replies the bot sent during the turn. */
  async send(extra: Record<string, unknown>, timeoutMs = 15_000): Promise<PostResult & { replies: CapturedActivity[] }> {
    const since = this.capture.count(this.conversationId);
    const result = await postRaw(`${this.botUrl}/api/messages`, JSON.stringify(this.activity(extra)), undefined, { timeoutMs });
    return { ...result, replies: this.capture.repliesOf(this.conversationId, since) };
  }

  say(text: string, timeoutMs?: number): Promise<PostResult & { replies: CapturedActivity[] }> {
    return this.send({ text }, timeoutMs);
  }

  /** The user joins: Web Chat's conversationUpdate with the user and the bot. */
  join(): Promise<PostResult & { replies: CapturedActivity[] }> {
    return this.send({ type: 'conversationUpdate', membersAdded: [{ id: this.userId }, { id: 'helpdesk-bot' }] });
  }
}

/** Texts of replies, one per line. */
export function replyTexts(replies: CapturedActivity[]): string {
  return replies.map((r) => r.text ?? '').join('\n');
}

/** Titles of a reply's suggested-action buttons. */
export function buttonTitles(reply: CapturedActivity | undefined): string[] {
  return reply?.suggestedActions?.actions.map((a) => String(a.title)) ?? [];
}

export const WENT_WRONG = /something went wrong/i;
