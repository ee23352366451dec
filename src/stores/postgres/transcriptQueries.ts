import type { SessionOutcome } from '../../tree/types.js';
import { OTHER_BRANCH } from '../../transcripts/analytics.js';
import type { ConversationRecord, UnfinishedWalk } from '../../transcripts/records.js';
import { prefixQuery } from './searchTerms.js';
import { pgText } from './text.js';
import type { BranchStats, ConversationFilter } from '../../transcripts/types.js';

/**
 * The SQL side of the PostgreSQL transcript store: the rules of filters.ts and analytics.ts (what a
 * conversation's outcome is at a given instant, which ones a filter keeps, per-branch figures) as queries,
 * so the database filters, pages and aggregates instead of shipping every conversation to the bot.
 */

/** Columns that make a ConversationRecord. */
export const RECORD_COLUMNS =
  'conversation_id, channel_id, user_id, user_name, started_at, last_activity_at, message_count, preview, sessions, walk';

export interface RecordRow {
  conversation_id: string;
  channel_id: string;
  user_id: string;
  user_name: string | null;
  started_at: string;
  last_activity_at: string;
  message_count: number;
  preview: string;
  sessions: SessionOutcome[];
  walk: UnfinishedWalk | null;
}

export function recordOf(row: RecordRow): ConversationRecord {
  return {
    conversationId: row.conversation_id,
    channelId: row.channel_id,
    userId: row.user_id,
    ...(row.user_name !== null ? { userName: row.user_name } : {}),
    startedAt: row.started_at,
    lastActivityAt: row.last_activity_at,
    messageCount: row.message_count,
    preview: row.preview,
    sessions: row.sessions,
    walk: row.walk,
  };
}

/** A WHERE clause and its parameters, numbered from $1. */
export interface Where {
  sql: string;
  params: unknown[];
  /** Set when the filter's text has no searchable word: nothing can match. */
  matchesNothing: boolean;
}

/** Quiet for the abandon period, as deriveSummary() decides it: now - last >= period. */
const quiet = (cutoff: string): string => `(last_activity_ms <= ${cutoff})`;

/** conversationOutcomeOf() for the last session: an escalation whose ticket was closed says how. */
const lastOutcomeSql = `(CASE WHEN last_outcome = 'escalated' AND sessions -> -1 ->> 'ticketOutcome' = 'resolved' THEN 'resolved'
  WHEN last_outcome = 'escalated' AND sessions -> -1 ->> 'ticketOutcome' = 'withdrawn' THEN 'cancelled' ELSE last_outcome END)`;

/** deriveSummary()'s outcome: an unfinished walk (or no walk at all) is in progress until quiet, then abandoned. */
const outcomeSql = (cutoff: string): string =>
  `(CASE WHEN walk IS NULL AND last_outcome IS NOT NULL THEN ${lastOutcomeSql} WHEN ${quiet(cutoff)} THEN 'abandoned' ELSE 'in-progress' END)`;

/**
 * Every filter as SQL. `now` and the abandon period become the cutoff for "quiet", a parameter only when a
 * clause needs it (PostgreSQL refuses a parameter it cannot type); `cutoff()` adds it for other queries.
 */
export function whereOf(filter: ConversationFilter, now: Date, abandonAfterMs: number): Where & { cutoff: () => string } {
  const params: unknown[] = [];
  const param = (value: unknown, type: string): string => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  let cutoffParam: string | undefined;
  const cutoff = (): string => (cutoffParam ??= param(now.getTime() - abandonAfterMs, 'double precision'));
  const clauses: string[] = [];
  let matchesNothing = false;
  if (filter.from) clauses.push(`last_activity_ms >= ${param(filter.from.getTime(), 'double precision')}`);
  if (filter.to) clauses.push(`last_activity_ms < ${param(filter.to.getTime(), 'double precision')}`);
  if (filter.outcome !== undefined) clauses.push(`${outcomeSql(cutoff())} = ${param(filter.outcome, 'text')}`);
  if (filter.branch !== undefined) clauses.push(`branch = ${param(pgText(filter.branch), 'text')}`);
  if (filter.rating !== undefined) clauses.push(`rating = ${param(filter.rating, 'double precision')}`);
  if (filter.text !== undefined && filter.text.trim() !== '') {
    const query = prefixQuery(filter.text);
    if (query === undefined) matchesNothing = true;
    else clauses.push(`terms @@ ${param(query, 'tsquery')}`);
  }
  return {
    sql: clauses.length ? clauses.join(' AND ') : 'true',
    params,
    matchesNothing,
    cutoff,
  };
}

