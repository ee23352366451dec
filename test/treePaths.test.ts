import { describe, expect, it } from 'vitest';
import { allPaths } from '../src/knowledge/paths.js';
import type { TreeNode } from '../src/knowledge/schema.js';
import { ui } from '../src/tree/messages.js';
import { TICKET_FIELDS } from '../src/tickets/fields.js';
import { buildSummary } from '../src/tickets/summary.js';
import { buttonsOf, CORRELATION, createHarness, fileTicket, realKnowledge, textsOf } from './helpers/botHarness.js';
import { clickFor, handoverButtons } from './helpers/pathClicks.js';

const tree = realKnowledge();
const paths = allPaths(tree);
const [YES, NO] = ui.fixedChoices.map((c) => c.label) as [string, string];

const HANDOVER = handoverButtons(tree);

/** What the path records for a hop: the edge's answer, or the check answer the user clicked. */
function recordedFor(hop: { node: string; via?: string }): string | undefined {
  const node = tree.nodes.get(hop.node)!;
  return hop.via && node.type === 'step' && node.check ? clickFor(hop.via, node) : hop.via;
}

function expectPresented(replies: Awaited<ReturnType<Awaited<ReturnType<typeof createHarness>>['say']>>, node: TreeNode): void {
  // The node's text, or one of its variants (which one depends on what the user said on the way).
  expect([node.text, ...node.variants.map((v) => v.text)].some((t) => textsOf(replies).includes(t))).toBe(true);
  const last = replies.at(-1);
  if (node.type === 'choice') expect(buttonsOf(last)).toEqual(node.options.map((o) => o.label));
  if (node.type === 'step') expect(buttonsOf(last)).toEqual(node.check ? node.check.choices.map((c) => c.label) : [YES, NO]);
  if (node.type === 'resolved') expect(buttonsOf(last)).toEqual(['1', '2', '3', '4', '5', 'Skip']);
}

describe('every root-to-leaf path of the knowledge tree, turn by turn', () => {
  it('has paths to test, each ending in resolved or escalate', () => {
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) expect(['resolved', 'escalate']).toContain(tree.nodes.get(path.at(-1)!.node)!.type);
  });

  it.each(paths.map((p, i) => [i + 1, p.map((h) => h.node).join(' > '), p] as const))('path %i: %s', async (_i, _name, hops) => {
    const h = await createHarness({ tree });
    let replies = await h.join();
    expect(textsOf(replies)).toContain(tree.index.welcome);
    for (const hop of hops) {
      const node = tree.nodes.get(hop.node)!;
      expectPresented(replies, node);
      if (hop.via === undefined) break;
      const click = clickFor(hop.via, node);
      expect(buttonsOf(replies.at(-1))).toContain(click);
      replies = await h.say(click);
      // After a few steps that did not fix it the bot offers a person; these paths keep trying.
      if (JSON.stringify(buttonsOf(replies.at(-1))) === JSON.stringify(HANDOVER)) replies = await h.say(HANDOVER[0]!);
    }
    const leaf = tree.nodes.get(hops.at(-1)!.node)!;
    if (leaf.type === 'resolved') {
      replies = await h.say('4');
      expect(textsOf(replies)).toContain(ui.ratingThanks(4));
    } else {
      // Escalation goes on to the ticket: the intro, then the first question.
      expect(textsOf(replies)).toContain(tree.index.escalation.intro);
      expect(textsOf(replies)).toContain(TICKET_FIELDS[0]!.prompt);
      await fileTicket(h);
      const [ticket] = await h.tickets.listOpen();
      const branch = hops[1]!.node;
      expect(ticket).toMatchObject({
        status: 'queued',
        category: branch,
        priority: branch === 'lost-phone' ? 'urgent' : 'normal',
        fields: { userId: 'alex@contoso.com', errorCode: '50076', correlationId: CORRELATION },
        escalatedFrom: leaf.id,
      });
      // Steps tried: every hop between the menu and the escalation, with the answer given there.
      expect(ticket!.stepsTried).toEqual(
        hops.slice(1, -1).map((hop) => ({ node: hop.node, title: tree.nodes.get(hop.node)!.title, outcome: recordedFor(hop) })),
      );
      const summary = buildSummary(ticket!, new Date());
      expect(summary.stepsTried).toHaveLength(hops.length - 2);
      expect(summary.fields.find((f) => f.name === 'correlationId')?.value).toBe(CORRELATION);
    }
    const [outcome] = await h.outcomes.list();
    expect(outcome).toMatchObject({
      outcome: leaf.type === 'resolved' ? 'resolved' : 'escalated',
      rating: leaf.type === 'resolved' ? 4 : null,
      branch: hops[1]!.node,
    });
    if (leaf.type === 'escalate') expect(outcome!.ticketId).toMatch(/^MFA-[A-Z0-9]{6}$/);
    expect(outcome!.path.map((p) => p.node)).toEqual(hops.map((hop) => hop.node));
    expect(outcome!.path.slice(0, -1).map((p) => p.answer)).toEqual(hops.slice(0, -1).map(recordedFor));
  });
});
