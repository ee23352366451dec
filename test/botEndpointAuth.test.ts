import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { tempDir } from './helpers/botHarness.js';
import { DirectLineUser } from './helpers/directLineClient.js';

const activity = {
  type: 'message',
  id: 'a1',
  channelId: 'emulator',
  serviceUrl: 'http://127.0.0.1:9/',
  conversation: { id: 'c1' },
  from: { id: 'u1' },
  recipient: { id: 'b1' },
  text: 'hello',
};

describe('bot endpoint with an app id configured', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: tempDir(),
        LOG_LEVEL: 'silent',
        MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
        MicrosoftAppPassword: 'not-a-real-secret',
      }),
    );
  });
  afterAll(async () => app.close());

  it('refuses an activity without a Bot Framework token (401) and a forged one', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
      });
    expect((await post({})).status).toBe(401);
    const forged = ['eyJhbGciOiJub25lIn0', 'eyJhdWQiOiIwMDAifQ', ''].join('.');
    expect((await post({ authorization: `Bearer ${forged}` })).status).toBe(401);
  });

  it('does not serve the local Web Chat or Direct Line, which cannot mint Bot Framework tokens', async () => {
    expect((await fetch(`${app.url}/directline/tokens/generate`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe('an app id with the local Direct Line switched on too', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: tempDir(),
        LOG_LEVEL: 'silent',
        LOCAL_DIRECTLINE: 'true',
        MicrosoftAppId: '00000000-0000-0000-0000-000000000002',
        MicrosoftAppPassword: 'not-a-real-secret',
      }),
    );
  });
  afterAll(async () => app.close());

  it("serves its own channel's users without any Azure token, and still wants a Bot Framework token from everyone else", async () => {
    const user = await DirectLineUser.start(app.url, 'u_both');
    const greeting = await user.waitFor((a) => Boolean(a.suggestedActions));
    expect(greeting[0]?.text).toBe(app.tree.index.welcome);
    await user.say('My code, text or call never arrives');
    await user.waitForText("Let's check your phone");
    const forged = { ...activity, channelId: 'webchat', serviceUrl: app.url, conversation: { id: user.conversationId } };
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forged),
    });
    expect(res.status).toBe(401);
  });
});
