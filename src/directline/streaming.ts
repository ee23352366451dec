import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { refuseUpgrade as refuse, type UpgradeRoutes } from '../http/upgrades.js';
import type { Logger } from '../logger.js';
import { parseWatermark, type Conversation, type ConversationStore } from './conversationStore.js';
import { bearerToken, DIRECTLINE_PREFIX } from './directLineRoutes.js';
import type { ActivitySet, DirectLineLimits } from './types.js';

export interface StreamingDeps {
  store: ConversationStore;
  limits: DirectLineLimits;
  logger: Logger;
}

const STREAM_PATH = new RegExp(`^${DIRECTLINE_PREFIX}/conversations/([^/]+)/stream$`);
/** A client this far behind is not reading; dropping it beats buffering without bound (it can reconnect). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Time a closing socket gets to answer the close frame before it is cut, so shutdown never hangs. */
const CLOSE_GRACE_MS = 250;

/**
 * Direct Line's WebSocket stream: after the upgrade the server pushes `{ activities, watermark }` frames as
 * activities land, starting with whatever is already past the requested watermark. The stream is one-way:
 * DirectLineJS only sends empty strings to keep Chrome noticing dead sockets, and those are ignored.
 * Keep-alive follows Direct Line: an empty message now and then (DirectLineJS skips empty messages; a `{}`
 * frame would make it throw and reconnect), plus protocol pings to find clients that vanished.
 */
export function attachStreaming(upgrades: UpgradeRoutes, { store, limits, logger }: StreamingDeps): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const byConversation = new Map<string, Set<WebSocket>>();
  const answered = new WeakMap<WebSocket, boolean>();

  /**
   * The ticket (or token) is checked before the conversation is looked up, and every failure past a missing
   * credential is the same 403: the answer never tells whether a conversation id exists.
   */
  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    const ticket = url.searchParams.get('t');
    const token = bearerToken(req);
    if (!ticket && !token) return refuse(socket, 401);
    const granted = ticket ? store.redeemStreamTicket(ticket) : store.conversationForToken(token ?? '');
    let conversationId: string | undefined;
    try {
      conversationId = decodeURIComponent(match?.[1] ?? '');
    } catch {
      conversationId = undefined;
    }
    const conversation = granted && granted.id === conversationId ? store.get(granted.id) : undefined;
    if (!conversation) return refuse(socket, 403);
    const watermark = url.searchParams.has('watermark') ? parseWatermark(url.searchParams.get('watermark')) : conversation.watermark;
    if (watermark === undefined) return refuse(socket, 400);
    wss.handleUpgrade(req, socket, head, (ws) => {
      try {
        connected(ws, conversation, watermark);
      } catch (err) {
        logger.warn({ err: { message: (err as Error).message } }, 'direct line stream failed to start');
        ws.terminate();
      }
    });
  }

  /** Called from the conversation's listeners, inside other requests: nothing here may throw. */
  function send(ws: WebSocket, set: ActivitySet): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate();
      return;
    }
    try {
      ws.send(JSON.stringify(set));
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message } }, 'direct line stream send failed');
      ws.terminate();
    }
  }

  function connected(ws: WebSocket, conversation: Conversation, watermark: number): void {
    store.touch(conversation, true);
    const sockets = byConversation.get(conversation.id) ?? new Set<WebSocket>();
    byConversation.set(conversation.id, sockets);
    // Direct Line allows one stream per conversation and closes extras with reason "collision". We keep a
    // few and push out the oldest instead: after a network change the old socket is usually the dead one.
    while (sockets.size >= limits.maxSocketsPerConversation) {
      const oldest = sockets.values().next().value;
      if (!oldest) break;
      sockets.delete(oldest);
      oldest.close(4000, 'collision');
    }
    sockets.add(ws);
    answered.set(ws, true);

    const backlog = conversation.since(watermark);
    if (backlog.activities.length > 0) send(ws, backlog);
    const unsubscribe = conversation.subscribe({
      activities: (set) => send(ws, set),
      ended: () => ws.close(1000, 'conversation ended'),
    });

    ws.on('pong', () => answered.set(ws, true));
    ws.on('message', () => answered.set(ws, true));
    ws.on('error', (err) => logger.debug({ err: { message: err.message } }, 'direct line stream error'));
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
      if (sockets.size === 0 && byConversation.get(conversation.id) === sockets) byConversation.delete(conversation.id);
    });
  }

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!answered.get(ws)) {
        ws.terminate();
        continue;
      }
      answered.set(ws, false);
      try {
        ws.ping();
        ws.send('');
      } catch {
        ws.terminate();
      }
    }
  }, limits.heartbeatMs);
  heartbeat.unref();

  const removeRoute = upgrades.add(STREAM_PATH, onUpgrade);

  return {
    close(): void {
      clearInterval(heartbeat);
      removeRoute();
      const open = [...wss.clients];
      for (const ws of open) ws.close(1001, 'server shutting down');
      if (open.length > 0) setTimeout(() => open.forEach((ws) => ws.terminate()), CLOSE_GRACE_MS).unref();
      byConversation.clear();
      wss.close();
    },
  };
}
