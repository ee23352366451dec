import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
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

function refuse(socket: Duplex, status: number): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Direct Line's WebSocket stream: after the upgrade the server pushes `{ activities, watermark }` frames as
 * activities land, starting with whatever is already past the requested watermark. The stream is one-way:
 * DirectLineJS only sends empty strings to keep Chrome noticing dead sockets, and those are ignored.
 * Keep-alive follows Direct Line: an empty message now and then (DirectLineJS skips empty messages; a `{}`
 * frame would make it throw and reconnect), plus protocol pings to find clients that vanished.
 */
export function attachStreaming(httpServer: HttpServer, { store, limits, logger }: StreamingDeps): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const byConversation = new Map<string, Set<WebSocket>>();
  const answered = new WeakMap<WebSocket, boolean>();

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A reset during the handshake must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match) {
      // Other upgrade handlers may exist for other paths; answer only if nobody else will.
      if (httpServer.listenerCount('upgrade') === 1) refuse(socket, 404);
      return;
    }
    let conversationId: string;
    try {
      conversationId = decodeURIComponent(match[1] ?? '');
    } catch {
      return refuse(socket, 400);
    }
    const conversation = store.get(conversationId);
    if (!conversation) return refuse(socket, 404);
    const ticket = url.searchParams.get('t');
    const token = bearerToken(req);
    if (!ticket && !token) return refuse(socket, 401);
    const granted = ticket ? store.redeemStreamTicket(ticket) : store.conversationForToken(token ?? '');
    if (granted?.id !== conversation.id) return refuse(socket, 403);
    const watermark = url.searchParams.has('watermark')
      ? parseWatermark(url.searchParams.get('watermark'))
      : conversation.watermark;
    if (watermark === undefined) return refuse(socket, 400);
    wss.handleUpgrade(req, socket, head, (ws) => connected(ws, conversation, watermark));
  }

  function send(ws: WebSocket, set: ActivitySet): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(set));
  }

  function connected(ws: WebSocket, conversation: Conversation, watermark: number): void {
    store.touch(conversation);
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
      ws.ping();
      ws.send('');
    }
  }, limits.heartbeatMs);
  heartbeat.unref();

  httpServer.on('upgrade', onUpgrade);

  return {
    close(): void {
      clearInterval(heartbeat);
      httpServer.off('upgrade', onUpgrade);
      const open = [...wss.clients];
      for (const ws of open) ws.close(1001, 'server shutting down');
      if (open.length > 0) setTimeout(() => open.forEach((ws) => ws.terminate()), CLOSE_GRACE_MS).unref();
      byConversation.clear();
      wss.close();
    },
  };
}
