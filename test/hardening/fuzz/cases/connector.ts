/** The local Direct Line's connector (/v3), which only the bot may call: every other caller must fail. */
import { JSON_HEADERS } from '../case.js';
import type { CaseBuilder } from './builder.js';
import type { DlDraw } from './directLine.js';
import { DL_AUTH, authHeader, idOf } from './dlIdentity.js';

/** One connector call; it shares the Direct Line draw (id, body) it came from, and adds its own token. */
export function connectorCase(b: CaseBuilder, d: DlDraw): void {
  const { rng } = b;
  const { idWhich, body, own } = d;
  const method = rng.pick(['POST', 'PUT', 'DELETE', 'GET']);
  const tail = rng.chance(0.5) ? '/' + rng.pick(['x', '%E0%A4%A', 'A'.repeat(500)]) : '';
  // Only the bot holds the connector's credential: a client's token, an agent's or none must all fail.
  const tokenWhich = rng.pick(DL_AUTH);
  b.add({
    surface: 'connector',
    tags: [...d.tags, `connector-auth:${tokenWhich}`],
    method,
    // Unlike every other draw, 'members' or 'activities' is drawn when the request is sent. Kept that way: drawing
    // it now would shift every later draw, and a seed would no longer mean the requests it always has.
    path: (ctx) => `/v3/conversations/${idOf(ctx, idWhich, own(ctx))}/${rng.chance(0.2) ? 'members' : `activities${tail}`}`,
    headers: (ctx) => ({
      ...authHeader(ctx, tokenWhich, own(ctx)),
      ...(body === undefined || method === 'GET' || method === 'DELETE' ? {} : JSON_HEADERS),
    }),
    body: method === 'GET' || method === 'DELETE' ? undefined : body,
    mayPass: false,
  });
}
