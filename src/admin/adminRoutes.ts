import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { KnowledgeTree } from '../knowledge/loader.js';
import { describeZodError } from '../http/zodError.js';
import type { TokenAuth } from '../http/tokenAuth.js';
import type { ConversationFilter, TranscriptStore } from '../transcripts/types.js';
import { exportCsv, exportJsonl } from './exportTranscripts.js';

const date = z.iso.date({ message: 'dates are YYYY-MM-DD' }).or(z.iso.datetime({ offset: true }));
const filterQuery = z.object({
  from: date.optional(),
  to: date.optional(),
  outcome: z.enum(['resolved', 'escalated', 'abandoned', 'cancelled', 'in-progress']).optional(),
  branch: z.string().max(100).optional(),
  rating: z.coerce.number().int().min(1).max(5).optional(),
  q: z.string().max(200).optional(),
});
const pageQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(25),
});
const exportQuery = filterQuery.extend({ format: z.enum(['csv', 'jsonl']).default('csv') });

/** Dates are UTC days; a date-only "to" includes that whole day, as an admin picking "to 22 Nov" expects. */
function toFilter(q: z.infer<typeof filterQuery>): ConversationFilter {
  const instant = (s: string, endOfDay: boolean): Date =>
    s.length === 10 ? new Date(Date.parse(`${s}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0)) : new Date(s);
  return {
    ...(q.from ? { from: instant(q.from, false) } : {}),
    ...(q.to ? { to: instant(q.to, true) } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    ...(q.branch ? { branch: q.branch } : {}),
    ...(q.rating ? { rating: q.rating } : {}),
    ...(q.q?.trim() ? { text: q.q.trim() } : {}),
  };
}

function parseQuery<T extends z.ZodType>(schema: T, req: Request, res: Response): z.infer<T> | undefined {
  const parsed = schema.safeParse(req.query ?? {});
  if (parsed.success) return parsed.data;
  res.json(400, { code: 'BadRequest', message: describeZodError(parsed.error) });
  return undefined;
}

/** The JSON API behind the admin page: conversations, transcripts, export, deletion and analytics. */
export function registerAdminRoutes(server: Server, store: TranscriptStore, tree: KnowledgeTree, auth: TokenAuth, clock: () => Date): void {
  const route =
    (handler: (req: Request, res: Response, admin: { name: string }) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      const admin = await auth.authenticate(req, res);
      if (admin) await handler(req, res, admin);
    };
  const titles = Object.fromEntries([...tree.nodes.values()].map((n) => [n.id, n.title]));
  const branches =
    (tree.nodes.get(tree.index.root) as { options?: { goto: string }[] }).options?.map((o) => ({
      id: o.goto,
      title: titles[o.goto] ?? o.goto,
    })) ?? [];

  server.get(
    '/api/admin/me',
    route(async (_req, res, admin) => void res.json({ name: admin.name })),
  );
  server.get(
    '/api/admin/branches',
    route(async (_req, res) => void res.json({ branches })),
  );

  server.get(
    '/api/admin/conversations',
    route(async (req, res) => {
      const q = parseQuery(filterQuery.extend(pageQuery.shape), req, res);
      if (!q) return;
      res.json(await store.search(toFilter(q), { offset: q.offset, limit: q.limit }, clock()));
    }),
  );

  server.get(
    '/api/admin/conversations/:id',
    route(async (req, res) => {
      const found = await store.get(String(req.params.id), clock());
      if (!found) return void res.json(404, { code: 'NotFound', message: 'No such conversation (it may have been deleted).' });
      res.json(found);
    }),
  );

  server.del(
    '/api/admin/conversations/:id',
    route(async (req, res) => {
      const deleted = await store.delete(String(req.params.id));
      if (!deleted) return void res.json(404, { code: 'NotFound', message: 'No such conversation.' });
      res.send(204);
    }),
  );

  server.get(
    '/api/admin/analytics',
    route(async (req, res) => {
      const q = parseQuery(filterQuery.omit({ branch: true, q: true }), req, res);
      if (!q) return;
      res.json({ branches: await store.analytics(toFilter(q), clock()), titles });
    }),
  );

  server.get(
    '/api/admin/export',
    route(async (req, res) => {
      const q = parseQuery(exportQuery, req, res);
      if (!q) return;
      const stamp = clock().toISOString().slice(0, 10);
      const body = q.format === 'csv' ? await exportCsv(store, toFilter(q), clock()) : await exportJsonl(store, toFilter(q), clock());
      res.sendRaw(200, body, {
        'Content-Type': q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'Content-Disposition': `attachment; filename="transcripts-${stamp}.${q.format}"`,
        'Cache-Control': 'no-store',
      });
    }),
  );
}
