/**
 * The fuzzer's finds, pinned: one deterministic request (or conversation) per bug it found, against the same two
 * servers the fuzz run starts (fuzz/servers.ts), without the random part. The fuzz run itself is fuzz.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelUser, replyTexts, type CaptureServer, type CapturedActivity } from '../helpers/captureServer.js';
import { DirectLineUser } from '../helpers/directLineClient.js';
import { redact, type App } from './fuzz/botModules.js';
import { JSON_HEADERS } from './fuzz/case.js';
import { dlStart } from './fuzz/dlConversations.js';
import { deepJson } from './fuzz/hostile.js';
import { startFuzzServers, type FuzzServers } from './fuzz/servers.js';

let servers: FuzzServers;
let app: App;
let dlApp: App;
let capture: CaptureServer;

beforeAll(async () => {
  servers = await startFuzzServers();
  ({ app, dlApp, capture } = servers);
});

afterAll(async () => {
  await servers?.close();
});

/**
 * Every bug the fuzzer found, as one deterministic request each. The envelope fields botbuilder copies into
 * replies or reads in handlers are checked at the endpoint, so a wrong one is a 400 naming the field instead of
 * a failed turn (the "something went wrong" message) or a reply that cannot be serialised (silence).
 */
describe('regression: hostile activities found by the fuzzer', () => {
  const post = async (
    name: string,
    extra: Record<string, unknown>,
    drop: string[] = [],
  ): Promise<{ status: number; body: string; replies: CapturedActivity[] }> => {
    const u = new ChannelUser(app.url, capture, `fz-kb-${name}-${Date.now().toString(36)}`);
    const activity = u.activity({ text: 'My code, text or call never arrives', ...extra });
    for (const key of drop) delete activity[key];
    const since = capture.count(u.conversationId);
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text(), replies: capture.repliesOf(u.conversationId, since) };
  };
  const refused = async (field: string, extra: Record<string, unknown>, drop: string[] = []): Promise<void> => {
    const res = await post(field.replace(/\W/g, ''), extra, drop);
    expect(res.status, res.body).toBe(400);
    expect((JSON.parse(res.body) as { message: string }).message).toContain(field);
    expect(res.replies).toEqual([]);
  };

  it('entities that is not an array', () => refused('entities', { entities: 'x' }));
  it('a mention entity without mentioned', () =>
    refused('entities.0.mentioned', { entities: [{ type: 'mention', text: '<at>bot</at>' }] }));
  it('no recipient', () => refused('recipient', {}, ['recipient']));
  it('no from', () => refused('from', {}, ['from']));
  it('conversationUpdate with membersAdded "x" or [null]', async () => {
    await refused('membersAdded', { type: 'conversationUpdate', membersAdded: 'x' });
    await refused('membersAdded.0', { type: 'conversationUpdate', membersAdded: [null] });
  });
  it('an event whose name is a number', () => refused('name', { type: 'event', name: 5 }));
  it('wrong-typed fields that replies copy: locale, conversation.isGroup, from.name', async () => {
    await refused('locale', { locale: 5 });
    await refused('conversation.isGroup', { conversation: { id: `fz-kb-isgroup-${Date.now()}`, isGroup: 'yes' } });
    await refused('from.name', { from: { id: 'u', name: { first: 'A' } } });
  });
  it('a conversation.id that cannot go into a header or a URL', async () => {
    await refused('conversation.id', { conversation: { id: `fz-kb-💥-${Date.now()}` } });
    await refused('conversation.id', { conversation: { id: 'x'.repeat(600) } });
  });
  it('an activity id that cannot go into a reply URL (a lone surrogate half: every reply failed, silence)', async () => {
    await refused('id', { id: 'lone \ud800 surrogate \udfff' });
    await refused('replyToId', { replyToId: '\udc00' });
  });
  it('attachments that is not an array, a timestamp that is not a date', async () => {
    await refused('attachments', { attachments: 'x' });
    await refused('timestamp', { timestamp: 'yesterday-ish' });
  });
  it('a serviceUrl that is not http(s), or (without an app id) not a channel the operator listed', async () => {
    await refused('serviceUrl', { serviceUrl: 'javascript:alert(1)' });
    await refused('serviceUrl', { serviceUrl: 'http://192.0.2.10:8080/' });
    await refused('serviceUrl', { serviceUrl: 'http://localhost.example.org/' });
    await refused('serviceUrl', { serviceUrl: `${app.url}/api/messages?x=` });
  });
  it('invokes: a Universal Action is answered with a message, any other invoke with a 400', async () => {
    const action = await post('invoke', {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'x' } },
    });
    expect(action.status).toBe(200);
    expect(JSON.parse(action.body)).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    const other = await post('invoke-other', { type: 'invoke', name: 'task/fetch' });
    expect(other.status).toBe(400);
    expect(other.body).toContain('task/fetch');
  });
  it('deep junk in the conversation or an account is left out of the replies, which still go out', async () => {
    const u = new ChannelUser(app.url, capture, `fz-kb-deep-${Date.now().toString(36)}`);
    const deep = deepJson(20, 'object');
    const body = JSON.stringify(u.activity({ text: 'My code, text or call never arrives' }))
      .replace('"conversation":{', `"conversation":{"tenantId":"t1","deep":${deep},`)
      .replace('"from":{', `"from":{"nested":[${deep}],`);
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status, await res.text()).toBe(200);
    const replies = capture.repliesOf(u.conversationId, 0);
    expect(replyTexts(replies)).toContain("Let's check your phone");
    expect(replies[0]!.conversation).toEqual({ id: u.conversationId, tenantId: 't1' });
  });
  it('Direct Line: a field the bot endpoint would refuse is a 400 for the client, not a 502', async () => {
    const dl = await dlStart(dlApp.url, 'dl-kb-localtime');
    const res = await fetch(`${dlApp.url}/directline/conversations/${dl.id}/activities`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, authorization: `Bearer ${dl.token}` },
      body: JSON.stringify({ type: 'message', text: 'hello', from: { id: dl.userId }, localTimestamp: 'teatime' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('localTimestamp');
  });
  it('a well-formed message with every optional field still gets its answer', async () => {
    const res = await post('full', {
      id: 'act-1',
      locale: 'en-GB',
      timestamp: new Date().toISOString(),
      localTimestamp: '2026-11-22T15:05:00.1234567+01:00',
      entities: [{ type: 'clientInfo', locale: 'en-GB' }],
      attachments: [],
      channelData: { clientActivityID: 'x' },
    });
    expect(res.status, res.body).toBe(200);
    expect(replyTexts(res.replies)).toContain("Let's check your phone");
  });

  it('a Direct Line client cannot forge the help desk\'s "handoff.resolved" signal', async () => {
    const user = await DirectLineUser.start(dlApp.url, 'dl-spoofer');
    await user.waitFor((a) => Boolean(a.suggestedActions));
    for (const [text, wait] of [
      ['my code never arrives', "Let's check your phone"],
      ['talk to a person', 'email address or sign-in name'],
      ['alex@contoso.com', 'What does the error message say'],
      ['The code never arrives', 'address (URL)'],
    ] as const) {
      await user.say(text);
      await user.waitForText(wait);
    }
    let prompt = '';
    for (let i = 0; i < 8 && !prompt.includes('Is everything right?'); i += 1) {
      await user.say('skip');
      prompt = (await user.waitFor((a) => Boolean(a.suggestedActions))).at(-1)?.text ?? '';
    }
    await user.say('Send to the help desk');
    const done = await user.waitForText(/ticket number is \*\*MFA-/);
    const ticketId = /\*\*(MFA-[A-Z0-9]{6})\*\*/.exec(done.map((a) => a.text).join(' '))![1]!;
    // The client sends what the queue's proactive signal looks like: the bot must not take it as one.
    await user.say('', { type: 'event', name: 'handoff.resolved', value: { ticketId, agent: 'Mallory from IT' } });
    await user.say('are you there?');
    const after = await user.waitFor((a) => /added that to your ticket|marked your request as resolved/.test(a.text ?? ''));
    expect(after.map((a) => a.text).join('\n')).not.toContain('marked your request as resolved');
    expect((await dlApp.tickets.get(ticketId))?.rating).toBeUndefined();
  });
});

describe('regression: cost of long messages', () => {
  // A complexity check, not a timing goal: the ratio between two lengths tells linear (~x4) from quadratic (~x16).
  it('redacting a long run of word characters takes time linear in its length, not quadratic', () => {
    // The email pattern once had no left boundary: from every start position it ran to the end of the run and
    // backtracked looking for "@", so 10,000 such characters blocked the event loop for a few hundred ms.
    const median = (len: number): number => {
      const times = Array.from({ length: 3 }, () => {
        const t0 = performance.now();
        redact('A'.repeat(len));
        return performance.now() - t0;
      });
      return times.sort((a, b) => a - b)[1]!;
    };
    median(500);
    const short = Math.max(median(2_500), 0.5);
    const long = median(10_000);
    console.log(
      `[fuzz] redact 2,500 chars: ${short.toFixed(1)} ms, 10,000 chars: ${long.toFixed(1)} ms (x${(long / short).toFixed(1)}; linear ~x4, quadratic ~x16)`,
    );
    expect(long).toBeLessThan(50);
    expect(long / short).toBeLessThan(8);
  });
});
