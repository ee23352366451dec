import restify, { type Next, type Request, type Response, type Server } from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { ActivityHandler } from 'botbuilder';
import type { Logger } from '../logger.js';
import { describeZodError, inboundActivitySchema } from './activitySchema.js';

export interface ServerDeps {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  maxBodyBytes: number;
  health: () => Record<string, unknown>;
}

function badRequest(res: Response, message: string): void {
  res.status(400);
  res.json({ code: 'BadRequest', message });
}

/** The restify server with the bot endpoint and health check; feature modules add their own routes. */
export function createServer({ adapter, bot, logger, maxBodyBytes, health }: ServerDeps): Server {
  const server = restify.createServer({ name: 'mfa-helpdesk-bot', handleUncaughtExceptions: false });
  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 6.3), but bodyParser
  // with rejectUnknown would answer 415 for its missing content type: botbuilder's DELETE calls are such.
  server.pre((req: Request, _res: Response, next: Next) => {
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      req.headers['content-length'] = '0';
    }
    next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // bodyParser answers 413 past the limit and 400 for JSON it cannot parse, both with a JSON reason.
  server.use(restify.plugins.bodyParser({ maxBodySize: maxBodyBytes, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (!req.is('json')) return badRequest(res, 'Content-Type must be application/json');
    const parsed = inboundActivitySchema.safeParse(req.body);
    if (!parsed.success) return badRequest(res, `Invalid activity: ${describeZodError(parsed.error)}`);
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

  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number }, callback: () => void) => {
    logger.warn({ method: req.method, url: req.url, status: err.statusCode, reason: err.message }, 'request rejected');
    callback();
  });
  return server;
}
