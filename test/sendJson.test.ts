import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson } from '../src/outbound/sendJson.js';

/**
 * A server that answers the first request on each connection and keeps it open, then resets the connection on
 * the next request sent over it: what a client meets when the server's keep-alive timeout closed a pooled
 * socket just as the client picked it.
 */
let server: net.Server;
let base = '';
let connections = 0;
let answered = 0;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let requests = 0;
    let buffer = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      if (!buffer.includes('\r\n\r\n')) return;
      buffer = '';
      requests += 1;
      if (requests > 1) return void socket.resetAndDestroy();
      answered += 1;
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\n{"id":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('sendJson', () => {
  it('sends a request again on a fresh socket when a pooled one turns out closed, and only then', async () => {
    const first = await sendJson('GET', `${base}/one`, undefined, 2_000);
    expect(first).toEqual({ status: 200, text: '{"id":"ok"}' });
    // Reuses the pooled socket, which the server resets: the request goes out again on a new connection.
    const second = await sendJson('POST', `${base}/two`, { type: 'message' }, 2_000);
    expect(second.status).toBe(200);
    expect(connections).toBe(2);
    expect(answered).toBe(2);
  });

  it('does not resend when a fresh socket fails', async () => {
    const closed = net.createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const { port } = closed.address() as net.AddressInfo;
    let tries = 0;
    closed.on('connection', () => (tries += 1));
    await expect(sendJson('GET', `http://127.0.0.1:${port}/`, undefined, 2_000)).rejects.toThrow(/ECONNRESET|socket hang up/);
    expect(tries).toBe(1);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });
});
