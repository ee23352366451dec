/**
 * An agent's message the user's channel refuses (the connector answers 404): through the real HTTP server, the
 * agent API says it was not delivered, and the user gets it with their next message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { tempDir } from './helpers/botHarness.js';
import { CaptureServer, ChannelUser, WENT_WRONG, replyTexts } from './helpers/captureServer.js';

const ALICE = 'alice-token-0123456789abcdef';
const TICKET = /ticket number is \*\*(MFA-[A-Z0-9]{6})\*\*/;

let app: App;
let capture: CaptureServer;

async function agent(method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${app.url}/api/agent${route}`, {
    method,
    headers: { authorization: `Bearer ${ALICE}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  capture = await CaptureServer.start();
  app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tempDir(),
      LOG_LEVEL: process.env.E2E_LOG ?? 'silent',
      LOCAL_DIRECTLINE: 'false',
      ALLOWED_SERVICE_URLS: capture.url,
      AGENT_TOKENS: `alice:${ALICE}`,
    }),
  );
});

afterAll(async () => {
  await app?.close();
  await capture?.close();
});

describe('an agent message the channel could not deliver', () => {
  it('the agent API answers 202 delivered:false and marks it; the user gets it on their next turn, once', async () => {
    const id = 'undelivered-1';
    const user = new ChannelUser(app.url, capture, id, 'user-undelivered');
    const turn = async (text: string): Promise<string> => {
      const result = await user.say(text);
      expect(result.status).toBe(200);
      const texts = replyTexts(result.replies);
      expect(texts).not.toMatch(WENT_WRONG);
      return texts;
    };
    await turn('talk to a person');
    await turn('alex@contoso.com');
    let texts = await turn('The text with my code never arrives');
    for (let i = 0; i < 8 && !texts.includes('Is everything right?'); i += 1) texts = await turn('skip');
    const ticketId = TICKET.exec(await turn('Send to the help desk'))![1]!;
    expect((await agent('POST', `/tickets/${ticketId}/claim`, {})).status).toBe(200);

    // Delivered: 201, as before.
    const ok = await agent('POST', `/tickets/${ticketId}/messages`, { text: 'Hi, I am looking at it' });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ delivered: true, message: { text: 'Hi, I am looking at it' } });
    expect(ok.json.message.delivered).toBeUndefined();

    // The channel no longer takes this conversation's activities.
    capture.refusing.set(id, 404);
    const lost = await agent('POST', `/tickets/${ticketId}/messages`, { text: 'Please try signing in again now' });
    expect(lost.status).toBe(202);
    expect(lost.json).toMatchObject({ delivered: false, message: { text: 'Please try signing in again now', delivered: false } });
    expect(capture.refused.map((a) => a.text)).toContain('**alice (help desk):** Please try signing in again now');
    const log = await agent('GET', `/tickets/${ticketId}/messages?after=0`);
    expect(log.json.messages.find((m: { text: string }) => m.text === 'Please try signing in again now')).toMatchObject({
      delivered: false,
    });

    // The user is back: their next message brings the missed one, and only once.
    capture.refusing.delete(id);
    texts = await turn('hello? is anyone there');
    expect(texts).toContain('A message from the help desk did not reach you earlier:');
    expect(texts).toContain('**alice (help desk):** Please try signing in again now');
    expect(texts).not.toContain('Hi, I am looking at it');
    expect(await turn('ok trying now')).not.toContain('Please try signing in again now');
    const after = await agent('GET', `/tickets/${ticketId}/messages?after=0`);
    expect(after.json.messages.find((m: { text: string }) => m.text === 'Please try signing in again now').delivered).toBe(true);
  });
});
