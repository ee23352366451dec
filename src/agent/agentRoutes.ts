import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { HandoffService } from '../handoff/handoffService.js';
import { describeZodError } from '../http/zodError.js';
import { TicketConflict } from '../handoff/ticketStore.js';
import { buildSummary, summaryToMarkdown } from '../tickets/summary.js';
import type { Principal as Agent, TokenAuth } from '../http/tokenAuth.js';

const messageBody = z.object({
  text: z.string().trim().min(1, 'text must not be empty').max(4000, 'text is longer than 4,000 characters'),
});
const resolveBody = z.object({ note: z.string().trim().max(2000, 'note is longer than 2,000 characters').optional() });
const afterQuery = z.coerce.number().int().min(0).default(0);

type Handler = (req: Request, res: Response, agent: Agent) => Promise<void>;

function fail(res: Response, status: number, code: string, message: string): void {
  res.json(status, { code, message });
}

/** The JSON API behind the agent console (docs/agent-api.md). */
export function registerAgentRoutes(server: Server, handoff: HandoffService, auth: TokenAuth, clock: () => Date): void {
  const route =
    (handler: Handler) =>
    async (req: Request, res: Response): Promise<void> => {
      const agent = await auth.authenticate(req, res);
      if (!agent) return;
      try {
        await handler(req, res, agent);
      } catch (err) {
        if (!(err instanceof TicketConflict)) throw err;
        fail(res, err.code === 'NotAssignee' ? 403 : 409, err.code, err.message);
      }
    };
  const notFound = (res: Response, id: string): void => fail(res, 404, 'NotFound', `No ticket ${id}.`);
  const id = (req: Request): string => String(req.params.id);

  server.get(
    '/api/agent/me',
    route(async (_req, res, agent) => void res.json({ name: agent.name })),
  );

  server.get(
    '/api/agent/queue',
    route(async (_req, res) => void res.json({ tickets: await handoff.queue() })),
  );

  server.get(
    '/api/agent/tickets/:id',
    route(async (req, res) => {
      const ticket = await handoff.get(id(req));
      if (!ticket) return notFound(res, id(req));
      const summary = buildSummary(ticket, clock());
      res.json({ ticket, summary, markdown: summaryToMarkdown(summary) });
    }),
  );

  server.post(
    '/api/agent/tickets/:id/claim',
    route(async (req, res, agent) => {
      const ticket = await handoff.claim(id(req), agent.name);
      if (!ticket) return notFound(res, id(req));
      res.json({ ticket });
    }),
  );

  server.get(
    '/api/agent/tickets/:id/messages',
    route(async (req, res) => {
      const after = afterQuery.safeParse((req.query as Record<string, unknown> | undefined)?.after);
      if (!after.success) return fail(res, 400, 'BadRequest', 'after must be a whole number');
      const ticket = await handoff.get(id(req));
      if (!ticket) return notFound(res, id(req));
      res.json({ messages: ticket.messages.filter((m) => m.seq > after.data), status: ticket.status, userWaiting: ticket.userWaiting });
    }),
  );

  server.post(
    '/api/agent/tickets/:id/messages',
    route(async (req, res, agent) => {
      const body = messageBody.safeParse(req.body);
      if (!body.success) return fail(res, 400, 'BadRequest', describeZodError(body.error));
      const message = await handoff.agentMessage(id(req), agent.name, body.data.text);
      if (!message) return notFound(res, id(req));
      // Stored either way; 202 when the user's channel refused it: they get it on their next message.
      const delivered = message.delivered !== false;
      res.json(delivered ? 201 : 202, { message, delivered });
    }),
  );

  server.post(
    '/api/agent/tickets/:id/resolve',
    route(async (req, res, agent) => {
      const body = resolveBody.safeParse(req.body ?? {});
      if (!body.success) return fail(res, 400, 'BadRequest', describeZodError(body.error));
      const ticket = await handoff.resolve(id(req), agent.name, body.data.note);
      if (!ticket) return notFound(res, id(req));
      res.json({ ticket });
    }),
  );
}
