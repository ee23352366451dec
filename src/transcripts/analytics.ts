import type { PathEntry } from '../tree/types.js';
import type { BranchStats, ConversationSummary } from './types.js';

/**
 * Per-branch figures for content owners, as a pure function over conversation summaries so every store
 * reports the same numbers. The unit is the walk, not the conversation: a user who gave up on one branch and
 * then solved it in another counts once in each.
 */

/** A summary plus the flag from deriveSummary(): its outcome fields come from an unfinished walk. */
export type AnalyzedConversation = ConversationSummary & { fromUnfinishedWalk?: boolean };

/** Walks with no branch (left at the main menu, or recorded before branches existed). */
export const OTHER_BRANCH = 'other';

type WalkKind = 'resolved' | 'escalated' | 'abandoned';

interface Walk {
  branch: string;
  kind: WalkKind;
  rating: number | null;
  /** Where a walk that did not resolve was left, if its path says. */
  dropOff: string | undefined;
}

/**
 * An escalated walk ends on the escalate node, so the node people escalated *from* is the one before it
 * (or the escalate node itself when it was reached directly). Abandoned and cancelled walks stopped at their
 * last node. Resolved walks did not drop off anywhere.
 */
function dropOffOf(kind: WalkKind, path: readonly PathEntry[]): string | undefined {
  if (kind === 'resolved') return undefined;
  if (kind === 'escalated') return (path.at(-2) ?? path.at(-1))?.node;
  return path.at(-1)?.node;
}

/** Finished walks, plus the unfinished one once it counts as abandoned; an in-progress walk is not counted yet. */
export function walksOf(conversation: AnalyzedConversation): Walk[] {
  const walks = conversation.sessions.map((s): Walk => {
    const kind: WalkKind = s.outcome === 'resolved' || s.outcome === 'escalated' ? s.outcome : 'abandoned';
    return { branch: s.branch ?? OTHER_BRANCH, kind, rating: s.rating, dropOff: dropOffOf(kind, s.path) };
  });
  if (conversation.fromUnfinishedWalk && conversation.outcome === 'abandoned') {
    walks.push({
      branch: conversation.branch ?? OTHER_BRANCH,
      kind: 'abandoned',
      rating: null,
      dropOff: dropOffOf('abandoned', conversation.path),
    });
  }
  return walks;
}

/** The most frequent node; ties go to the smaller node id so the answer does not depend on input order. */
function topOf(counts: Map<string, number>): { node: string; count: number } | null {
  let best: { node: string; count: number } | null = null;
  for (const [node, count] of counts) {
    if (!best || count > best.count || (count === best.count && node < best.node)) best = { node, count };
  }
  return best;
}

export function branchStats(conversations: readonly AnalyzedConversation[]): BranchStats[] {
  const byBranch = new Map<string, Walk[]>();
  for (const walk of conversations.flatMap(walksOf)) {
    const list = byBranch.get(walk.branch) ?? [];
    list.push(walk);
    byBranch.set(walk.branch, list);
  }
  const stats = [...byBranch].map(([branch, walks]): BranchStats => {
    const count = (kind: WalkKind): number => walks.filter((w) => w.kind === kind).length;
    const ratings = walks.flatMap((w) => (w.rating === null ? [] : [w.rating]));
    const dropOffs = new Map<string, number>();
    for (const w of walks) if (w.dropOff !== undefined) dropOffs.set(w.dropOff, (dropOffs.get(w.dropOff) ?? 0) + 1);
    const resolved = count('resolved');
    const escalated = count('escalated');
    return {
      branch,
      conversations: walks.length,
      resolved,
      escalated,
      abandoned: count('abandoned'),
      resolutionRate: resolved / walks.length,
      escalationRate: escalated / walks.length,
      averageRating: ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null,
      ratings: ratings.length,
      topDropOff: topOf(dropOffs),
    };
  });
  return stats.sort((a, b) => b.conversations - a.conversations || (a.branch < b.branch ? -1 : a.branch > b.branch ? 1 : 0));
}
