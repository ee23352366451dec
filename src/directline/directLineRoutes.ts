import type { Request, Response, Server } from 'restify';
import type { ClientAddress } from '../http/clientAddress.js';
import type { Logger } from '../logger.js';
import { BotUnavailableError } from './botForwarder.js';
import type { DirectLineChannel } from './channel.js';
import { Conversation, parseWatermark, type ConversationStore } from './conversationStore.js';
import { clientActivitySchema, parseBody, sendError, startConversationSchema, tokenRequestSchema } from './schemas.js';

export interface DirectLineRouteDeps {
  store: ConversationStore;
  channel: DirectLineChannel;
  /** The base URL browsers reach this server at, for stream URLs, given the request's Host header. */
  publicBase: (host: string | undefined) => string;
  clientOf: ClientAddress;
  logger: Logger;
}

export const DIRECTLINE_PREFIX = '/directline';

export function bearerToken(req: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * The client half of Direct Line 3.0 (what DirectLineJS calls), under /directline instead of
 * /v3/directline so Web Chat's `domain` option points straight at it.
 *
 * There is no Direct Line secret: like the Emulator, the local service is open to whoever reaches the server,
 * so tokens/generate and a token-less start are free. Tokens still scope every later call to one
 * conversation, so one visitor cannot read or write another's chat.
 */
export function registerDirectLineRoutes(server: Server, deps: DirectLineRouteDeps): void {
  const { store, channel } = deps;

  /**
   * 401 without a token, 403 for a token that is not (or no longer) this conversation's, whether or not the
   * conversation exists: the answer never tells a stranger which conversation ids are live.
   */
  function authorize(req: Request, res: Response, conversationId?: string): { conversation: Conversation; token: string } | undefined {
    const token = bearerToken(req);
    if (!token) {
      sendError(res, 401, 'Unauthorized', 'An Authorization: Bearer <token> header is required.');
      return undefined;
    }
    const conversation = store.conversationForToken(token);
    if (!conversation || (conversationId !== undefined && conversation.id !== conversationId)) {
      // DirectLineJS reads 403 as "token expired" and waits for a new one instead of retrying blindly.
      sendError(res, 403, 'TokenExpired', 'The token is not valid for this conversation or has expired.');
      return undefined;
    }
    store.touch(conversation, true);
    return { conversation, token };
  }

  /** A new conversation for this client, or undefined after answering 429/503. */
  function create(req: Request, res: Response): Conversation | undefined {
    const made = store.create(deps.clientOf(req));
    if (made instanceof Conversation) return made;
    if (made.status === 503) res.header('Retry-After', '60');
    sendError(res, made.status, made.status === 429 ? 'TooManyConversations' : 'Busy', made.message);
    return undefined;
  }

  /**
   * The stream URL must be reachable by the browser: PUBLIC_URL, or the name the browser used when it is one of
   * this server's own (publicBase decides; a Host header alone never goes into a URL). It carries a one-shot
   * ticket, not the token, because browsers cannot set headers on a WebSocket and URLs end up in logs.
   */
  function streamUrl(req: Request, conversation: Conversation, watermark?: number): string {
    const url = new URL(
      `${DIRECTLINE_PREFIX}/conversations/${encodeURIComponent(conversation.id)}/stream`,
      deps.publicBase(req.headers.host),
    );
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (watermark !== undefined) url.searchParams.set('watermark', String(watermark));
    url.searchParams.set('t', store.issueStreamTicket(conversation));
    return url.toString();
  }

  function conversationInfo(req: Request, conversation: Conversation, token: string, watermark?: number) {
    return {
      conversationId: conversation.id,
      token,
      expires_in: store.secondsLeft(token),
      streamUrl: streamUrl(req, conversation, watermark),
    };
  }

  server.post(`${DIRECTLINE_PREFIX}/tokens/generate`, async (req: Request, res: Response) => {
    const body = parseBody(tokenRequestSchema, req.body);
    if (!body.ok) return sendError(res, 400, 'BadArgument', `Invalid token request: ${body.reason}`);
    const conversation = create(req, res);
    if (!conversation) return;
    channel.bindUser(conversation, body.value.user);
    const { token, expiresIn } = store.issueToken(conversation);
    res.json(200, { conversationId: conversation.id, token, expires_in: expiresIn });
  });

  server.post(`${DIRECTLINE_PREFIX}/tokens/refresh`, async (req: Request, res: Response) => {
    const auth = authorize(req, res);
    if (!auth) return;
    const { token, expiresIn } = store.issueToken(auth.conversation, auth.token);
    res.json(200, { conversationId: auth.conversation.id, token, expires_in: expiresIn });
  });

  server.post(`${DIRECTLINE_PREFIX}/conversations`, async (req: Request, res: Response) => {
    const body = parseBody(startConversationSchema, req.body);
    if (!body.ok) return sendError(res, 400, 'BadArgument', `Invalid start request: ${body.reason}`);
    let conversation: Conversation;
    let token = bearerToken(req);
    if (token) {
      const auth = authorize(req, res);
      if (!auth) return;
      conversation = auth.conversation;
    } else {
      const made = create(req, res);
      if (!made) return;
      conversation = made;
      token = store.issueToken(conversation).token;
    }
    channel.bindUser(conversation, body.value.user);
    const created = channel.start(conversation, body.value.locale);
    // The first stream starts at the beginning, so the bot's greeting is not lost if it lands before the
    // socket opens (a client repeating its start has not seen anything either).
    res.json(created ? 201 : 200, conversationInfo(req, conversation, token, 0));
  });

  // Reconnect: a fresh streamUrl. With a watermark the stream replays from there; without one, Direct Line
  // replays only what arrives after the reconnect.
  server.get(`${DIRECTLINE_PREFIX}/conversations/:conversationId`, async (req: Request, res: Response) => {
    const auth = authorize(req, res, req.params.conversationId);
    if (!auth) return;
    const query = (req.query ?? {}) as Record<string, unknown>;
    const watermark = query.watermark === undefined ? auth.conversation.watermark : parseWatermark(query.watermark);
    if (watermark === undefined) return sendError(res, 400, 'BadArgument', 'watermark must be a number.');
    res.json(200, conversationInfo(req, auth.conversation, auth.token, watermark));
  });

  server.post(`${DIRECTLINE_PREFIX}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
    const auth = authorize(req, res, req.params.conversationId);
    if (!auth) return;
    const body = parseBody(clientActivitySchema, req.body);
    if (!body.ok) return sendError(res, 400, 'BadArgument', `Invalid activity: ${body.reason}`);
    // Posting straight after tokens/generate is allowed, as on Direct Line: it starts the conversation.
    channel.start(auth.conversation, body.value.locale);
    try {
      const id = await channel.receive(auth.conversation, body.value);
      res.json(200, { id });
    } catch (err) {
      if (!(err instanceof BotUnavailableError)) throw err;
      if (err.refusal) sendError(res, 400, 'BadArgument', err.refusal);
      else sendError(res, 502, 'BotError', err.message);
    }
  });

  server.get(`${DIRECTLINE_PREFIX}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
    const auth = authorize(req, res, req.params.conversationId);
    if (!auth) return;
    const watermark = parseWatermark(((req.query ?? {}) as Record<string, unknown>).watermark);
    if (watermark === undefined) return sendError(res, 400, 'BadArgument', 'watermark must be a number.');
    res.json(200, auth.conversation.since(watermark));
  });
}
