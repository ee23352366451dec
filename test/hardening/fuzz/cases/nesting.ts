/** Nesting past MAX_JSON_DEPTH on every route that takes a body: refused before anything reads it. */
import { JSON_HEADERS, type Case, type LiveContext } from '../case.js';
import { deepJson } from '../hostile.js';
import { ADMIN, AGENT } from '../settings.js';
import type { CaseBuilder } from './builder.js';

const BODY_ROUTES: [Case['surface'], string, (ctx: LiveContext) => Record<string, string>][] = [
  ['messages', '/api/messages', () => ({})],
  ['directline', '/directline/tokens/generate', () => ({})],
  ['directline', '/directline/conversations', () => ({})],
  ['directline', '/directline/tokens/refresh', (ctx) => ({ authorization: `Bearer ${ctx.dl[3]!.token}` })],
  ['directline', '/directline/conversations/{own}/activities', (ctx) => ({ authorization: `Bearer ${ctx.dl[3]!.token}` })],
  ['connector', '/v3/conversations/{own}/activities', () => ({})],
  ['agent', '/api/agent/tickets/{ticket}/messages', () => ({ authorization: `Bearer ${AGENT}` })],
  ['agent', '/api/agent/tickets/{ticket}/resolve', () => ({ authorization: `Bearer ${AGENT}` })],
  ['admin', '/api/admin/conversations/x', () => ({ authorization: `Bearer ${ADMIN}` })],
];

export function nestingOnEveryRouteCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 60; i += 1) {
    const [surface, route, auth] = rng.pick(BODY_ROUTES);
    const levels = rng.chance(0.5) ? rng.range(33, 200) : rng.range(5_000, 30_000);
    const shape = rng.pick(['object', 'array', 'inside'] as const);
    const body = shape === 'inside' ? `{"type":"message","text":"hi","value":${deepJson(levels, 'array')}}` : deepJson(levels, shape);
    b.add({
      surface,
      tags: [`nest:${surface}:${levels > 200 ? 'huge' : 'over'}`],
      method: route.startsWith('/api/admin') ? 'DELETE' : 'POST',
      path: (ctx) => route.replace('{own}', ctx.dl[3]!.id).replace('{ticket}', ctx.ticketId),
      headers: (ctx) => ({ ...auth(ctx), ...JSON_HEADERS }),
      body,
      expect: [400, 413],
    });
  }
}
