import { describe, expect, it } from 'vitest';
import { ui } from '../src/tree/messages.js';
import { buttonsOf, createHarness, realKnowledge, textsOf } from './helpers/botHarness.js';

// Issue 15: understanding real people. Each row of the issue that this file covers is a turn-by-turn test.
const tree = realKnowledge();
const node = (id: string) => tree.nodes.get(id)!;
const text = (id: string) => (node(id) as { text: string }).text;
const menuLabels = (node('main-menu') as { options: { label: string }[] }).options.map((o) => o.label);

describe('routing you can trust', () => {
  it.each(["I'm locked out", 'my account is locked'])(
    '"%s" as a first message: asks which problem with the menu, never jumps',
    async (first) => {
      const h = await createHarness();
      const replies = await h.say(first);
      expect(textsOf(replies)).toContain(ui.vagueIntro);
      expect(buttonsOf(replies.at(-1))).toEqual(menuLabels);
      expect(textsOf(replies)).not.toContain(node('changed-number-only-admin').title);
      expect(textsOf(replies)).not.toContain(text('changed-number-only-admin'));
      // The answer to the question goes on as usual: the first button is the lost-phone branch.
      expect(textsOf(await h.say('1'))).toContain(text('lost-phone'));
    },
  );

  it('"my account is locked" at the menu asks again which problem instead of jumping', async () => {
    const h = await createHarness();
    await h.join();
    const replies = await h.say('my account is locked');
    expect(textsOf(replies)).toContain(ui.vagueIntro);
    expect(textsOf(replies)).not.toContain(ui.notUnderstood);
    expect(buttonsOf(replies.at(-1))).toEqual(menuLabels);
  });

  it('"approve sign in request never shows up on my phone" starts the no-code branch', async () => {
    const h = await createHarness();
    const replies = await h.say('approve sign in request never shows up on my phone');
    expect(textsOf(replies)).toContain(`**${node('no-code').title}**`);
    expect(textsOf(replies)).toContain(text('no-code'));
    expect(textsOf(replies)).not.toContain(text('not-prompted'));
  });

  it('"reset my mfa please" asks which problem instead of sending the user to a password reset', async () => {
    const h = await createHarness();
    const replies = await h.say('reset my mfa please');
    expect(textsOf(replies)).not.toContain(text('forgot-password'));
    expect(textsOf(replies)).toContain(ui.vagueIntro);
    expect(buttonsOf(replies.at(-1))).toEqual(menuLabels);
    // From there, the changed-number branch leads to the admin reset.
    expect(textsOf(await h.say('I have a new phone or a new number'))).toContain(text('changed-number'));
  });
});
