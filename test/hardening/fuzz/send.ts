/** Sends a case to the app its surface lives on: over fetch, or as a raw upgrade request on a socket. */
import net from 'node:net';
import type { App } from './botModules.js';
import type { Case, LiveContext } from './case.js';
import type { FuzzServers } from './servers.js';

const REQUEST_TIMEOUT_MS = 15_000;

/** A status, or why there was none (a timeout, a network error); the body; how long it took. */
export interface Sent {
  status: number | string;
  body: string;
  ms: number;
}

/** Which app a surface lives on. */
const appFor = (c: Case, servers: Pick<FuzzServers, 'app' | 'dlApp'>): App =>
  c.surface === 'directline' || c.surface === 'connector' || c.surface === 'upgrade' ? servers.dlApp : servers.app;

/** A raw upgrade request: the status line the server answered with, and whether it closed the socket after. */
function sendUpgrade(base: string, path: string, headers: Record<string, string>): Promise<Sent> {
  const started = Date.now();
  const { port } = new URL(base);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];
      for (const [k, v] of Object.entries(headers)) if (v) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let answer = '';
    let status: number | string = 'timeout';
    const timer = setTimeout(() => finish('timeout (socket kept open)'), 5_000);
    const finish = (why?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: why ?? status, body: answer.slice(0, 200), ms: Date.now() - started });
    };
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      const line = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (line) status = Number(line[1]);
      // An answered upgrade must also be closed: wait for the server to end the socket.
      if (typeof status === 'number' && status === 101) finish();
    });
    socket.on('error', () => finish(typeof status === 'number' ? undefined : 'network error'));
    socket.on('close', () => finish(typeof status === 'number' ? undefined : 'closed without an answer'));
  });
}

/** Resolves the case's dynamic parts first, synchronously: the send-time draws happen in the order cases are sent. */
export async function send(c: Case, ctx: LiveContext, servers: Pick<FuzzServers, 'app' | 'dlApp'>): Promise<Sent> {
  const started = Date.now();
  const path = typeof c.path === 'function' ? c.path(ctx) : c.path;
  const headers = typeof c.headers === 'function' ? c.headers(ctx) : c.headers;
  const body = typeof c.body === 'function' ? c.body(ctx) : c.body;
  if (c.surface === 'upgrade') return sendUpgrade(servers.dlApp.url, path, headers);
  try {
    const res = await fetch(`${appFor(c, servers).url}${path}`, {
      method: c.method,
      headers,
      body: Buffer.isBuffer(body) ? new Uint8Array(body) : body,
      signal: AbortSignal.timeout(c.timeoutMs ?? REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text, ms: Date.now() - started };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { status: e.name === 'TimeoutError' ? 'timeout' : `network:${e.cause?.code ?? e.message}`, body: '', ms: Date.now() - started };
  }
}
