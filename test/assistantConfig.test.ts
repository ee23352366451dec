import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { tempDir } from './helpers/botHarness.js';
import { routeReply, startFakeOpenAI, type FakeOpenAI } from './helpers/fakeOpenAI.js';

const KEY = 'sk-live-do-not-print-0123456789';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('model configuration', () => {
  it('is off without a key or a base URL, and on with either', () => {
    expect(loadConfig({}).openai).toBeUndefined();
    expect(loadConfig({ OPENAI_MODEL: 'gpt-4o' }).openai).toBeUndefined();
    expect(loadConfig({ OPENAI_API_KEY: KEY }).openai).toEqual({
      apiKey: KEY,
      baseUrl: undefined,
      model: 'gpt-4o-mini',
      timeoutMs: 5000,
      budgetPerConversation: 20,
      breaker: { failures: 5, cooldownMs: 30_000 },
      routeThreshold: 0.6,
    });
    // A local OpenAI-compatible server with no auth.
    expect(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).openai).toMatchObject({
      apiKey: '',
      baseUrl: 'http://127.0.0.1:11434/v1',
    });
  });

  it('names each bad variable without ever printing the key', () => {
    let error: unknown;
    try {
      loadConfig({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: 'not a url', OPENAI_TIMEOUT_MS: '5', OPENAI_BREAKER_FAILURES: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/OPENAI_BASE_URL: /);
    expect(message).toMatch(/OPENAI_TIMEOUT_MS: /);
    expect(message).toMatch(/OPENAI_BREAKER_FAILURES: /);
    expect(message).not.toContain(KEY);
  });

  it('censors the key in logs wherever it is nested', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.info({ apiKey: KEY, config: { apiKey: KEY }, app: { openai: { apiKey: KEY } } }, 'settings');
    expect(lines.join('\n')).not.toContain(KEY);
  });
});

describe('the app with a model configured', () => {
  let fake: FakeOpenAI;
  let app: App;
  const logs = capture();

  beforeAll(async () => {
    fake = await startFakeOpenAI(() => routeReply('no-code', 0.9));
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tempDir(),
      LOG_LEVEL: 'info',
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: fake.baseUrl,
      // The Emulator's way in: anonymous, replies inline (expectReplies) to a channel the operator allowed.
      LOCAL_DIRECTLINE: 'false',
      ALLOWED_SERVICE_URLS: 'http://127.0.0.1:9/',
    });
    app = await startApp(config, { logger: createLogger('info', logs.stream) });
  });
  afterAll(async () => {
    await app.close();
    await fake.close();
  });

  it('routes a message posted to /api/messages through the model, and logs no key or text', async () => {
    const text = 'my authenticator thing is acting weird since the update';
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'a1',
        channelId: 'emulator',
        serviceUrl: 'http://127.0.0.1:9/',
        deliveryMode: 'expectReplies',
        conversation: { id: 'model-conv' },
        from: { id: 'u1' },
        recipient: { id: 'b1' },
        text,
      }),
    });
    expect(res.status).toBe(200);
    const { activities } = (await res.json()) as { activities: { type: string; text?: string }[] };
    expect(activities[0]!.type).toBe('typing');
    expect(activities.map((a) => a.text ?? '').join('\n')).toContain('**No code, text or call arrives**');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    const logged = logs.lines.join('\n');
    expect(logged).toContain('"model":{"model":"gpt-4o-mini"');
    expect(logged).not.toContain(KEY);
    expect(logged).not.toContain(text);
  });
});
