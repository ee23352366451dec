import restify, { type Next, type Request, type Response, type Server } from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { ActivityHandler } from 'botbuilder';
import type { Logger } from '../logger.js';
import { describeZodError, inboundActivitySchema } from './activitySchema.js';
import type { RateLimits } from './rateLimits.js';

export interface ServerDeps {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  maxBodyBytes: number;
  /** Time a client has to send a whole request; headers get at most 10 s of it. */
  requestTimeoutMs: number;
  rateLimits: RateLimits;
  /** Where replies may go; answers why not otherwise (see replyTargets.ts). */
  checkServiceUrl: (serviceUrl: string) => string | undefined;
  health: () => Record<string, unknown>;
}

/** Conversation ids of bot-endpoint requests, for the request log line. */
const conversationOf = new WeakMap<Request, string>();

/** Routes used by clients directly (browsers, agents, admins): limited per client address. */
const CLIENT_ROUTES = /^\/(?:directline|api\/agent|api\/admin)(?:\/|$)/;

function badRequest(res: Response, message: string): void {
  res.status(400);
  res.json({ code: 'BadRequest', message });
}

/** The restify server with the bot endpoint and health check; feature modules add their own routes. */
export function createServer({ adapter, bot, logger, maxBodyBytes, requestTimeoutMs, rateLimits, checkServiceUrl, health }: ServerDeps): Server {
  // restify logs through our logger (its default one ignores LOG_LEVEL and writes to stdout on its own). The
  // cast: @types/restify still describes restify 8's bunyan logger; restify 11 takes a pino one.
  const log = logger.child({ component: 'restify' }) as unknown as restify.ServerOptions['log'];
  const server = restify.createServer({ name: 'mfa-helpdesk-bot', handleUncaughtExceptions: false, log });
  // Slow clients (a trickled body, headers that never end) are cut off instead of holding a socket forever.
  server.server.requestTimeout = requestTimeoutMs;
  server.server.headersTimeout = Math.min(10_000, requestTimeoutMs);
  server.server.keepAliveTimeout = 5_000;
  // Node enforces those two only when it sweeps its connections, every 30 s by default: a trickling client
  // would hold its socket up to 30 s longer than allowed. The sweep is cheap; run it every second.
  // (@types/node 20 lacks the property, though Node reads it when the server starts listening.)
  Object.assign(server.server, { connectionsCheckingInterval: 1_000 });
  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 6.3), but bodyParser
  // with rejectUnknown would answer 415 for its missing content type: botbuilder's DELETE calls are such.
  server.pre((req: Request, _res: Response, next: Next) => {
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      req.headers['content-length'] = '0';
    }
    next();
  });
  // Callback style on purpose: restify continues the chain whenever an async handler resolves, and a
  // refused request must stop here (next(false)) after its 429.
  server.use((req: Request, res: Response, next: Next) => {
    if (!CLIENT_ROUTES.test(req.path())) return next();
    rateLimits.allowClient(req, res).then((ok) => next(ok ? undefined : false), next);
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // bodyParser answers 413 past the limit and 400 for JSON it cannot parse, both with a JSON reason.
  server.use(restify.plugins.bodyParser({ maxBodySize: maxBodyBytes, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (!req.is('json')) return badRequest(res, 'Content-Type must be application/json');
    const parsed = inboundActivitySchema.safeParse(req.body);
    if (!parsed.success) return badRequest(res, `Invalid activity: ${describeZodError(parsed.error)}`);
    const refusedTarget = checkServiceUrl(parsed.data.serviceUrl);
    if (refusedTarget) return badRequest(res, `Invalid activity: serviceUrl: ${refusedTarget}`);
    // The adapter reads the body again: it gets the checked activity, addresses trimmed to what they mean.
    req.body = parsed.data;
    conversationOf.set(req, parsed.data.conversation.id);
    if (!(await rateLimits.allowConversation(parsed.data.conversation.id, res))) return;
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (err) {
      logger.error({ err: { message: (err as Error).message } }, 'bot endpoint failed');
      if (!res.headersSent) {
        res.status(500);
        res.json({ code: 'InternalError', message: 'The bot could not process this activity.' });
      }
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.json({ status: 'ok', ...health() });
  });

  // One line per request: who asked what and how it ended. Never bodies or message text, never the query string.
  server.on('after', (req: Request, res: Response) => {
    logger.info(
      { reqId: req.id(), method: req.method, path: req.path(), status: res.statusCode, ms: Date.now() - req.time(), conversationId: conversationOf.get(req) },
      'request',
    );
  });

  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
    logger.warn({ reqId: req.id(), method: req.method, path: req.path(), status: err.statusCode, reason: err.message }, 'request rejected');
    callback();
  });
  return server;
}
