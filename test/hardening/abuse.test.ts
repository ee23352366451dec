/**
 * Hardening: clients that hold sockets (trickled headers, a body that never ends), oversized requests and
 * messages, and what the structured log keeps of it all: one JSON line per request with its request id and
 * conversation id, and never the message text, a phone number or a bearer token.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { tempDir } from '../helpers/botHarness.js';
import { CaptureServer, ChannelUser, replyTexts } from '../helpers/captureServer.js';

const AGENT_TOKEN = 'abuse-agent-token-0123456789abcdef';
const SECRET_TEXT = 'my number is +44 7700 900123 and the code 482913 never arrives';

let app: App;
let capture: CaptureServer;
const logLines: Record<string, unknown>[] = [];
const rawLog: string[] = [];

beforeAll(async () => {
  capture = await CaptureServer.start();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        rawLog.push(line);
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: tempDir('mfa-abuse-'),
    LOG_LEVEL: 'info',
    LOCAL_DIRECTLINE: 'false',
    ALLOWED_SERVICE_URLS: capture.url,
    MAX_BODY_BYTES: '4096',
    REQUEST_TIMEOUT_SECONDS: '1',
    AGENT_TOKENS: `alice:${AGENT_TOKEN}`,
  });
  app = await startApp(config, { logger: createLogger('info', sink) });
});

afterAll(async () => {
  await app?.close();
  await capture?.close();
});

/** Opens a raw socket, writes `head`, then one more byte every 100 ms; resolves with what came back and when. */
function trickle(head: string): Promise<{ response: string; closedAfterMs: number }> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let response = '';
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(head));
    const drip = setInterval(() => socket.writable && socket.write('x'), 100);
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept a trickling client for 8 s; got ${JSON.stringify(response)}`));
    }, 8_000);
    socket.on('data', (d) => (response += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      clearTimeout(guard);
      resolve({ response, closedAfterMs: Date.now() - started });
    });
  });
}

describe('slow and oversized clients', () => {
  it('cuts off a client that trickles its headers, with 408', async () => {
    const result = await trickle('POST /api/messages HTTP/1.1\r\nHost: bot\r\nX-Slow: ');
    expect(result.response).toMatch(/^HTTP\/1\.1 408/);
    expect(result.closedAfterMs).toBeLessThan(4_000);
  });

  it('cuts off a client whose body never ends, with 408', async () => {
    const result = await trickle(
      'POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"type":"',
    );
    expect(result.response).toMatch(/^HTTP\/1\.1 408/);
    expect(result.closedAfterMs).toBeLessThan(4_000);
  });

  it('answers 413 for a body past MAX_BODY_BYTES and 400 for a message past 10,000 characters', async () => {
    const user = new ChannelUser(app.url, capture, 'abuse-size');
    const big = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user.activity({ text: 'x'.repeat(5_000) })),
    });
    expect(big.status).toBe(413);
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tempDir('mfa-abuse-'),
      LOG_LEVEL: 'silent',
      LOCAL_DIRECTLINE: 'false',
    });
    const roomy = await startApp(config);
    try {
      const long = await fetch(`${roomy.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(user.activity({ text: 'x'.repeat(10_001) })),
      });
      expect(long.status).toBe(400);
      expect(await long.text()).toContain('text is longer than 10,000 characters');
    } finally {
      await roomy.close();
    }
  });
});

describe('structured logs', () => {
  it('log one line per request with request and conversation ids, and no message text, phone, code or token', async () => {
    const user = new ChannelUser(app.url, capture, 'abuse-logs');
    await user.join();
    const turn = await user.say(SECRET_TEXT);
    expect(turn.status).toBe(200);
    expect(replyTexts(turn.replies).length).toBeGreaterThan(0);
    const agent = await fetch(`${app.url}/api/agent/queue`, { headers: { authorization: `Bearer ${AGENT_TOKEN}` } });
    expect(agent.status).toBe(200);
    // The request line is written after the response: give the 'after' handler a moment.
    await new Promise((r) => setTimeout(r, 50));

    const requests = logLines.filter((l) => l.msg === 'request');
    const botTurns = requests.filter((l) => l.path === '/api/messages' && l.conversationId === 'abuse-logs');
    expect(botTurns.length).toBeGreaterThanOrEqual(2);
    for (const line of botTurns) {
      expect(line).toMatchObject({ method: 'POST', status: 200 });
      expect(typeof line.reqId).toBe('string');
      expect(typeof line.ms).toBe('number');
    }
    expect(new Set(requests.map((l) => l.reqId)).size).toBe(requests.length);
    expect(requests.some((l) => l.path === '/api/agent/queue' && l.status === 200)).toBe(true);

    const everything = rawLog.join('\n');
    for (const leak of ['7700 900123', '482913', 'never arrives', AGENT_TOKEN]) expect(everything).not.toContain(leak);
  });
});
