import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { tempDir } from './helpers/botHarness.js';
import { DirectLineUser } from './helpers/directLineClient.js';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-5e2a9c7f1d4b8e0a';
const CORRELATION = '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d';

let app: App;
let receiver: http.Server;
const webhookBodies: unknown[] = [];

async function agent(token: string | undefined, method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${app.url}/api/agent${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      webhookBodies.push(JSON.parse(data));
      res.end('1');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhookb2/secret-part`;
  app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tempDir(),
      LOG_LEVEL: process.env.E2E_LOG ?? 'silent',
      AGENT_TOKENS: `alice:${ALICE},bob:${BOB}`,
      ESCALATION_WEBHOOK_URL: hook,
    }),
  );
});

afterAll(async () => {
  await app?.close();
  receiver?.close();
});

describe('escalation and handoff over HTTP, through the local Direct Line', () => {
  it('a user files a ticket, an agent claims it, they talk, the agent resolves and the bot takes over again', async () => {
    const user = await DirectLineUser.start(app.url, 'web-user-1');
    await user.waitFor((a) => Boolean(a.suggestedActions));
    await user.say('my phone was stolen');
    await user.waitForText('do you have another way to verify');
    await user.say('No, that phone was my only one');
    await user.waitForText(app.tree.index.escalation.intro);

    await user.say('Alex@Contoso.com');
    await user.say('I cannot approve the sign-in because the phone with the app is gone');
    await user.waitFor((a) => Boolean(a.suggestedActions));
    await user.say(
      `Error Code: 50076\nRequest Id: 5a1f0c2e-7b9d-4c1e-9f3a-2d8e6b4a1c70\nCorrelation Id: ${CORRELATION}\nTimestamp: 2026-11-22T13:05:10Z`,
    );
    await user.waitForText(/From the details you pasted I picked up: .*Correlation ID/);
    let prompt = (await user.waitFor((a) => Boolean(a.suggestedActions))).at(-1)!;
    for (let i = 0; i < 4 && !(prompt.text ?? '').includes('Is everything right?'); i += 1) {
      await user.say('skip');
      prompt = (await user.waitFor((a) => Boolean(a.suggestedActions))).at(-1)!;
    }
    expect(prompt.text).toContain('Is everything right?');
    await user.say('Send to the help desk');
    const done = await user.waitForText(/ticket number is \*\*MFA-/);
    const ticketId = /\*\*(MFA-[A-Z0-9]{6})\*\*/.exec(done.map((a) => a.text).join(' '))![1]!;
    // The Bot Framework handoff event went out on the user's conversation, carrying the summary.
    const initiate = user.seen.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
    expect(initiate?.value).toMatchObject({ ticketId, priority: 'urgent', who: { userId: 'alex@contoso.com' } });

    expect((await agent(undefined, 'GET', '/queue')).status).toBe(401);
    expect((await agent('wrong-token-0123456789', 'GET', '/queue')).status).toBe(401);
    const queue = await agent(ALICE, 'GET', '/queue');
    expect(queue.json.tickets[0]).toMatchObject({
      id: ticketId,
      priority: 'urgent',
      status: 'queued',
      position: 1,
      userId: 'alex@contoso.com',
    });
    const opened = await agent(ALICE, 'GET', `/tickets/${ticketId}`);
    expect(opened.json.ticket.fields).toMatchObject({ userId: 'alex@contoso.com', errorCode: '50076', correlationId: CORRELATION });
    expect(opened.json.summary.stepsTried).toEqual([{ title: 'Lost or stolen phone', outcome: 'Chose "No, that phone was my only one"' }]);
    expect(opened.json.markdown).toContain(ticketId);

    expect((await agent(ALICE, 'POST', `/tickets/${ticketId}/claim`, {})).status).toBe(200);
    await user.waitForText('**alice** from the help desk has joined');
    const second = await agent(BOB, 'POST', `/tickets/${ticketId}/claim`, {});
    expect(second).toMatchObject({ status: 409, json: { code: 'AlreadyClaimed' } });

    await user.say('Are you there? It is urgent');
    const deadline = Date.now() + 5000;
    let messages: { from: string; text: string; seq: number }[] = [];
    while (!messages.some((m) => m.from === 'user') && Date.now() < deadline) {
      messages = (await agent(ALICE, 'GET', `/tickets/${ticketId}/messages?after=0`)).json.messages;
    }
    expect(messages).toContainEqual(expect.objectContaining({ from: 'user', text: 'Are you there? It is urgent' }));

    expect((await agent(BOB, 'POST', `/tickets/${ticketId}/messages`, { text: 'hi' })).json.code).toBe('NotAssignee');
    expect((await agent(ALICE, 'POST', `/tickets/${ticketId}/messages`, { text: '' })).status).toBe(400);
    expect(
      (await agent(ALICE, 'POST', `/tickets/${ticketId}/messages`, { text: 'Yes! I have reset your MFA, please sign in again.' })).status,
    ).toBe(201);
    await user.waitForText('**alice (help desk):** Yes! I have reset your MFA');

    // What an agent types is stored redacted, like the user's words; the user still reads it as typed.
    const secretive = 'Your temporary password is Tr0ub4dor&3, the code is 482193, or call me on +44 20 7946 0958.';
    const masked = 'Your temporary password is [secret] the code is [code], or call me on [phone].';
    const sent = await agent(ALICE, 'POST', `/tickets/${ticketId}/messages`, { text: secretive });
    expect(sent).toMatchObject({ status: 201, json: { message: { from: 'agent', agent: 'alice', text: masked } } });
    await user.waitForText(`**alice (help desk):** ${secretive}`);
    const stored = (await agent(ALICE, 'GET', `/tickets/${ticketId}/messages?after=0`)).json.messages as { text: string }[];
    expect(stored.at(-1)?.text).toBe(masked);
    expect(JSON.stringify(stored)).not.toMatch(/Tr0ub4dor|482193|7946/);
    // ...and the admin transcript (logged after the proactive turn) has the same masked text.
    let logged = '';
    for (const until = Date.now() + 5000; !logged.includes('call me on [phone]') && Date.now() < until;)
      logged = await new Promise((r) => setTimeout(r, 20)).then(async () => JSON.stringify(await app.transcripts.get(user.conversationId)));
    expect(logged).toContain('the code is [code], or call me on [phone]');
    expect(logged).not.toMatch(/Tr0ub4dor|482193|7946/);

    expect((await agent(ALICE, 'POST', `/tickets/${ticketId}/resolve`, { note: 'MFA reset, code 739214' })).status).toBe(200);
    await user.waitFor((a) => (a.text ?? '').includes('marked your request as resolved'));
    await user.waitFor((a) => Boolean(a.suggestedActions?.actions.some((b) => b.title === '5')));
    await user.say('5');
    await user.waitForText('Thanks for rating the help you got 5 out of 5.');
    expect((await agent(ALICE, 'GET', `/tickets/${ticketId}`)).json.ticket).toMatchObject({
      status: 'resolved',
      rating: 5,
      resolutionNote: 'MFA reset, code [code]',
    });
    expect((await agent(ALICE, 'GET', '/queue')).json.tickets).toEqual([]);

    // The bot is back: free text goes to the tree again.
    await user.say('my app password is rejected');
    await user.waitForText(app.tree.nodes.get('app-password')!.text.slice(0, 40));

    // Proactive messages (agent replies, the resolved notice, the rating prompt) answer no activity of the
    // user's: a reply to an id the conversation never held makes Web Chat hold the message back for 5 s.
    const proactive = user.seen.filter((a) => /help desk\):|has joined|marked your request as resolved/.test(a.text ?? ''));
    expect(proactive.length).toBeGreaterThanOrEqual(3);
    const conversationIds = (a: { replyToId?: string }) => a.replyToId === undefined || a.replyToId.startsWith(`${user.conversationId}|`);
    expect(user.seen.filter((a) => !conversationIds(a)).map((a) => a.text)).toEqual([]);

    // The help desk's Teams channel got the summary card.
    const card = webhookBodies.find((b: any) => JSON.stringify(b).includes(ticketId)) as any;
    expect(card).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }],
    });
  });

  it('validates agent API bodies and unknown tickets', async () => {
    expect((await agent(ALICE, 'GET', '/tickets/MFA-NOPE00')).status).toBe(404);
    expect((await agent(ALICE, 'POST', '/tickets/MFA-NOPE00/claim', {})).status).toBe(404);
    expect((await agent(ALICE, 'GET', '/tickets/MFA-NOPE00/messages?after=-1')).status).toBe(400);
    expect((await agent(ALICE, 'GET', '/me')).json).toEqual({ name: 'alice' });
  });
});
