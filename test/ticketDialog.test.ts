import path from 'node:path';
import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { EmbeddedStateStorage } from '../src/stores/embedded/stateStorage.js';
import { TICKET_FIELDS } from '../src/tickets/fields.js';
import { buttonsOf, CORRELATION, createHarness, realKnowledge, tempDir, textsOf, type Harness } from './helpers/botHarness.js';

const tree = realKnowledge();
const prompt = (name: string) => TICKET_FIELDS.find((f) => f.name === name)!.prompt;
const example = (name: string) => TICKET_FIELDS.find((f) => f.name === name)!.example;
const REVIEW = 'Is everything right?';

/** A user who asked for a person at once: the ticket questions start. */
async function atTicket(h?: Harness): Promise<Harness> {
  const harness = h ?? (await createHarness());
  const replies = await harness.say('talk to a person');
  expect(textsOf(replies)).toContain(prompt('userId'));
  return harness;
}

/** Answers every question after the two required ones with "skip". */
async function skipToReview(h: Harness): Promise<string> {
  let replies = await h.say('skip');
  for (let i = 0; i < 8 && !textsOf(replies).includes(REVIEW); i += 1) replies = await h.say('skip');
  return textsOf(replies);
}

describe('ticket questions', () => {
  it('refuses bad answers with a reason and an example, and accepts good ones', async () => {
    const h = await atTicket();
    let replies = await h.say('john');
    expect(textsOf(replies)).toContain(example('userId'));
    expect(textsOf(replies)).toContain(prompt('userId'));
    replies = await h.say('John.Smith@Contoso.com');
    expect(textsOf(replies)).toContain(prompt('errorMessage'));
    replies = await h.say('help');
    expect(textsOf(replies)).toContain(prompt('errorMessage'));
    replies = await h.say('skip');
    expect(textsOf(replies)).toMatch(/need/i);
    replies = await h.say('AADSTS50076: you must use multi-factor authentication');
    expect(textsOf(replies)).toContain(prompt('pageUrl'));
    expect(buttonsOf(replies.at(-1))).toEqual(['Skip']);
    replies = await h.say('not a url at all');
    expect(textsOf(replies)).toContain(prompt('pageUrl'));
    replies = await h.say('login.microsoftonline.com/common/oauth2/authorize');
    expect(textsOf(replies)).toContain(prompt('errorCode'));
    replies = await h.say('code 12');
    expect(textsOf(replies)).toContain(example('errorCode'));
    replies = await h.say('aadsts 50076');
    expect(textsOf(replies)).toContain(prompt('sessionId'));
    replies = await h.say('1234');
    expect(textsOf(replies)).toContain(example('sessionId'));
    replies = await h.say('{5A1F0C2E-7B9D-4C1E-9F3A-2D8E6B4A1C70}');
    expect(textsOf(replies)).toContain(prompt('correlationId'));
    replies = await h.say(CORRELATION);
    expect(textsOf(replies)).toContain(prompt('timestamp'));
    replies = await h.say('next year');
    expect(textsOf(replies)).toContain(prompt('timestamp'));
    replies = await h.say('2026-11-22 14:05 +01:00');
    expect(buttonsOf(replies.at(-1))).toEqual(['Work or school', 'Personal', 'Skip']);
    replies = await h.say('Work or school');
    expect(textsOf(replies)).toContain(REVIEW);
    const card = replies.find((r) => r.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive');
    const facts = (card!.attachments![0]!.content as { body: { facts?: { title: string; value: string }[] }[] }).body[1]!.facts!;
    expect(Object.fromEntries(facts.map((f) => [f.title, f.value]))).toMatchObject({
      'User ID': 'john.smith@contoso.com',
      'Page address': 'https://login.microsoftonline.com/common/oauth2/authorize',
      'Error code': 'AADSTS50076',
      'Session ID': expect.stringContaining('5a1f0c2e'),
      'Time of the error': expect.stringContaining('2026-11-22T14:05:00+01:00'),
      'Account type': 'Work or school',
    });
  });

  it('fills every field a pasted error-details block holds, at any question, and asks only the rest', async () => {
    const h = await atTicket();
    const block = [
      'Error Code: 50158',
      'Request Id: 5a1f0c2e-7b9d-4c1e-9f3a-2d8e6b4a1c70',
      `Correlation Id: ${CORRELATION}`,
      'Timestamp: 2026-11-22T13:05:10Z',
      'App name: Microsoft Office',
      'IP address: 203.0.113.7',
    ].join('\n');
    let replies = await h.say(block);
    expect(textsOf(replies)).toMatch(/From the details you pasted I picked up: .*Error code.*Correlation ID/);
    expect(textsOf(replies)).toContain(prompt('userId'));
    await h.say('alex@contoso.com');
    replies = await h.say('External security challenge not satisfied');
    expect(textsOf(replies)).toContain(prompt('pageUrl'));
    replies = await h.say('skip');
    expect(textsOf(replies)).toContain(prompt('accountType'));
    replies = await h.say('personal');
    expect(textsOf(replies)).toContain(REVIEW);
    await h.say('Send to the help desk');
    const [ticket] = await h.tickets.listOpen();
    expect(ticket!.fields).toEqual({
      userId: 'alex@contoso.com',
      errorMessage: 'External security challenge not satisfied',
      errorCode: '50158',
      sessionId: '5a1f0c2e-7b9d-4c1e-9f3a-2d8e6b4a1c70',
      correlationId: CORRELATION,
      timestamp: '2026-11-22T13:05:10+00:00',
      accountType: 'personal',
    });
    expect(ticket!.extras).toMatchObject({ appName: 'Microsoft Office', ipAddress: '203.0.113.7' });
  });

  it("asks for the time zone of a time given without one, offering the browser's", async () => {
    const h = await atTicket();
    await h.say('alex@contoso.com');
    await h.say('The code never arrives on my phone');
    for (let i = 0; i < 4; i += 1) await h.say('skip'); // page address, error code, session and correlation ids
    // As Web Chat sends them: the browser's local time with its offset (a string on the wire) and its zone.
    const withClock = (text: string) =>
      ({
        type: 'message',
        text,
        localTimestamp: '2026-11-23T10:00:00.000+05:30',
        localTimezone: 'Asia/Kolkata',
      }) as unknown as Partial<Activity>;
    let replies = await h.say(withClock('2026-11-22 09:15'));
    expect(textsOf(replies)).toMatch(/time zone/i);
    replies = await h.say(withClock('yes'));
    expect(textsOf(replies)).toContain(prompt('accountType'));
    await h.say('skip');
    await h.say('Send to the help desk');
    expect((await h.tickets.listOpen())[0]!.fields.timestamp).toBe('2026-11-22T09:15:00+05:30');
  });

  it('lets the user change any detail on the review before sending', async () => {
    const h = await atTicket();
    await h.say('alex@contoso.com');
    await h.say('The code never arrives on my phone');
    expect(await skipToReview(h)).toContain(REVIEW);
    let replies = await h.say('Change a detail');
    expect(buttonsOf(replies.at(-1))).toEqual(TICKET_FIELDS.map((f) => f.label));
    replies = await h.say('User ID');
    expect(textsOf(replies)).toContain('Currently: alex@contoso.com');
    replies = await h.say('sam@contoso.com');
    expect(textsOf(replies)).toContain(REVIEW);
    replies = await h.say('change the error code');
    expect(textsOf(replies)).toContain(prompt('errorCode'));
    replies = await h.say('AADSTS50074');
    expect(textsOf(replies)).toContain(REVIEW);
    await h.say('Send to the help desk');
    expect((await h.tickets.listOpen())[0]!.fields).toMatchObject({ userId: 'sam@contoso.com', errorCode: 'AADSTS50074' });
  });

  it('"cancel" during the questions drops the request and records it; "talk to a person" is already under way', async () => {
    const h = await atTicket();
    let replies = await h.say('I want to speak to a human');
    expect(textsOf(replies)).toContain('already getting your request to a person');
    expect(textsOf(replies)).toContain(prompt('userId'));
    replies = await h.say('cancel');
    expect(textsOf(replies)).toContain("I've stopped");
    expect(await h.tickets.listOpen()).toEqual([]);
    expect((await h.outcomes.list())[0]).toMatchObject({ outcome: 'cancelled' });
  });
});

describe('waiting for an agent', () => {
  async function queued(h?: Harness): Promise<{ h: Harness; id: string }> {
    const harness = await atTicket(h);
    await harness.say('alex@contoso.com');
    await harness.say('The code never arrives on my phone');
    await skipToReview(harness);
    const replies = await harness.say('Send to the help desk');
    const id = /\*\*(MFA-[A-Z0-9]{6})\*\*/.exec(textsOf(replies))![1]!;
    expect(textsOf(replies)).toContain("You're next in the queue.");
    return { h: harness, id };
  }

  it('relays what the user types to the ticket instead of answering with the tree', async () => {
    const { h, id } = await queued();
    const replies = await h.say('my phone was stolen');
    expect(textsOf(replies)).toContain("I've added that to your ticket. You're next in the queue.");
    expect(textsOf(replies)).not.toContain(tree.nodes.get('lost-phone')!.text);
    expect((await h.handoff.get(id))!.messages.map((m) => m.text)).toEqual(['my phone was stolen']);
  });

  it('"cancel" withdraws a queued ticket; "menu" goes back to the bot and keeps it for follow-up', async () => {
    const first = await queued();
    expect(textsOf(await first.h.say('cancel'))).toContain(`withdrawn ticket **${first.id}**`);
    expect((await first.h.handoff.get(first.id))!.status).toBe('closed-without-agent');
    const second = await queued();
    const replies = await second.h.say('menu');
    expect(textsOf(replies)).toContain(`still has ticket **${second.id}**`);
    expect(buttonsOf(replies.at(-1))).toEqual(
      (tree.nodes.get('main-menu') as { options: { label: string }[] }).options.map((o) => o.label),
    );
    expect(await second.h.handoff.get(second.id)).toMatchObject({ status: 'queued', userWaiting: false });
  });

  it('tells the user the help desk will follow up when nobody claims in time; the ticket stays queued', async () => {
    let now = new Date('2026-11-23T10:00:00Z');
    const h = await createHarness({ now: () => now, unclaimedAfterMs: 10 * 60_000 });
    const { id } = await queued(h);
    now = new Date('2026-11-23T10:05:00Z');
    expect(await h.handoff.sweepUnclaimed()).toBe(0);
    now = new Date('2026-11-23T10:11:00Z');
    // Two sweeps at once (two instances' timers): the notice goes out once.
    expect((await Promise.all([h.handoff.sweepUnclaimed(), h.handoff.sweepUnclaimed()])).sort()).toEqual([0, 1]);
    expect(textsOf(h.signalled).split('stays in the queue')).toHaveLength(2);
    expect(textsOf(h.signalled)).toContain(`ticket **${id}** stays in the queue`);
    expect(textsOf(h.signalled)).toContain('alex@contoso.com');
    expect(await h.handoff.sweepUnclaimed()).toBe(0);
    expect((await h.handoff.get(id))!.status).toBe('queued');
  });

  it('a claimed and resolved ticket hands the user back to the bot with a rating question', async () => {
    const { h, id } = await queued();
    await h.handoff.claim(id, 'alice');
    expect(h.pushed.at(-1)).toContain('**alice** from the help desk has joined');
    const silent = await h.say('thanks for picking this up');
    expect(silent).toEqual([]);
    await h.handoff.agentMessage(id, 'alice', 'Done, try again');
    expect(h.pushed.at(-1)).toBe('**alice (help desk):** Done, try again');
    await h.handoff.resolve(id, 'alice');
    expect(textsOf(h.signalled)).toContain('marked your request as resolved');
    expect(buttonsOf(h.signalled.at(-1))).toContain('5');
    expect(textsOf(await h.say('4'))).toContain('Thanks for rating the help you got 4 out of 5.');
    expect((await h.handoff.get(id))!.rating).toBe(4);
    // The escalated walk carries it too, so the admin's list and analytics see it.
    expect((await h.outcomes.list()).find((o) => o.ticketId === id)).toMatchObject({ outcome: 'escalated', rating: 4 });
  });

  it('keeps the ticket and the waiting state across a restart', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'state');
    const before = await createHarness({ storage: await EmbeddedStateStorage.open(file), dataDir: dir });
    const { id } = await queued(before);
    // New process: stores re-opened from the same files, same conversation.
    const after = await createHarness({ storage: await EmbeddedStateStorage.open(file), dataDir: dir });
    expect((await after.handoff.queue()).map((t) => t.id)).toEqual([id]);
    const replies = await after.say('are you still there?');
    expect(textsOf(replies)).toContain("I've added that to your ticket.");
    expect((await after.handoff.get(id))!.messages.at(-1)!.text).toBe('are you still there?');
  });
});
