/**
 * Hardening: turns of one conversation arriving at the same time (double clicks, impatient users, retries), and
 * many conversations at once, through the real HTTP bot endpoint with replies captured at a loopback
 * "connector". Every request must succeed, the bot must never fall into its "something went wrong" handler,
 * the conversation's state document must stay valid, and the conversation must go on exactly where the
 * serialised turns left it (a lost update would leave it one step behind).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { tempDir } from '../helpers/botHarness.js';
import { CaptureServer, ChannelUser, WENT_WRONG, buttonTitles, replyTexts, type CapturedActivity } from '../helpers/captureServer.js';
import { checkStoreDocuments, readStateDocument } from '../helpers/spawnBot.js';

const NO_CODE = 'My code, text or call never arrives';
const STUCK = 'No, still stuck';
/** The no-code branch, one step per "No, still stuck". */
const STEP = {
  restart: "Let's check your phone, one thing at a time",
  number: 'Make sure the phone number saved on your account',
  notifications: "Open your phone's settings and check that notifications",
  callsTexts: 'Ask a friend or colleague to call you',
  dnd: 'Make sure **Do not disturb** is off',
  /** After three steps that did not help, a person is offered before the next step (knowledge/index.yaml handover). */
  offer: "We've tried 3 things and it's still not working",
};
const REVIEW = 'Is everything right?';
const TICKET = /ticket number is \*\*(MFA-[A-Z0-9]{6})\*\*/;

let app: App;
let capture: CaptureServer;
let dataDir: string;
let conversationSeq = 0;

/** A user of their own (one open ticket per user is keyed on the channel's user id) in a conversation of their own. */
const user = (): ChannelUser => {
  const id = `conc-${Date.now().toString(36)}-${(conversationSeq += 1)}`;
  return new ChannelUser(app.url, capture, id, `user-${id}`);
};

const count = (replies: CapturedActivity[], fragment: string): number => replies.filter((r) => (r.text ?? '').includes(fragment)).length;

function expectNoFailure(replies: CapturedActivity[]): void {
  expect(replies.filter((r) => WENT_WRONG.test(r.text ?? '')).map((r) => r.text)).toEqual([]);
}

/** The conversation's state document parses, is the conversation's, and holds a dialog stack. */
function expectStateDocument(conversationId: string): Record<string, unknown> {
  const doc = readStateDocument(dataDir, 'webchat', conversationId);
  expect(doc, `state document of ${conversationId}`).toBeDefined();
  expect(doc!.key).toBe(`webchat/conversations/${conversationId}/`);
  const stack = (doc!.value.dialogState as { dialogStack?: unknown[] } | undefined)?.dialogStack;
  expect(Array.isArray(stack) && stack.length > 0, `dialog stack of ${conversationId}: ${JSON.stringify(doc!.value).slice(0, 300)}`).toBe(
    true,
  );
  return doc!.value;
}

/** Join, open the no-code branch; the conversation then waits on its first step. */
async function atNoCodeStep(u: ChannelUser): Promise<void> {
  const joined = await u.join();
  expect(joined.status).toBe(200);
  expect(buttonTitles(joined.replies.at(-1))).toContain(NO_CODE);
  const branch = await u.say(NO_CODE);
  expect(branch.status).toBe(200);
  expect(replyTexts(branch.replies)).toContain(STEP.restart);
}

/** Drives a conversation into the ticket questions; it then waits on the page address (first optional field). */
async function atPageUrlQuestion(u: ChannelUser): Promise<void> {
  await u.join();
  const steps: [string, string][] = [
    ['my code never arrives', STEP.restart],
    ['talk to a person', 'email address or sign-in name'],
    ['alex@contoso.com', 'What does the error message say'],
    ['The text with my code never arrives', 'address (URL) of the page'],
  ];
  for (const [text, expected] of steps) {
    const turn = await u.say(text);
    expect(turn.status).toBe(200);
    expect(replyTexts(turn.replies), `after "${text}"`).toContain(expected);
  }
}

beforeAll(async () => {
  capture = await CaptureServer.start();
  dataDir = tempDir('mfa-conc-');
  app = await startApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      LOCAL_DIRECTLINE: 'false',
      ALLOWED_SERVICE_URLS: capture.url,
      RATE_LIMIT_CONVERSATION_PER_MINUTE: '100000',
      RATE_LIMIT_CLIENT_PER_MINUTE: '100000',
    }),
  );
});

afterAll(async () => {
  await app?.close();
  await capture?.close();
});

