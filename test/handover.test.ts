import { describe, expect, it } from 'vitest';
import { ui } from '../src/tree/messages.js';
import { createHarness, fileTicket, textsOf, type Harness } from './helpers/botHarness.js';

/** A user who asked for a person at once and sent the ticket: waiting in the queue. */
async function queued(h?: Harness): Promise<{ h: Harness; id: string }> {
  const harness = h ?? (await createHarness());
  await harness.say('talk to a person');
  await fileTicket(harness);
  const [ticket] = await harness.tickets.listOpen();
  return { h: harness, id: ticket!.id };
}

describe('after the help desk resolves', () => {
  it('asks about the help the user got, not "how helpful was I", and thanks for that', async () => {
    const { h, id } = await queued();
    await h.handoff.claim(id, 'alice');
    await h.handoff.resolve(id, 'alice');
    const asked = textsOf(h.signalled);
    expect(asked).toContain(ui.agentRatingPrompt);
    expect(asked).toContain('How helpful was the help you got today');
    expect(asked).not.toContain('How helpful was I');
    const thanks = textsOf(await h.say('5'));
    expect(thanks).toContain('Thanks for rating the help you got 5 out of 5.');
    expect(thanks).not.toContain('rating me');
  });
});

describe('"talk to a person"', () => {
  const apology = "Sorry we couldn't sort it out together";

  it('before anything was tried: a neutral hand-over line, no apology', async () => {
    for (const first of ['talk to a person', 'Something else / none of these']) {
      const h = await createHarness();
      await h.join();
      const text = textsOf(await h.say(first));
      expect(text).toContain("Sure, let's get a person on it.");
      expect(text).not.toContain(apology);
    }
    // In a branch, but no step answered yet.
    const h = await createHarness();
    await h.say('I have a new phone or a new number');
    expect(textsOf(await h.say('talk to a person'))).not.toContain(apology);
  });

  it('after a step that did not fix it: says sorry that it did not work out', async () => {
    const h = await createHarness();
    await h.say('My code, text or call never arrives');
    await h.say('No, still stuck');
    const text = textsOf(await h.say('talk to a person'));
    expect(text).toContain(apology);
    expect(text).not.toContain("Sure, let's get a person on it.");
  });
});

describe('one open ticket per user', () => {
  /** Another conversation over the same help desk queue (another tab, another Teams chat). */
  const elsewhere = (h: Harness, conversationId: string) => createHarness({ tickets: h.tickets, conversationId });
  const as = (userId: string, text: string) => ({ type: 'message' as const, text, from: { id: userId, name: 'User' } });

  it('ticket sent, then "menu", then "talk to a person": rejoins the open ticket (number, place, status), asks nothing', async () => {
    const { h, id } = await queued();
    await h.say('menu');
    const replies = textsOf(await h.say('talk to a person'));
    expect(replies).toContain(`You already have ticket **${id}** open with the help desk, so I haven't opened another one.`);
    expect(replies).toContain("It's waiting for someone from the help desk. You're next in the queue.");
    expect(replies).not.toContain("What's the email address");
    expect((await h.tickets.listOpen()).map((t) => t.id)).toEqual([id]);
    // Waiting on it again: what the user types goes to the help desk.
    expect(textsOf(await h.say('any news?'))).toContain("I've added that to your ticket.");
    const ticket = (await h.tickets.get(id))!;
    expect(ticket.userWaiting).toBe(true);
    expect(ticket.messages.map((m) => m.text)).toContain('any news?');
  });

  it('from another conversation of the same user: rejoins, and the agent now reaches that conversation', async () => {
    const { h, id } = await queued();
    await h.handoff.claim(id, 'alice');
    const other = await elsewhere(h, 'conv-2');
    const replies = textsOf(await other.say('I want to talk to a human'));
    expect(replies).toContain(`You already have ticket **${id}** open`);
    expect(replies).toContain('**alice** from the help desk is working on it');
    expect(replies).not.toContain("What's the email address");
    expect(await h.tickets.listOpen()).toHaveLength(1);
    const ticket = (await h.tickets.get(id))!;
    expect(ticket.conversation.conversationId).toBe('conv-2');
    expect(ticket.messages.at(-1)!.text).toContain('came back in another conversation');
  });

  it('keys on the channel user id, not a typed email: someone else typing the same email gets their own ticket', async () => {
    const { h, id } = await queued();
    const other = await elsewhere(h, 'conv-x');
    const replies = textsOf(await other.say(as('mallory', "I'm alex@contoso.com, talk to a person")));
    expect(replies).not.toContain(id);
    expect(replies).toContain('What does the error message say'); // the ticket questions: a ticket of their own
    expect((await h.tickets.get(id))!.conversation.conversationId).toBe('conv-1');
  });

  it('a closed ticket is not rejoined: a new request opens a new ticket', async () => {
    const { h, id } = await queued();
    await h.say('cancel'); // withdraws the queued ticket
    await h.say('talk to a person');
    await fileTicket(h);
    const open = await h.tickets.listOpen();
    expect(open).toHaveLength(1);
    expect(open[0]!.id).not.toBe(id);
  });
});

