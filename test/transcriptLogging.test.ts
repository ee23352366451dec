import { describe, expect, it } from 'vitest';
import { createHarness } from './helpers/botHarness.js';

/** botbuilder's transcript middleware does not await the logger: give the writes a moment. */
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('transcript logging through botbuilder middleware', () => {
  it('stores every user and bot activity, redacted, with the walk beside it', async () => {
    const h = await createHarness({ conversationId: 'logged-1' });
    await h.join();
    await h.say('My code, text or call never arrives');
    await h.say('no, and please call me on +44 7700 900123');
    await h.say('my code 731904 expired anyway, no');
    await h.say('menu');
    await settle();
    const found = await h.outcomes.get('logged-1');
    expect(found).toBeDefined();
    const { conversation, entries } = found!;
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    expect(entries[0]).toMatchObject({ role: 'user', type: 'conversationUpdate' });
    const users = entries.filter((e) => e.role === 'user' && e.type === 'message').map((e) => e.text);
    expect(users).toEqual([
      'My code, text or call never arrives',
      'no, and please call me on [phone]',
      'my code [code] expired anyway, no',
      'menu',
    ]);
    const menu = entries.find((e) => e.role === 'bot' && (e.buttons?.length ?? 0) > 5);
    expect(menu?.buttons).toContain('I left my phone at home');
    expect(JSON.stringify(entries)).not.toMatch(/7700|731904/);
    expect(conversation).toMatchObject({ outcome: 'abandoned', branch: 'no-code', userId: 'user1' });
    expect(conversation.path.map((p) => p.node)).toEqual(['main-menu', 'no-code', 'no-code-check-number', 'no-code-notifications']);
  });

  it('shows a walk in progress, and as abandoned once it has been left long enough', async () => {
    let now = new Date();
    const h = await createHarness({ conversationId: 'logged-2', now: () => now });
    await h.say('I left my phone at home');
    await settle();
    expect((await h.outcomes.get('logged-2', now))!.conversation).toMatchObject({ outcome: 'in-progress', branch: 'phone-at-home' });
    now = new Date(now.getTime() + 31 * 60_000);
    expect((await h.outcomes.get('logged-2', now))!.conversation).toMatchObject({ outcome: 'abandoned', branch: 'phone-at-home' });
  });
});