describe('turns of one conversation arriving together', () => {
  it('a double click: two identical button clicks at once advance the walk twice, in order, with no lost update', async () => {
    const u = user();
    await atNoCodeStep(u);
    const since = capture.count(u.conversationId);

    const both = await Promise.all([u.say(STUCK), u.say(STUCK)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const replies = capture.repliesOf(u.conversationId, since);
    expectNoFailure(replies);
    // Serialised: the first click answers step 1 (-> number), the second answers the number step (-> notifications).
    // Two racing turns would both have read step 1 and both said "number".
    expect(count(replies, STEP.number)).toBe(1);
    expect(count(replies, STEP.notifications)).toBe(1);
    expectStateDocument(u.conversationId);

    // The conversation continues from where the two turns left it.
    const next = await u.say(STUCK);
    expect(next.status).toBe(200);
    expectNoFailure(next.replies);
    expect(replyTexts(next.replies)).toContain(STEP.offer);
    expect(buttonTitles(next.replies.at(-1))).toEqual(['Keep trying', 'Talk to a person']);
  });

  it('two different messages at once are both answered, one after the other', async () => {
    const u = user();
    await atNoCodeStep(u);
    const since = capture.count(u.conversationId);
    // "help" re-asks the current step; "No, still stuck" advances it. Either order ends on the number step.
    const both = await Promise.all([u.say('help'), u.say(STUCK)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const replies = capture.repliesOf(u.conversationId, since);
    expectNoFailure(replies);
    expect(count(replies, 'I help you get back into your work or school account')).toBe(1);
    expect(count(replies, STEP.number)).toBeGreaterThanOrEqual(1);
    expectStateDocument(u.conversationId);
    const next = await u.say(STUCK);
    expect(replyTexts(next.replies)).toContain(STEP.notifications);
  });

  it('ten "skip"s at once in the ticket questions: six fields skipped, four answered at the review, then the ticket is sent', async () => {
    const u = user();
    await atPageUrlQuestion(u);
    const since = capture.count(u.conversationId);

    const results = await Promise.all(Array.from({ length: 10 }, () => u.say('skip')));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const replies = capture.repliesOf(u.conversationId, since);
    expectNoFailure(replies);
    // Six optional questions are left (page address, error code, request id, correlation id, time, account type):
    // each of the first six skips answers exactly one, and the four extra skips meet the review.
    expect(count(replies, "What's the error code?")).toBe(1);
    expect(count(replies, "What's the Request Id")).toBe(1);
    expect(count(replies, "What's the Correlation Id?")).toBe(1);
    expect(count(replies, 'When did the error happen?')).toBe(1);
    expect(count(replies, 'Is it a work or school account')).toBe(1);
    expect(count(replies, "Sorry, I didn't catch that.")).toBe(4);
    expect(count(replies, REVIEW)).toBe(5);
    const state = expectStateDocument(u.conversationId);
    expect(JSON.stringify(state)).toContain('"phase":"review"');

    const sent = await u.say('Send to the help desk');
    expect(sent.status).toBe(200);
    expectNoFailure(sent.replies);
    const ticketId = TICKET.exec(replyTexts(sent.replies))?.[1];
    expect(ticketId, replyTexts(sent.replies)).toBeDefined();
    const ticket = await app.tickets.get(ticketId!);
    expect(ticket).toMatchObject({ status: 'queued', fields: { userId: 'alex@contoso.com' } });
    expect(ticket!.conversation.conversationId).toBe(u.conversationId);
  });

  it('ten identical messages at once (a client retrying) are all answered and leave a valid, usable state', async () => {
    const u = user();
    await atNoCodeStep(u);
    const since = capture.count(u.conversationId);
    const results = await Promise.all(Array.from({ length: 10 }, () => u.say('help')));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const replies = capture.repliesOf(u.conversationId, since);
    expectNoFailure(replies);
    expect(count(replies, 'I help you get back into your work or school account')).toBe(10);
    expect(count(replies, STEP.restart)).toBe(10);
    expectStateDocument(u.conversationId);
    const next = await u.say(STUCK);
    expectNoFailure(next.replies);
    expect(replyTexts(next.replies)).toContain(STEP.number);
  });

  it('a join and the first message arriving together are both handled', async () => {
    const u = user();
    const since = capture.count(u.conversationId);
    const [joined, said] = await Promise.all([u.join(), u.say(NO_CODE)]);
    expect([joined.status, said.status]).toEqual([200, 200]);
    const replies = capture.repliesOf(u.conversationId, since);
    expectNoFailure(replies);
    expect(replyTexts(replies)).toContain(STEP.restart);
    expectStateDocument(u.conversationId);
  });
});

describe('many conversations at once', () => {
  it('forty conversations walk the tree in parallel, each getting only its own answers', async () => {
    const users = Array.from({ length: 40 }, () => user());
    await Promise.all(
      users.map(async (u, i) => {
        await atNoCodeStep(u);
        // Half of them also double-click, to mix same-conversation and cross-conversation concurrency.
        const clicks = i % 2 === 0 ? await Promise.all([u.say(STUCK), u.say(STUCK)]) : [await u.say(STUCK)];
        for (const c of clicks) expect(c.status).toBe(200);
        const last = await u.say(STUCK);
        expect(last.status).toBe(200);
        expect(replyTexts(last.replies)).toContain(i % 2 === 0 ? STEP.offer : STEP.notifications);
      }),
    );
    for (const u of users) {
      const replies = capture.repliesOf(u.conversationId);
      expectNoFailure(replies);
      // Replies reached the right conversation: the activity's own conversation id matches the URL's.
      for (const r of replies) expect(r.conversation?.id).toBe(u.conversationId);
      expectStateDocument(u.conversationId);
    }
  });

  it('twelve users file tickets at the same time: twelve distinct tickets, all queued', async () => {
    const users = Array.from({ length: 12 }, () => user());
    const ids = await Promise.all(
      users.map(async (u) => {
        await atPageUrlQuestion(u);
        let turn = await u.say('skip');
        for (let i = 0; i < 8 && !replyTexts(turn.replies).includes(REVIEW); i += 1) turn = await u.say('skip');
        expect(replyTexts(turn.replies)).toContain(REVIEW);
        const sent = await u.say('Send to the help desk');
        expectNoFailure(sent.replies);
        const id = TICKET.exec(replyTexts(sent.replies))?.[1];
        expect(id, replyTexts(sent.replies)).toBeDefined();
        return id!;
      }),
    );
    expect(new Set(ids).size).toBe(12);
    const queue = await app.handoff.queue();
    const queued = new Set(queue.map((t) => t.id));
    for (const id of ids) expect(queued.has(id), `${id} in the queue`).toBe(true);
  });

  it('every document the store wrote parses', () => {
    const check = checkStoreDocuments(dataDir);
    expect(check.bad).toEqual([]);
    // Documents, or journal lines not yet compacted into them: both must parse.
    expect(check.documents + check.journalLines).toBeGreaterThan(50);
  });
});
