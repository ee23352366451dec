import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** The parts of a bot reply the simulated users look at. */
export interface Reply {
  type: string;
  text?: string;
  name?: string;
  suggestedActions?: { actions?: { title?: string }[] };
  /** performance.now() when the reply's POST body had arrived. */
  at: number;
}

type Listener = (reply: Reply) => void;

const ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?\/?(?:\?.*)?$/;

/**
 * Stands in for the channel's Connector service: a bare node:http server that takes the bot's reply POSTs,
 * answers 200 at once and hands each reply to the turn waiting on it. Replies are routed by replyToId (the
 * id of the user's activity, which the bot puts in the URL), so a reply can never be credited to a later
 * turn of the same conversation: one that arrives after its turn ended is counted as late instead.
 * botbuilder sends replies to a conversationUpdate without a replyToId (`/activities`): those go to the
 * conversation's turn in flight, which is unambiguous since a simulated user waits for each turn to end.
 */
export class CaptureServer {
  private readonly waiting = new Map<string, Listener>();
  private readonly byConversation = new Map<string, Listener>();
  private server: http.Server | undefined;
  private counter = 0;
  /** Replies for no waiting turn: after their turn had ended, or without a replyToId. */
  late = 0;
  /** Requests that were not reply POSTs (wrong path or method, bad JSON). */
  rejected = 0;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    // The bot opens as many connections as it has turns in flight; the defaults would close idle ones early.
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Calls `listener` with every reply to the activity `activityId` until `release`. */
  expect(activityId: string, conversationId: string, listener: Listener): void {
    this.waiting.set(activityId, listener);
    this.byConversation.set(conversationId, listener);
  }

  release(activityId: string, conversationId: string): void {
    this.waiting.delete(activityId);
    this.byConversation.delete(conversationId);
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const match = req.method === 'POST' ? ROUTE.exec(req.url ?? '') : null;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = match ? this.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      if (!reply) {
        this.rejected += 1;
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":"not a reply POST"}');
        return;
      }
      const replyTo = match?.[2];
      const listener = replyTo ? this.waiting.get(decodeURIComponent(replyTo)) : this.byConversation.get(decodeURIComponent(match![1]!));
      if (listener) listener(reply);
      else this.late += 1;
      this.counter += 1;
      // Not chained: restify, when loaded in the same process, patches writeHead to return undefined.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"id":"captured-${this.counter}"}`);
    });
  }

  private parse(body: string): Reply | undefined {
    const at = performance.now();
    try {
      const a = JSON.parse(body) as Omit<Reply, 'at'>;
      return { type: a.type, text: a.text, name: a.name, suggestedActions: a.suggestedActions, at };
    } catch {
      return undefined;
    }
  }
}
