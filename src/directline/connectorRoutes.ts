import { nanoid } from 'nanoid';
import type { Request, Response, Server } from 'restify';
import { bearerMatches } from '../http/sharedSecret.js';
import { fromBot } from './activities.js';
import type { Conversation, ConversationStore } from './conversationStore.js';
import { botActivitySchema, parseBody, sendError } from './schemas.js';
import type { ChannelAccount } from './types.js';

export interface ConnectorRouteDeps {
  store: ConversationStore;
  bot: ChannelAccount;
  /** The secret the bot sends with its calls (Authorization: Bearer); nobody else holds it. */
  secret: string;
}

/**
 * The Bot Connector half: where the bot sends its replies (its serviceUrl points here). Only the calls a bot
 * makes inside a conversation are served, and only to the bot: each call must carry the secret this process
 * gave its own bot at start-up. Without it (a browser, anyone on the network) every route answers 401 before
 * looking anything up, so nobody can post as the bot, edit or delete its messages, or list who is in a
 * conversation, and the answer says nothing about which conversations exist.
 */
export function registerConnectorRoutes(server: Server, { store, bot, secret }: ConnectorRouteDeps): void {
  function find(req: Request, res: Response): Conversation | undefined {
    if (!bearerMatches(req.headers.authorization, secret)) {
      sendError(res, 401, 'Unauthorized', 'Only the bot may call the connector.');
      return undefined;
    }
    const conversation = store.get(String(req.params.conversationId));
    if (!conversation) sendError(res, 404, 'ConversationNotFound', 'Conversation not found (it may have expired).');
    return conversation;
  }

  async function send(req: Request, res: Response): Promise<void> {
    const conversation = find(req, res);
    if (!conversation) return;
    const body = parseBody(botActivitySchema, req.body);
    if (!body.ok) return sendError(res, 400, 'BadArgument', `Invalid activity: ${body.reason}`);
    const replyToId = req.params.activityId as string | undefined;
    const activity = fromBot(conversation, body.value, replyToId);
    store.touch(conversation);
    if (activity.type === 'typing') {
      // Typing goes to live sockets only (Direct Line: "typing: WebSocket only"); a poller would see it late.
      const id = nanoid();
      conversation.broadcast({ ...activity, id });
      return void res.json(200, { id });
    }
    const stored = conversation.append(activity);
    res.json(200, { id: stored.id });
  }

  server.post('/v3/conversations/:conversationId/activities', send);
  server.post('/v3/conversations/:conversationId/activities/:activityId', send);

  server.put('/v3/conversations/:conversationId/activities/:activityId', async (req: Request, res: Response) => {
    const conversation = find(req, res);
    if (!conversation) return;
    const body = parseBody(botActivitySchema, req.body);
    if (!body.ok) return sendError(res, 400, 'BadArgument', `Invalid activity: ${body.reason}`);
    const id = String(req.params.activityId);
    const updated = conversation.update(id, fromBot(conversation, body.value));
    if (!updated) return sendError(res, 404, 'ActivityNotFound', 'Activity not found in this conversation.');
    store.touch(conversation);
    res.json(200, { id: updated.id });
  });

  server.del('/v3/conversations/:conversationId/activities/:activityId', async (req: Request, res: Response) => {
    const conversation = find(req, res);
    if (!conversation) return;
    if (!conversation.remove(String(req.params.activityId))) {
      return sendError(res, 404, 'ActivityNotFound', 'Activity not found in this conversation.');
    }
    res.json(200, {});
  });

  server.get('/v3/conversations/:conversationId/members', async (req: Request, res: Response) => {
    const conversation = find(req, res);
    if (!conversation) return;
    const members: ChannelAccount[] = [bot];
    if (conversation.user) members.push({ ...conversation.user, role: 'user' });
    res.json(200, members);
  });
}
