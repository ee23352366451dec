import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { ticketReviewCard } from '../src/cards/ticketReviewCard.js';
import { allPaths } from '../src/knowledge/paths.js';
import { summaryToAdaptiveCard } from '../src/cards/summaryCard.js';
import { buildSummary } from '../src/tickets/summary.js';
import { cardProblems } from './helpers/adaptiveCards.js';
import { buttonsOf, createHarness, fileTicket, realKnowledge, type Harness } from './helpers/botHarness.js';
import { clickFor, handoverButtons } from './helpers/pathClicks.js';

const tree = realKnowledge();
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const base = { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5' };

/** Every distinct Adaptive Card in the replies, keyed by its JSON. */
function collect(into: Map<string, unknown>, replies: Partial<Activity>[]): Partial<Activity>[] {
  for (const a of replies)
    for (const att of a.attachments ?? []) if (att.contentType === ADAPTIVE) into.set(JSON.stringify(att.content), att.content);
  return replies;
}

/** The harness, with every reply's cards collected (fileTicket and the walk both go through `say`). */
function collecting(h: Harness, into: Map<string, unknown>): Harness {
  return { ...h, say: async (t) => collect(into, await h.say(t)), join: async () => collect(into, await h.join()) };
}

const kindOf = (card: unknown): string => {
  const c = card as { body?: { type: string; text?: string }[]; actions?: unknown[] };
  if (c.body?.some((e) => e.type === 'FactSet') && c.body[0]?.text === 'Your request to the help desk') return 'ticket review';
  if (c.actions) return 'choices (up to five)';
  if (c.body?.every((e) => e.type === 'ActionSet')) return 'choices (one per row)';
  return 'escalation summary';
};

describe('the Adaptive Cards check (adaptivecards SDK at version 1.5)', () => {
  it('can fail: unknown types, invalid values, 1.6 properties, unknown properties and a newer version', () => {
    expect(cardProblems({ ...base, body: [{ type: 'Input.Bogus' }] }).join('\n')).toMatch(/Unknown element type "Input\.Bogus"/);
    expect(cardProblems({ ...base, body: [{ type: 'TextBlock', text: 'x', color: 'Purple' }] }).join('\n')).toMatch(
      /Invalid value "Purple"/,
    );
    expect(cardProblems({ ...base, body: [{ type: 'Image', url: 'https://example.org/a.png', forceLoad: true }] }).join('\n')).toMatch(
      /"forceLoad" is supported in version 1\.6/,
    );
    expect(cardProblems({ ...base, body: [{ type: 'TextBlock', text: 'x', colour: 'Good' }] })).toEqual([
      'dropped by the parser: .body[0].colour = "Good"',
    ]);
    expect(cardProblems({ ...base, version: '1.6', body: [] })).toEqual(['version 1.6 is not <= 1.5']);
    expect(cardProblems({ ...base, body: [{ type: 'TextBlock', text: 'fine', wrap: true }], msteams: { width: 'Full' } })).toEqual([]);
  });
});

describe('every Adaptive Card the bot sends', () => {
  it('passes on every path of the tree in Teams: choices, the ticket review and the escalation summary', async () => {
    const cards = new Map<string, unknown>();
    for (const hops of allPaths(tree)) {
      const h = await createHarness({ tree, channelId: 'msteams' });
      const user = collecting(h, cards);
      await user.join();
      for (const hop of hops) {
        if (hop.via === undefined) continue;
        const replies = await user.say(clickFor(hop.via, tree.nodes.get(hop.node)!));
        // After a few steps that did not fix it the bot offers a person; the path keeps trying.
        if (buttonsOf(replies.at(-1)).join('|') === handoverButtons(tree).join('|')) await user.say(handoverButtons(tree)[0]);
      }
      if (tree.nodes.get(hops.at(-1)!.node)!.type !== 'escalate') continue;
      await fileTicket(user);
      for (const ticket of await h.tickets.listOpen()) {
        const card = summaryToAdaptiveCard(buildSummary(ticket, new Date()));
        cards.set(JSON.stringify(card), card);
      }
    }
    // Changing a detail from the review: the list of fields (more than six buttons).
    const h = collecting(await createHarness({ tree, channelId: 'msteams' }), cards);
    await h.join();
    await h.say('talk to a person');
    await h.say('alex@contoso.com');
    await h.say('The verification code never arrives on my phone');
    for (let i = 0; i < 6; i += 1) await h.say('skip');
    await h.say('Change a detail');

    const kinds = new Set([...cards.values()].map(kindOf));
    expect([...kinds].sort()).toEqual(['choices (one per row)', 'choices (up to five)', 'escalation summary', 'ticket review']);
    for (const [json, card] of cards) expect(cardProblems(card), `${kindOf(card)}: ${json.slice(0, 120)}`).toEqual([]);
  });

  it('passes with hostile, long and empty values in the review card', () => {
    const hostile = ticketReviewCard({
      userId: '**bold**@contoso.com',
      errorMessage: `<script>alert(1)</script> [link](javascript:alert(1)) \u202eevil\u202c ${'x'.repeat(2000)}`,
      pageUrl: 'https://login.microsoftonline.com/common/oauth2/authorize?client_id=1&redirect_uri=x_y',
      errorCode: '# AADSTS50076',
      accountType: 'work-or-school',
    });
    const empty = ticketReviewCard({});
    for (const out of [hostile, empty]) {
      expect(out.kind).toBe('card');
      if (out.kind === 'card') expect(cardProblems(out.card)).toEqual([]);
    }
  });
});
