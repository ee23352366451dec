/** Local Direct Line cases: every route, every kind of token, every kind of conversation id. */
import { JSON_HEADERS, type DlConversation, type LiveContext } from '../case.js';
import type { Rng } from '../rng.js';
import type { CaseBuilder } from './builder.js';
import { connectorCase } from './connector.js';
import { dlActivity, dlBody } from './dlBodies.js';
import { DL_AUTH, DL_IDS, authHeader, idOf, type DlAuth, type DlId } from './dlIdentity.js';

const WATERMARKS = ['', '0', '1', '-1', 'abc', '1e309', '99999999999999999999', '0x10', '%5B%5D', '1&watermark=2', '9007199254740993'];

/** What every Direct Line case draws first, whichever route it then takes. */
export interface DlDraw {
  route: number;
  auth: DlAuth;
  idWhich: DlId;
  watermark: string;
  body: string | undefined;
  /** The conversation the case treats as its own. */
  own: (ctx: LiveContext) => DlConversation;
  tags: string[];
  /** A conversation-scoped call may pass only when the token is the one of the conversation addressed. */
  scoped: boolean;
}

function draw(rng: Rng): DlDraw {
  const route = rng.int(9);
  const auth = rng.pick(DL_AUTH);
  const idWhich = rng.pick(DL_IDS);
  const ownIndex = rng.int(4);
  const watermark = rng.pick(WATERMARKS);
  const body = dlBody(rng);
  return {
    route,
    auth,
    idWhich,
    watermark,
    body,
    own: (ctx) => ctx.dl[ownIndex]!,
    tags: [`dl:${route}`, `auth:${auth}`, `id:${idWhich}`],
    scoped: (auth === 'own' && idWhich === 'own') || (auth === 'other' && idWhich === 'other'),
  };
}

export function directLineCases(b: CaseBuilder): void {
  for (let i = 0; i < 300; i += 1) routeCase(b, draw(b.rng));
}

function routeCase(b: CaseBuilder, d: DlDraw): void {
  const { auth, idWhich, watermark, body, own, scoped } = d;
  const base = { surface: 'directline' as const, tags: d.tags };
  switch (d.route) {
    case 0:
      b.add({ ...base, method: 'POST', path: '/directline/tokens/generate', headers: body === undefined ? {} : JSON_HEADERS, body });
      break;
    case 1:
      b.add({
        ...base,
        method: 'POST',
        path: '/directline/tokens/refresh',
        headers: (ctx) => authHeader(ctx, auth, own(ctx)),
        mayPass: auth === 'own' || auth === 'other',
      });
      break;
    case 2:
      // Starting is free without a token (no Bearer header, or one that is not "Bearer <token>"); a token that
      // looks like one must be valid.
      b.add({
        ...base,
        method: 'POST',
        path: '/directline/conversations',
        headers: (ctx) => ({ ...authHeader(ctx, auth, own(ctx)), ...(body === undefined ? {} : JSON_HEADERS) }),
        body,
        mayPass: !['garbage', 'agent', 'long'].includes(auth),
      });
      break;
    case 3:
      b.add({
        ...base,
        method: 'GET',
        path: (ctx) => `/directline/conversations/${idOf(ctx, idWhich, own(ctx))}?watermark=${watermark}`,
        headers: (ctx) => authHeader(ctx, auth, own(ctx)),
        mayPass: scoped,
      });
      break;
    case 4:
      b.add({
        ...base,
        method: 'GET',
        path: (ctx) => `/directline/conversations/${idOf(ctx, idWhich, own(ctx))}/activities?watermark=${watermark}`,
        headers: (ctx) => authHeader(ctx, auth, own(ctx)),
        mayPass: scoped,
      });
      break;
    case 5:
    case 6:
      activityPostCase(b, d);
      break;
    case 7: {
      // Everything random is drawn now, not when the request is sent, so a seed always means the same requests.
      const method = b.rng.pick(['GET', 'POST', 'PUT', 'DELETE']);
      const tail = b.rng.pick(['stream', 'upload', 'members', 'x']);
      b.add({
        ...base,
        method,
        path: (ctx) => `/directline/conversations/${idOf(ctx, idWhich, own(ctx))}/${tail}`,
        headers: (ctx) => authHeader(ctx, auth, own(ctx)),
        mayPass: true,
      });
      break;
    }
    default:
      connectorCase(b, d);
  }
}

/** An activity post on a fresh conversation of its own, so the bot's answer can be checked afterwards. */
function activityPostCase(b: CaseBuilder, d: DlDraw): void {
  const { auth, idWhich, own, scoped } = d;
  const n1 = b.nextNumber();
  const posted = dlActivity(b.rng);
  b.add({
    surface: 'directline',
    tags: [...d.tags, 'dl:post', ...posted.tags],
    method: 'POST',
    path: (ctx) => `/directline/conversations/${idOf(ctx, idWhich, ctx.fresh.get(n1) ?? own(ctx))}/activities`,
    headers: (ctx) => ({ ...authHeader(ctx, auth, ctx.fresh.get(n1) ?? own(ctx)), 'content-type': 'application/json' }),
    body: JSON.stringify(posted.body),
    mayPass: scoped,
    dlCheck: n1,
  });
}
