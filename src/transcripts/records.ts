import type { PathEntry, SessionOutcome } from '../tree/types.js';
import type { ConversationFilter, ConversationInfo, ConversationSummary, PageRequest } from './types.js';

/**
 * The semantics every TranscriptStore shares, as pure functions: what a stored conversation means at a given
 * instant, which conversations a filter keeps, and in which order pages come. A database-backed store may push
 * the same rules into its queries, and can check itself against these in tests.
 */

export const DEFAULT_ABANDON_AFTER_MS = 30 * 60_000;
export const PREVIEW_LENGTH = 120;

/** A store's abandon period from its options: quiet this long, an unfinished walk counts as abandoned. */
export function abandonPeriod(options: { abandonAfterMs?: number }): number {
  const ms = options.abandonAfterMs ?? DEFAULT_ABANDON_AFTER_MS;
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`abandonAfterMs must be >= 0, got ${ms}`);
  return ms;
}

/** JSON drops undefined fields anyway; dropping them first makes a fresh entry equal its stored and reloaded self. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export interface UnfinishedWalk {
  branch: string | null;
  path: PathEntry[];
}

/** What a store keeps per conversation; outcome, branch, path... are derived from it at read time. */
export interface ConversationRecord extends ConversationInfo {
  startedAt: string;
  lastActivityAt: string;
  messageCount: number;
  preview: string;
  sessions: SessionOutcome[];
  /** The walk under way, kept by progress() so an abandoned conversation still shows where it stopped. */
  walk: UnfinishedWalk | null;
}

export interface DerivedConversation {
  summary: ConversationSummary;
  /**
   * Whether outcome/branch/path describe the unfinished walk rather than the last session. The summary alone
   * cannot tell an abandoned unfinished walk from a last session the walker itself recorded as "abandoned".
   */
  fromUnfinishedWalk: boolean;
}

export function toMillis(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not a timestamp: "${iso}"`);
  return ms;
}

export const earlier = (a: string, b: string): string => (toMillis(b) < toMillis(a) ? b : a);
export const later = (a: string, b: string): string => (toMillis(b) > toMillis(a) ? b : a);

/** The list shows one line per conversation: whitespace collapsed, cut at PREVIEW_LENGTH with an ellipsis. */
export function previewOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(line); // code points, so an emoji is never cut in half
  return chars.length <= PREVIEW_LENGTH ? line : `${chars.slice(0, PREVIEW_LENGTH - 1).join('')}…`;
}

/**
 * What the latest walk says about the conversation as of being `quiet` or not: the part of the summary that
 * depends on the clock, and all that filters on outcome, branch and rating need (the embedded store's index
 * asks it without building a summary).
 */
export function latestWalkOf(
  record: Pick<ConversationRecord, 'walk' | 'sessions'>,
  quiet: boolean,
): Pick<ConversationSummary, 'outcome' | 'branch' | 'rating'> {
  const last = record.sessions.at(-1);
  if (record.walk) return { outcome: quiet ? 'abandoned' : 'in-progress', branch: record.walk.branch, rating: null };
  if (last) return { outcome: conversationOutcomeOf(last), branch: last.branch, rating: last.rating };
  return { outcome: quiet ? 'abandoned' : 'in-progress', branch: null, rating: null };
}

/**
 * The summary as of `now`. An unfinished walk is the latest walk, so it supplies branch and path both while it
 * is in progress and once it counts as abandoned (no rating or ticket: those only come with a finished walk).
 * Without one, the last finished walk speaks; a conversation with no walk at all is in progress until it has
 * been quiet for the abandon period.
 */
export function deriveSummary(record: ConversationRecord, now: Date, abandonAfterMs: number): DerivedConversation {
  const quiet = now.getTime() - toMillis(record.lastActivityAt) >= abandonAfterMs;
  const last = record.sessions.at(-1);
  // A ticket stays on the conversation when a new walk starts after it: admins look conversations up by it.
  const ticketId = record.sessions.findLast((s) => s.ticketId)?.ticketId ?? null;
  const base = {
    conversationId: record.conversationId,
    channelId: record.channelId,
    userId: record.userId,
    ...(record.userName !== undefined ? { userName: record.userName } : {}),
    startedAt: record.startedAt,
    lastActivityAt: record.lastActivityAt,
    messageCount: record.messageCount,
    preview: record.preview,
    sessions: record.sessions,
  };
  const latest = latestWalkOf(record, quiet);
  if (record.walk) return { summary: { ...base, ...latest, path: record.walk.path, ticketId }, fromUnfinishedWalk: true };
  if (last) {
    const resolvedBy = last.ticketOutcome === 'resolved' ? { resolvedBy: 'agent' as const } : {};
    return { summary: { ...base, ...latest, ...resolvedBy, path: last.path, ticketId }, fromUnfinishedWalk: false };
  }
  return { summary: { ...base, ...latest, path: [], ticketId: null }, fromUnfinishedWalk: false };
}

/**
 * What a finished walk means for its conversation: an escalation whose ticket an agent resolved is resolved,
 * one the user withdrew is cancelled. (Branch figures still count the walk as escalated: see analytics.ts.)
 */
export function conversationOutcomeOf(session: SessionOutcome): ConversationSummary['outcome'] {
  if (session.outcome === 'escalated' && session.ticketOutcome === 'resolved') return 'resolved';
  if (session.outcome === 'escalated' && session.ticketOutcome === 'withdrawn') return 'cancelled';
  return session.outcome;
}

/** Every filter field except text, which each store answers with its own index. */
export function matchesFilter(summary: ConversationSummary, filter: Omit<ConversationFilter, 'text'>): boolean {
  const at = toMillis(summary.lastActivityAt);
  if (filter.from && at < filter.from.getTime()) return false;
  if (filter.to && at >= filter.to.getTime()) return false;
  if (filter.outcome !== undefined && summary.outcome !== filter.outcome) return false;
  if (filter.branch !== undefined && summary.branch !== filter.branch) return false;
  if (filter.rating !== undefined && summary.rating !== filter.rating) return false;
  return true;
}

/** Newest activity first; the id breaks ties so pages never overlap or skip between requests. */
export function newestFirst(a: ConversationSummary, b: ConversationSummary): number {
  const byTime = toMillis(b.lastActivityAt) - toMillis(a.lastActivityAt);
  if (byTime !== 0) return byTime;
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
}

export function checkPage(page: PageRequest): void {
  if (!Number.isInteger(page.offset) || page.offset < 0) throw new RangeError(`offset must be a whole number >= 0, got ${page.offset}`);
  if (!Number.isInteger(page.limit) || page.limit < 0) throw new RangeError(`limit must be a whole number >= 0, got ${page.limit}`);
}

/** Whether the filter asks for text at all: blank text means "any conversation", not "none". */
export const hasText = (filter: ConversationFilter): filter is ConversationFilter & { text: string } =>
  filter.text !== undefined && filter.text.trim() !== '';

/**
 * Filters, orders and slices. `textMatches` holds the ids the store's text index found for filter.text
 * (ignored when the filter has no text); total counts every match, items only the requested page.
 */
export function selectPage(
  summaries: readonly ConversationSummary[],
  filter: ConversationFilter,
  page: PageRequest,
  textMatches?: ReadonlySet<string>,
): { total: number; items: ConversationSummary[] } {
  checkPage(page);
  const needText = hasText(filter);
  const matching = summaries
    .filter((s) => matchesFilter(s, filter) && (!needText || (textMatches?.has(s.conversationId) ?? false)))
    .sort(newestFirst);
  return { total: matching.length, items: matching.slice(page.offset, page.offset + page.limit) };
}
