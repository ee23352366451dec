import { nanoid } from 'nanoid';
import type { Request, Response, Server } from 'restify';
import { fromBot } from './activities.js';
import type { Conversation, ConversationStore } from './conversationStore.js';
import { botActivitySchema, parseBody, sendError } from './schemas.js';
import type { ChannelAccount } from './types.js';

export interface ConnectorRouteDeps {
  store: ConversationStore;
  bot: ChannelAccount;
}

/**
 * The Bot Connector half: where the bot sends its replies (its serviceUrl points here). Only the calls a bot
 * makes inside a conversation are served; conversation ids are unguessable and unknown ones get 404.
 *
 * No auth is checked: the bot only sends an Authorization header when it has an app id, and the local
 * Direct Line is switched on only without one. Anyone who can reach the server and knows a conversation id
 * could post into that conversation as the bot, the same trust level as the open bot endpoint itself.
 */
export function registerConnectorRoutes(server: Server, { store, bot }: ConnectorRouteDeps): void {
  function find(req: Request, res: Response): Conversation | undefined {
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
