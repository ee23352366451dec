import { describe, expect, it } from 'vitest';
import { ConversationMemory } from '../src/memory/conversationMemory.js';
import { TICKET_FIELDS } from '../src/tickets/fields.js';
import { TreeWalker } from '../src/tree/walker.js';
import { createHarness, realKnowledge, textsOf, type Harness } from './helpers/botHarness.js';

const prompt = (name: string) => TICKET_FIELDS.find((f) => f.name === name)!.prompt;
const REVIEW = 'Is everything right?';

async function skipToReview(h: Harness): Promise<string> {
  let replies = await h.say('skip');
  for (let i = 0; i < 8 && !textsOf(replies).includes(REVIEW); i += 1) replies = await h.say('skip');
  return textsOf(replies);
}

describe('changing a detail on the review', () => {
  it('shows the time as "Currently: ..." in words, not as an ISO string that reads like the clock', async () => {
    const h = await createHarness();
    await h.say('talk to a person');
    await h.say('alex@contoso.com');
    await h.say('The code never arrives on my phone');
    for (let i = 0; i < 4; i += 1) await h.say('skip'); // page address, error code, session and correlation ids
    let replies = await h.say('2026-11-22 14:05 +01:00');
    expect(textsOf(replies)).toContain(prompt('accountType'));
    expect(await skipToReview(h)).toContain(REVIEW);
    replies = await h.say('change the time of the error');
    const text = textsOf(replies);
    expect(text).toContain('Currently: 22 Nov 2026, 14:05 (UTC+01:00)');
    expect(text).not.toMatch(/Now:|2026-11-22T/);
    expect(text).toContain(prompt('timestamp'));
  });
});

