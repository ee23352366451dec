import type { KnowledgeTree } from '../../src/knowledge/loader.js';
import type { TreeNode } from '../../src/knowledge/schema.js';
import { ui } from '../../src/tree/messages.js';

const [YES, NO] = ui.fixedChoices.map((c) => c.label) as [string, string];

/** The label a user clicks to follow an edge (a step's own check question answers it with its own words). */
export function clickFor(via: string, node: TreeNode): string {
  if (node.type === 'step' && node.check && (via === 'fixed' || via === 'not fixed')) {
    return node.check.choices.find((c) => c.then === (via === 'fixed' ? 'fixed' : 'next'))!.label;
  }
  return via === 'fixed' ? YES : via === 'not fixed' ? NO : via;
}

/** The buttons of the offer of a person after a few failed steps: a path through the tree keeps trying. */
export function handoverButtons(tree: KnowledgeTree): [keepTrying: string, person: string] {
  return [tree.index.handover.keepTryingLabel, tree.index.handover.personLabel];
}
