/** The agent and admin consoles' APIs: every route, with every kind of token, hostile ids, queries and bodies. */
import { JSON_HEADERS, type LiveContext } from '../case.js';
import { KINDS, NON_JSON, deepJson, valueOfKind } from '../hostile.js';
import type { Rng } from '../rng.js';
import { ADMIN, AGENT } from '../settings.js';
import type { CaseBuilder } from './builder.js';

const TOKENS = ['none', 'agent', 'admin', 'garbage', 'lower', 'basic', 'spaces', 'dltoken'] as const;
type Token = (typeof TOKENS)[number];
const TICKET_IDS = [
  'real',
  'MFA-NOPE00',
  '../../etc/passwd',
  '%00',
  '%E0%A4%A',
  'x'.repeat(2000),
  '__proto__',
  'constructor',
  '%F0%9F%92%A5',
];
const FILTER_KEYS = ['from', 'to', 'outcome', 'branch', 'rating', 'q', 'offset', 'limit', 'format'];

function tokenHeader(ctx: LiveContext, which: Token): Record<string, string> {
  switch (which) {
    case 'none':
      return {};
    case 'agent':
      return { authorization: `Bearer ${AGENT}` };
    case 'admin':
      return { authorization: `Bearer ${ADMIN}` };
    case 'garbage':
      return { authorization: `Bearer ${AGENT.slice(0, -1)}X` };
    case 'lower':
      return { authorization: `bearer ${AGENT}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`agent:${AGENT}`).toString('base64')}` };
    case 'spaces':
      return { authorization: `Bearer  ${ADMIN}  x` };
    case 'dltoken':
      return { authorization: `Bearer ${ctx.dl[0]!.token}` };
  }
}

const queryValue = (rng: Rng): string =>
  encodeURIComponent(
    rng.pick([
      '',
      '-1',
      '0',
      '1',
      '5',
      '6',
      '1e309',
      'abc',
      '2026-02-30',
      '2026-01-01',
      '2026-01-01T00:00:00Z',
      'x'.repeat(300),
      '💥',
      '\u0000',
      'resolved',
      'escalated',
      'csv',
      'jsonl',
      'xml',
      'true',
    ]),
  );

/** A query string with some of the keys set to hostile values, sometimes with a parser-confusing extra. */
function hostileQuery(rng: Rng, keys: string[]): string {
  const parts = keys.filter(() => rng.chance(0.6)).map((k) => `${k}=${queryValue(rng)}`);
  if (rng.chance(0.2))
    parts.push(
      rng.pick([
        '__proto__[polluted]=yes',
        'constructor[prototype][polluted]=yes',
        'a[b][c][d][e][f]=1',
        'limit=1&limit=2',
        'q[]=1',
        'from[$gt]=',
      ]),
    );
  return parts.length ? `?${parts.join('&')}` : '';
}

