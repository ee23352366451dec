import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.js';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Time a refused socket gets to take its answer before it is cut; the client may never read it. */
const REFUSE_GRACE_MS = 1_000;

/** Answers an upgrade request with a plain HTTP status and frees its socket, whatever the client does. */
export function refuseUpgrade(socket: Duplex, status: number): void {
  if (socket.destroyed) return;
  socket.once('finish', () => socket.destroy());
  setTimeout(() => socket.destroy(), REFUSE_GRACE_MS).unref();
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * The one owner of the HTTP server's `upgrade` event. Node hands a socket to whoever listens for upgrades and
 * never closes it itself, and restify listens too (it re-emits the event), so a "refuse if nobody else
 * listens" rule never refused anything: every stray upgrade held its socket and file descriptor forever.
 * Here every upgrade goes to the one route whose path matches or is refused with 404; a handshake that does
 * not finish in time is cut; nothing a handler throws escapes the listener.
 */
export class UpgradeRoutes {
  private readonly routes: { path: RegExp; handler: UpgradeHandler }[] = [];

  constructor(
    httpServer: HttpServer,
    private readonly logger: Logger,
    private readonly handshakeTimeoutMs: number,
  ) {
    httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.dispatch(req, socket, head));
  }

  add(path: RegExp, handler: UpgradeHandler): () => void {
    const route = { path, handler };
    this.routes.push(route);
    return () => {
      const at = this.routes.indexOf(route);
      if (at >= 0) this.routes.splice(at, 1);
    };
  }

  private dispatch(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A reset during the handshake must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    // The WebSocket library clears this once the handshake is done.
    (socket as Duplex & { setTimeout?: (ms: number, cb: () => void) => void }).setTimeout?.(this.handshakeTimeoutMs, () =>
      socket.destroy(),
    );
    try {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      const route = this.routes.find((r) => r.path.test(pathname));
      if (!route) return refuseUpgrade(socket, 404);
      route.handler(req, socket, head);
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message } }, 'upgrade failed');
      refuseUpgrade(socket, 400);
    }
  }
}