/**
 * analytics.ts in SQL. A walk is each finished session plus the unfinished walk once quiet; resolved and
 * escalated keep their kind, everything else counts as abandoned. The drop-off node is the one before the
 * escalate node for escalations, the last node otherwise; ties go to the smaller id in code-point order
 * (COLLATE "C"), as JavaScript's < orders them. Rates divide in double precision, like JavaScript.
 */
export function analyticsSql(table: string, where: Where & { cutoff: () => string }): string {
  const cutoff = where.cutoff();
  return `
    WITH matching AS (
      SELECT sessions, walk, ${quiet(cutoff)} AS quiet FROM ${table} WHERE ${where.sql}
    ), walks AS (
      SELECT coalesce(s ->> 'branch', '${OTHER_BRANCH}') AS branch,
             CASE WHEN s ->> 'outcome' IN ('resolved', 'escalated') THEN s ->> 'outcome' ELSE 'abandoned' END AS kind,
             (s ->> 'rating')::double precision AS rating, s -> 'path' AS path
        FROM matching, jsonb_array_elements(matching.sessions) AS s
      UNION ALL
      SELECT coalesce(walk ->> 'branch', '${OTHER_BRANCH}'), 'abandoned', NULL, walk -> 'path'
        FROM matching WHERE walk IS NOT NULL AND quiet
    ), located AS (
      SELECT branch, kind, rating,
             CASE kind WHEN 'resolved' THEN NULL
                       WHEN 'escalated' THEN coalesce(path -> -2 ->> 'node', path -> -1 ->> 'node')
                       ELSE path -> -1 ->> 'node' END AS drop_off
        FROM walks
    ), drops AS (
      SELECT branch, drop_off, count(*)::integer AS n,
             row_number() OVER (PARTITION BY branch ORDER BY count(*) DESC, drop_off COLLATE "C") AS rank
        FROM located WHERE drop_off IS NOT NULL GROUP BY branch, drop_off
    )
    SELECT l.branch, count(*)::integer AS conversations,
           (count(*) FILTER (WHERE kind = 'resolved'))::integer AS resolved,
           (count(*) FILTER (WHERE kind = 'escalated'))::integer AS escalated,
           (count(*) FILTER (WHERE kind = 'abandoned'))::integer AS abandoned,
           sum(rating) AS rating_sum, count(rating)::integer AS ratings,
           d.drop_off, d.n AS drop_off_count
      FROM located l LEFT JOIN drops d ON d.branch = l.branch AND d.rank = 1
     GROUP BY l.branch, d.drop_off, d.n
     ORDER BY count(*) DESC, l.branch COLLATE "C"`;
}

export interface AnalyticsRow {
  branch: string;
  conversations: number;
  resolved: number;
  escalated: number;
  abandoned: number;
  rating_sum: number | null;
  ratings: number;
  drop_off: string | null;
  drop_off_count: number | null;
}

export function branchStatsOf(row: AnalyticsRow): BranchStats {
  const n = row.conversations;
  return {
    branch: row.branch,
    conversations: n,
    resolved: row.resolved,
    escalated: row.escalated,
    abandoned: row.abandoned,
    resolutionRate: row.resolved / n,
    escalationRate: row.escalated / n,
    averageRating: row.ratings > 0 && row.rating_sum !== null ? row.rating_sum / row.ratings : null,
    ratings: row.ratings,
    topDropOff: row.drop_off !== null && row.drop_off_count !== null ? { node: row.drop_off, count: row.drop_off_count } : null,
  };
}
