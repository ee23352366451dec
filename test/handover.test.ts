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
