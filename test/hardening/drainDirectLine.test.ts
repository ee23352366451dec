/**
 * The drain through the local Direct Line, in process: a Web Chat message whose turn is waiting on a slow
 * model when the app starts closing still gets its 200 (the Direct Line's forwarding and the bot's replies
 * pass the drain's admission), a new conversation meanwhile gets 503 with Retry-After, and after a restart on
 * the same DATA_DIR that turn's reply is in the transcript: nothing the user was shown is lost at shutdown.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { tempDir } from '../helpers/botHarness.js';
import { DirectLineUser } from '../helpers/directLineClient.js';
import { routeReply, startFakeOpenAI, type FakeOpenAI } from '../helpers/fakeOpenAI.js';

const KEY = 'sk-drain-test-0123456789abcdef';
const opened: App[] = [];
let fake: FakeOpenAI | undefined;

afterAll(async () => {
  await Promise.all(opened.map((a) => a.close()));
  await fake?.close();
});

describe('draining with the local Direct Line', () => {
  it('finishes a Web Chat turn under way, refuses new conversations, and keeps the turn', async () => {
    fake = await startFakeOpenAI(() => ({ ...routeReply('no-code', 0.9), delayMs: 1_500 }));
    const dataDir = tempDir('mfa-drain-dl-');
    const config = () =>
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL: fake!.baseUrl,
      });
    const app = await startApp(config());
    opened.push(app);
    const user = await DirectLineUser.start(app.url, 'dl-drain-user');

    const saying = user.say('my authenticator thing is acting weird since the update');
    for (let i = 0; i < 200 && fake.requests.length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(fake.requests, 'the turn is waiting on the model').toHaveLength(1);
    const closing = app.close();

    const late = await fetch(`${app.url}/directline/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: 'dl-late-user' } }),
    });
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('5');
    await saying; // asserts 200
    await closing;

    const again = await startApp(config());
    opened.push(again);
    const stored = await again.transcripts.get(user.conversationId);
    const texts = (stored?.entries ?? []).map((e) => `${e.role}: ${e.text ?? ''}`);
    expect(texts).toContainEqual(expect.stringMatching(/^user: my authenticator thing/));
    expect(texts).toContainEqual(expect.stringMatching(/^bot: .*\*\*No code, text or call arrives\*\*/s));
  });
});
