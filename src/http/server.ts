import restify, { type Next, type Request, type Response, type Server } from 'restify';
import type { Logger } from '../logger.js';
import { inboundActivitySchema, type InboundActivity } from './activitySchema.js';
import { describeZodError } from './zodError.js';
import { jsonBody } from './jsonBody.js';
import type { RateLimits } from './rateLimits.js';
import { UpgradeRoutes } from './upgrades.js';

/** One activity for the bot, as the HTTP layer hands it over. */
export interface BotRequest {
  activity: InboundActivity;
  /** The Authorization header, or ''. */
  authorization: string;
  /**
   * Called once the request is authenticated, before the turn runs: applies the rate limits that must not be
   * spent by unauthenticated requests (a stranger could otherwise use up a victim conversation's budget).
   * False when it has already answered 429.
   */
  admit: () => Promise<boolean>;
}

/**
 * The bot's answer: a status with an optional JSON body (and, for 503, how many seconds to wait before trying
 * again), or undefined when admit() already answered.
 */
export type BotAnswer = { status: number; body?: unknown; retryAfterS?: number } | undefined;

/** `/readyz`'s answer: ready to take turns, or why not. */
export type Readiness = { ready: true; [detail: string]: unknown } | { ready: false; reason: string };

/** Why a request cannot be taken now (starting, shutting down) and when to try again; undefined: take it. */
export type Admission = (request: { path: string; authorization: string }) => { reason: string; retryAfterS: number } | undefined;

export type ProcessActivity = (request: BotRequest) => Promise<BotAnswer>;

export interface ServerDeps {
  processActivity: ProcessActivity;
  /** No app id and no local channel: anyone may post to the bot endpoint, so it is limited per client too. */
  anonymousBotEndpoint: boolean;
  logger: Logger;
  maxBodyBytes: number;
  /** Time a client has to send a whole request; headers get at most 10 s of it. */
  requestTimeoutMs: number;
  rateLimits: RateLimits;
  health: () => Record<string, unknown>;
  /** Whether the bot can take turns now (its store open and reachable): `/readyz`. */
  readiness: () => Promise<Readiness>;
  /** Asked before any request but the health checks: refused ones get 503 with Retry-After. */
  admission: Admission;
}

export interface HttpServer {
  server: Server;
  /** Where WebSocket routes register; every other upgrade is refused. */
  upgrades: UpgradeRoutes;
}

/** What a shutdown needs to know of the requests the server is answering. */
export interface RequestTracking {
  /** Requests begun and not yet answered (WebSockets not counted). */
  inFlight(): number;
  /** Resolves once no request is in flight, or after `timeoutMs`; true when they all finished. */
  settled(timeoutMs: number): Promise<boolean>;
}

/** Conversation ids of bot-endpoint requests, for the request log line. */
const conversationOf = new WeakMap<Request, string>();

/** Routes used by anonymous clients directly (browsers): limited per client address. */
const CLIENT_ROUTES = /^\/directline(?:\/|$)/;
/** Answers that may carry tokens or people's data: never cached by a browser or proxy, never sniffed as HTML. */
const PRIVATE_ROUTES = /^\/(?:api|directline|v3)(?:\/|$)|^\/(?:healthz|readyz)$/;
/** Always answered, whatever the admission says: a supervisor must see a starting or draining process. */
const HEALTH_ROUTES = /^\/(?:healthz|readyz)$/;

/**
 * No socket lives longer than this without a byte in either direction: above every internal wait (a bot turn
 * through the local Direct Line, 15 s; a model call, 5 s), so only sockets nobody uses are cut.
 */
const IDLE_SOCKET_MS = 60_000;

function badRequest(res: Response, message: string): void {
  res.status(400);
  res.json({ code: 'BadRequest', message });
}