export function agentCases(b: CaseBuilder): void {
  const { rng } = b;
  const tid = (ctx: LiveContext, which: string): string => (which === 'real' ? ctx.ticketId : which);
  for (let i = 0; i < 160; i += 1) {
    const token = rng.pick(TOKENS);
    const which = rng.pick(TICKET_IDS);
    const route = rng.int(8);
    const allowed = token === 'agent' || token === 'lower';
    const base = {
      surface: 'agent' as const,
      tags: [`agent:${route}`, `token:${token}`, `ticket:${which.slice(0, 12)}`],
      mayPass: allowed,
    };
    const h = (ctx: LiveContext): Record<string, string> => tokenHeader(ctx, token);
    const hj = (ctx: LiveContext): Record<string, string> => ({ ...tokenHeader(ctx, token), ...JSON_HEADERS });
    const jsonBody = (): string =>
      rng.pick([
        JSON.stringify({ text: valueOfKind(rng, rng.pick(KINDS)) }),
        JSON.stringify({ note: valueOfKind(rng, rng.pick(KINDS)) }),
        rng.pick(NON_JSON),
        '{"__proto__":{"polluted":"yes"},"text":"hi"}',
        deepJson(9_000, 'object'),
      ]);
    if (route === 0) b.add({ ...base, method: 'GET', path: '/api/agent/me', headers: h });
    else if (route === 1) b.add({ ...base, method: 'GET', path: `/api/agent/queue${hostileQuery(rng, ['status', 'after'])}`, headers: h });
    else if (route === 2) b.add({ ...base, method: 'GET', path: (ctx) => `/api/agent/tickets/${tid(ctx, which)}`, headers: h });
    // The query is drawn when the request is sent, not now, unlike the rest. Kept that way: drawing it now would
    // shift every later draw, and a seed would no longer mean the requests it always has.
    else if (route === 3)
      b.add({
        ...base,
        method: 'GET',
        path: (ctx) => `/api/agent/tickets/${tid(ctx, which)}/messages${hostileQuery(rng, ['after'])}`,
        headers: h,
      });
    else if (route === 4)
      b.add({ ...base, method: 'POST', path: (ctx) => `/api/agent/tickets/${tid(ctx, which)}/messages`, headers: hj, body: jsonBody() });
    // Claiming and resolving the one real ticket is part of the fuzz: later calls meet a claimed or resolved ticket.
    else if (route === 5)
      b.add({
        ...base,
        method: 'POST',
        path: (ctx) => `/api/agent/tickets/${tid(ctx, which)}/claim`,
        headers: hj,
        body: rng.pick(['{}', '', '[]', 'null']),
      });
    else if (route === 6)
      b.add({ ...base, method: 'POST', path: (ctx) => `/api/agent/tickets/${tid(ctx, which)}/resolve`, headers: hj, body: jsonBody() });
    else
      b.add({
        ...base,
        method: rng.pick(['PUT', 'DELETE', 'PATCH', 'GET', 'POST']),
        path: `/api/agent/${rng.pick(['', 'x', 'tickets', 'tickets/MFA-NOPE00/unknown', 'queue/../me'])}`,
        headers: h,
        mayPass: allowed,
      });
  }
}

export function adminCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 160; i += 1) {
    const token = rng.pick(TOKENS);
    const route = rng.int(7);
    const allowed = token === 'admin' || token === 'spaces';
    const base = { surface: 'admin' as const, tags: [`admin:${route}`, `token:${token}`], mayPass: allowed };
    const h = (ctx: LiveContext): Record<string, string> => tokenHeader(ctx, token);
    const convId = rng.pick(['real', 'nope', '../../x', '%E0%A4%A', 'y'.repeat(2000), '__proto__']);
    const cid = (ctx: LiveContext): string =>
      convId === 'real' ? encodeURIComponent(ctx.transcriptIds[i % Math.max(1, ctx.transcriptIds.length)] ?? 'none') : convId;
    if (route === 0) b.add({ ...base, method: 'GET', path: rng.pick(['/api/admin/me', '/api/admin/branches']), headers: h });
    else if (route === 1) b.add({ ...base, method: 'GET', path: `/api/admin/conversations${hostileQuery(rng, FILTER_KEYS)}`, headers: h });
    else if (route === 2) b.add({ ...base, method: 'GET', path: (ctx) => `/api/admin/conversations/${cid(ctx)}`, headers: h });
    else if (route === 3) b.add({ ...base, method: 'DELETE', path: (ctx) => `/api/admin/conversations/${cid(ctx)}`, headers: h });
    else if (route === 4) b.add({ ...base, method: 'GET', path: `/api/admin/analytics${hostileQuery(rng, FILTER_KEYS)}`, headers: h });
    else if (route === 5) b.add({ ...base, method: 'GET', path: `/api/admin/export${hostileQuery(rng, FILTER_KEYS)}`, headers: h });
    else
      b.add({
        ...base,
        method: rng.pick(['PUT', 'POST', 'PATCH']),
        path: `/api/admin/${rng.pick(['conversations', 'export', 'x', 'me'])}`,
        headers: (ctx) => ({ ...h(ctx), ...JSON_HEADERS }),
        body: rng.pick(NON_JSON),
        mayPass: allowed,
      });
  }
}