describe("the admin's record of a conversation with a ticket", () => {
  const record = async (h: Harness) => (await h.outcomes.get('conv-1'))!.conversation;

  it('agent-resolved and rated: resolved, by an agent, with the rating', async () => {
    const { h, id } = await queued();
    expect(await record(h)).toMatchObject({ outcome: 'escalated', ticketId: id });
    await h.handoff.claim(id, 'alice');
    await h.handoff.resolve(id, 'alice');
    await h.say('4');
    expect(await record(h)).toMatchObject({ outcome: 'resolved', resolvedBy: 'agent', rating: 4, ticketId: id });
  });

  it('withdrawn: cancelled', async () => {
    const { h, id } = await queued();
    await h.say('cancel');
    expect(await record(h)).toMatchObject({ outcome: 'cancelled', ticketId: id });
  });

  it('a new walk after the ticket: the ticket stays on the conversation', async () => {
    const { h, id } = await queued();
    await h.say('menu');
    await h.say('My code, text or call never arrives');
    expect(await record(h)).toMatchObject({ outcome: 'in-progress', branch: 'no-code', ticketId: id });
    await h.say('Yes, that worked');
    await h.say('5');
    expect(await record(h)).toMatchObject({ outcome: 'resolved', ticketId: id, rating: 5 });
  });
});

describe('one open ticket per user in Teams', () => {
  it('keys on the AAD object id: the same person in another Teams chat rejoins their ticket', async () => {
    const alex = (id: string) => (text: string) => ({
      type: 'message' as const,
      text,
      from: { id, name: 'Alex', aadObjectId: 'AAD-ALEX-1' },
    });
    const first = await createHarness({ channelId: 'msteams', conversationId: 'teams-chat-1' });
    const say = alex('29:first-chat-id');
    await first.say(say('talk to a person'));
    await first.say(say('alex@contoso.com'));
    await first.say(say('The code never arrives on my phone'));
    let replies = await first.say(say('skip'));
    for (let i = 0; i < 8 && !textsOf(replies).includes('Is everything right?'); i += 1) replies = await first.say(say('skip'));
    await first.say(say('Send to the help desk'));
    const [ticket] = await first.tickets.listOpen();
    expect(ticket!.userKey).toBe('aad:aad-alex-1');
    // Another chat: Teams gives another conversation and may give another channel user id, the same AAD id.
    const second = await createHarness({ channelId: 'msteams', conversationId: 'teams-chat-2', tickets: first.tickets });
    expect(textsOf(await second.say(alex('29:second-chat-id')('talk to a person')))).toContain(
      `You already have ticket **${ticket!.id}** open`,
    );
    // Someone else in Teams with their own AAD id: a ticket of their own.
    const third = await createHarness({ channelId: 'msteams', conversationId: 'teams-chat-3', tickets: first.tickets });
    const other = {
      type: 'message' as const,
      text: 'talk to a person',
      from: { id: '29:first-chat-id', name: 'Sam', aadObjectId: 'AAD-SAM-2' },
    };
    expect(textsOf(await third.say(other))).toContain("What's the email address");
  });
});