const cardFacts = (replies: Awaited<ReturnType<Harness['say']>>): Record<string, string> => {
  const card = replies.find((r) => r.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive');
  const facts = (card!.attachments![0]!.content as { body: { facts?: { title: string; value: string }[] }[] }).body[1]!.facts!;
  return Object.fromEntries(facts.map((f) => [f.title, f.value]));
};

describe('conversation memory', () => {
  it('an email and error code in the first message fill the ticket: not asked again, shown on the review card', async () => {
    const h = await createHarness();
    await h.join();
    await h.say("I'm alex@contoso.com, I keep getting AADSTS50076 and the code never arrives");
    const replies = await h.say('talk to a person');
    const text = textsOf(replies);
    expect(text).toContain('I already have: User ID, Error code');
    expect(text).not.toContain(prompt('userId'));
    expect(text).toContain(prompt('errorMessage'));
    await h.say('The verification code never arrives on my phone');
    const review = await skipToReviewReplies(h);
    expect(cardFacts(review)).toMatchObject({ 'User ID': 'alex@contoso.com', 'Error code': 'AADSTS50076' });
    await h.say('Send to the help desk');
    const [ticket] = await h.tickets.listOpen();
    expect(ticket!.fields).toMatchObject({ userId: 'alex@contoso.com', errorCode: 'AADSTS50076' });
  });

  it('details said in any turn of any dialog accumulate: mid-step ids and a time with its zone', async () => {
    const h = await createHarness();
    await h.say('My code, text or call never arrives');
    await h.say('my correlation id is 9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d and it failed at 2026-11-22 14:05 +01:00');
    await h.say('No, still stuck');
    await h.say('sam@contoso.com is my login');
    const replies = await h.say('talk to a person');
    expect(textsOf(replies)).toContain('I already have: User ID, Correlation ID, Time of the error');
    await h.say('The code never arrives');
    const review = await skipToReviewReplies(h);
    expect(cardFacts(review)).toMatchObject({
      'User ID': 'sam@contoso.com',
      'Correlation ID': '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d',
      'Time of the error': '2026-11-22T14:05:00+01:00',
    });
  });

  it('keeps no code or password typed in passing: only validated details', async () => {
    const h = await createHarness();
    await h.say('My code, text or call never arrives');
    await h.say('my password is Hunter2!x and the code 482913 did not work, alex@contoso.com');
    await h.say('talk to a person');
    await h.say('The code never arrives');
    await skipToReviewReplies(h);
    await h.say('Send to the help desk');
    const [ticket] = await h.tickets.listOpen();
    const stored = JSON.stringify(ticket);
    expect(stored).not.toContain('Hunter2');
    expect(stored).not.toContain('482913');
    expect(ticket!.fields.userId).toBe('alex@contoso.com');
  });

  it('"Work or school account" chosen earlier is not asked again at the end of the ticket', async () => {
    const h = await createHarness();
    await h.say('I have a new phone or a new number');
    await h.say('Work or school account');
    await h.say('No, the old number was all I had'); // escalates
    await h.say('alex@contoso.com');
    await h.say('My texts go to my old number');
    let replies = await h.say('skip');
    const asked: string[] = [];
    for (let i = 0; i < 8 && !textsOf(replies).includes(REVIEW); i += 1) {
      asked.push(textsOf(replies));
      replies = await h.say('skip');
    }
    expect(asked.join('\n')).not.toContain(prompt('accountType'));
    expect(cardFacts(replies)).toMatchObject({ 'Account type': 'Work or school' });
    await h.say('Send to the help desk');
    expect((await h.tickets.listOpen())[0]!.fields.accountType).toBe('work-or-school');
  });

  it('the account type is remembered across walks: a later escalation from another branch does not ask it', async () => {
    const h = await createHarness();
    await h.say('I have a new phone or a new number');
    await h.say('Work or school account');
    await h.say('menu');
    await h.say('talk to a person');
    await h.say('alex@contoso.com');
    const asked = [textsOf(await h.say('My texts go to my old number'))];
    for (let i = 0; i < 8 && !asked.at(-1)!.includes(REVIEW); i += 1) asked.push(textsOf(await h.say('skip')));
    expect(asked.at(-1)).toContain(REVIEW);
    expect(asked.join('\n')).not.toContain(prompt('accountType'));
  });

  it('steps tried in an earlier walk of the conversation go on the ticket too', async () => {
    const h = await createHarness();
    await h.say('My code, text or call never arrives');
    await h.say('No, still stuck');
    await h.say('start over');
    await h.say('I left my phone at home');
    await h.say('talk to a person');
    await h.say('alex@contoso.com');
    await h.say('The code never arrives');
    await skipToReviewReplies(h);
    await h.say('Send to the help desk');
    const [ticket] = await h.tickets.listOpen();
    expect(ticket!.stepsTried.map((s) => [s.node, s.outcome])).toEqual([
      ['no-code', 'not fixed'],
      ['phone-at-home', 'asked for a person'],
    ]);
  });
});

async function skipToReviewReplies(h: Harness): Promise<Awaited<ReturnType<Harness['say']>>> {
  let replies = await h.say('skip');
  for (let i = 0; i < 8 && !textsOf(replies).includes(REVIEW); i += 1) replies = await h.say('skip');
  return replies;
}

describe('ConversationMemory reading a message', () => {
  const memory = new ConversationMemory(new TreeWalker(realKnowledge()));
  const ctx = { now: new Date('2026-11-22T15:00:00Z') };
  const read = (text: string) => {
    const record = memory.empty();
    memory.noteText(record, text, ctx);
    return record.fields;
  };

  it('keeps what it can tell for sure, normalised as the ticket holds it', () => {
    expect(read("Hi I'm Alex.Smith@Contoso.com, getting aadsts 50076 since this morning")).toEqual({
      userId: 'alex.smith@contoso.com',
      errorCode: 'AADSTS50076',
    });
    expect(read('request id: 5A1F0C2E-7B9D-4C1E-9F3A-2D8E6B4A1C70')).toEqual({ sessionId: '5a1f0c2e-7b9d-4c1e-9f3a-2d8e6b4a1c70' });
    expect(read('it failed today at 14:05 CET on my work account')).toEqual({
      timestamp: '2026-11-22T14:05:00+01:00',
      accountType: 'work-or-school',
    });
    expect(read('this is my personal account, alex@hotmail.com')).toMatchObject({ accountType: 'personal', userId: 'alex@hotmail.com' });
  });

  it('leaves out what it cannot tell: two emails, two codes, an unlabelled id, a time without a zone, a pasted message', () => {
    expect(read('alex@contoso.com or sam@contoso.com')).toEqual({});
    expect(read('first AADSTS50076 then AADSTS50158')).toEqual({});
    expect(read('9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d')).toEqual({});
    expect(read('it happened at 9:15')).toEqual({});
    expect(read('Message: AADSTS50076 you must use MFA\nError: blocked')).not.toHaveProperty('errorMessage');
  });

  it('a later value replaces an earlier one; steps of every walk are kept, the latest five walks', () => {
    const record = memory.empty();
    memory.noteText(record, 'alex@contoso.com', ctx);
    memory.noteText(record, 'sorry, it is sam@contoso.com', ctx);
    expect(record.fields.userId).toBe('sam@contoso.com');
    for (let i = 0; i < 7; i += 1) {
      memory.noteWalk(record, {
        node: 'no-code-check-number',
        awaiting: 'fixed',
        path: [{ node: 'main-menu', answer: 'x' }, { node: 'no-code', answer: 'not fixed' }, { node: 'no-code-check-number' }],
        misses: 0,
        startedAt: `2026-11-22T10:0${i}:00.000Z`,
      });
    }
    expect(record.walks).toHaveLength(5);
    expect(record.walks[0]!.steps).toEqual([{ node: 'no-code', title: expect.any(String), outcome: 'not fixed' }]);
  });
});