/** The restify server with the bot endpoint and health check; feature modules add their own routes. */
export function createServer({
  processActivity,
  anonymousBotEndpoint,
  logger,
  maxBodyBytes,
  requestTimeoutMs,
  rateLimits,
  health,
  readiness,
  admission,
}: ServerDeps): HttpServer & RequestTracking {
  // restify logs through our logger (its default one ignores LOG_LEVEL and writes to stdout on its own). The
  // cast: @types/restify still describes restify 8's bunyan logger; restify 11 takes a pino one.
  const log = logger.child({ component: 'restify' }) as unknown as restify.ServerOptions['log'];
  const server = restify.createServer({ name: 'mfa-helpdesk-bot', handleUncaughtExceptions: false, log });
  // Slow clients (a trickled body, headers that never end) are cut off instead of holding a socket forever.
  server.server.requestTimeout = requestTimeoutMs;
  server.server.headersTimeout = Math.min(10_000, requestTimeoutMs);
  server.server.keepAliveTimeout = 5_000;
  server.server.timeout = IDLE_SOCKET_MS;
  // Node enforces those two only when it sweeps its connections, every 30 s by default: a trickling client
  // would hold its socket up to 30 s longer than allowed. The sweep is cheap; run it every second.
  // (@types/node 20 lacks the property, though Node reads it when the server starts listening.)
  Object.assign(server.server, { connectionsCheckingInterval: 1_000 });
  // A connection that never sends a request is not covered by headersTimeout (no request has started): it
  // gets the same time to begin as a request gets for its headers, then the ordinary idle limit once it has.
  const firstRequestMs = Math.min(10_000, requestTimeoutMs);
  server.server.on('connection', (socket) => socket.setTimeout(firstRequestMs));
  server.server.on('request', (req) => req.socket.setTimeout(IDLE_SOCKET_MS));
  const upgrades = new UpgradeRoutes(server.server, logger, firstRequestMs);

  // Requests in flight, so a shutdown can let them finish (a turn's replies, an acknowledgement) before closing.
  let inFlight = 0;
  let onSettled: (() => void)[] = [];
  server.server.on('request', (_req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) for (const wake of onSettled.splice(0)) wake();
    });
  });
  const settled = (timeoutMs: number): Promise<boolean> =>
    inFlight === 0
      ? Promise.resolve(true)
      : new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => {
            onSettled = onSettled.filter((w) => w !== wake);
            resolve(false);
          }, timeoutMs);
          const wake = (): void => {
            clearTimeout(timer);
            resolve(true);
          };
          onSettled.push(wake);
        });

  server.pre((req: Request, res: Response, next: Next) => {
    if (PRIVATE_ROUTES.test(req.path())) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
    }
    const refused = HEALTH_ROUTES.test(req.path())
      ? undefined
      : admission({ path: req.path(), authorization: req.headers.authorization ?? '' });
    if (!refused) return next();
    res.setHeader('Retry-After', String(refused.retryAfterS));
    res.status(503);
    res.json({ code: 'ServiceUnavailable', message: refused.reason });
    return next(false);
  });
  // Callback style on purpose: restify continues the chain whenever an async handler resolves, and a
  // refused request must stop here (next(false)) after its 429.
  server.use((req: Request, res: Response, next: Next) => {
    if (!CLIENT_ROUTES.test(req.path())) return next();
    rateLimits.allowClient(req, res).then((ok) => next(ok ? undefined : false), next);
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(jsonBody(maxBodyBytes));

  server.post('/api/messages', async (req: Request, res: Response) => {
    const parsed = inboundActivitySchema.safeParse(req.body);
    if (!parsed.success) return badRequest(res, `Invalid activity: ${describeZodError(parsed.error)}`);
    const activity = parsed.data;
    conversationOf.set(req, activity.conversation.id);
    const admit = async (): Promise<boolean> =>
      (!anonymousBotEndpoint || (await rateLimits.allowClient(req, res))) && rateLimits.allowConversation(activity.conversation.id, res);
    let answer: BotAnswer;
    try {
      answer = await processActivity({ activity, authorization: req.headers.authorization ?? '', admit });
    } catch (err) {
      logger.error({ err: { message: (err as Error).message } }, 'bot endpoint failed');
      answer = { status: 500, body: { code: 'InternalError', message: 'The bot could not process this activity.' } };
    }
    if (!answer || res.headersSent) return;
    if (answer.status === 401 && !(await rateLimits.authFailed(req, res))) return;
    if (answer.retryAfterS !== undefined) res.setHeader('Retry-After', String(answer.retryAfterS));
    res.status(answer.status);
    if (answer.body === undefined) res.end();
    else res.json(answer.body);
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json({ status: 'ok', ...health() });
  });

  // Readiness, beside the liveness above: 503 with the reason while the store is opening or unreachable, or
  // the process is draining, so a load balancer sends turns elsewhere without restarting anything.
  server.get('/readyz', async (_req: Request, res: Response) => {
    let answer: Readiness;
    try {
      answer = await readiness();
    } catch (err) {
      answer = { ready: false, reason: (err as Error).message };
    }
    res.status(answer.ready ? 200 : 503);
    res.json(answer);
  });

  // One line per request: who asked what and how it ended. Never bodies or message text, never the query string.
  server.on('after', (req: Request, res: Response) => {
    logger.info(
      {
        reqId: req.id(),
        method: req.method,
        path: req.path(),
        status: res.statusCode,
        ms: Date.now() - req.time(),
        conversationId: conversationOf.get(req),
      },
      'request',
    );
  });

  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
    logger.warn({ reqId: req.id(), method: req.method, path: req.path(), status: err.statusCode, reason: err.message }, 'request rejected');
    callback();
  });
  return { server, upgrades, inFlight: () => inFlight, settled };
}
