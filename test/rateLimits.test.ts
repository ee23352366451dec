import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { tempDir } from './helpers/botHarness.js';

let app: App;

beforeAll(async () => {
  app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tempDir(),
      LOG_LEVEL: 'silent',
      LOCAL_DIRECTLINE: 'false',
      ALLOWED_SERVICE_URLS: 'http://127.0.0.1:9/',
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '3',
      RATE_LIMIT_CLIENT_PER_MINUTE: '8',
      AGENT_TOKENS: 'alice:alice-token-8d3f1b6e9a2c4f7e',
    }),
  );
});
afterAll(async () => app?.close());

const activity = (conversationId: string, i: number) => ({
  type: 'typing',
  id: `a${i}`,
  channelId: 'webchat',
  // Typing gets no reply, so nothing needs to receive one at this serviceUrl.
  serviceUrl: 'http://127.0.0.1:9/',
  conversation: { id: conversationId },
  from: { id: 'u1', role: 'user' },
  recipient: { id: 'bot' },
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a conversation exceeds its messages per minute, without slowing others', async () => {
    const post = (conversationId: string, i: number) =>
      fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity(conversationId, i)),
      });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await post('busy', i)).status);
    expect(statuses.slice(0, 3).every((s) => s < 300)).toBe(true);
    const refused = await post('busy', 9);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ code: 'TooManyRequests' });
    expect((await post('quiet', 1)).status).toBeLessThan(300);
  });

  it('limits each signed-in agent on the agent API', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      statuses.push((await fetch(`${app.url}/api/agent/me`, { headers: { authorization: 'Bearer alice-token-8d3f1b6e9a2c4f7e' } })).status);
    }
    expect(statuses.slice(0, 8)).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    expect(statuses.slice(8)).toEqual([429, 429]);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
