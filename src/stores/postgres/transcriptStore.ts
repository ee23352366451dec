import type { PgDatabase } from './database.js';
import { pgText, toJsonb } from './text.js';
import type { PathEntry, SessionOutcome } from '../../tree/types.js';
import { abandonPeriod, checkPage, deriveSummary, later, previewOf, toMillis, withoutUndefined } from '../../transcripts/records.js';
import { RECORD_COLUMNS, analyticsSql, branchStatsOf, recordOf, whereOf, type AnalyticsRow, type RecordRow } from './transcriptQueries.js';
import { MAX_TERMS_PER_CONVERSATION, termsOf } from './searchTerms.js';
import type {
  BranchStats,
  ConversationFilter,
  ConversationInfo,
  ConversationSummary,
  PageRequest,
  TranscriptEntry,
  TranscriptStore,
} from '../../transcripts/types.js';

/** Adds terms to a conversation's tsvector unless that would pass the per-conversation cap. */
const addTerms = (param: string): string =>
  `CASE WHEN length(cur.terms) + cardinality(${param}) <= ${MAX_TERMS_PER_CONVERSATION} THEN cur.terms || array_to_tsvector(${param}) ELSE cur.terms END`;

/**
 * TranscriptStore on PostgreSQL, with the embedded store's semantics (the shared contract suite runs against
 * both): one row per conversation (its record, sessions and unfinished walk as jsonb, its search terms as a
 * tsvector) and one row per entry. Each change is a single statement (an upsert, with the entry's insert in
 * the same statement), so concurrent logs from several bot instances get distinct, gap-free sequence
 * numbers. Filters, paging and analytics run in SQL; summaries are built by the shared deriveSummary().
 */
export class PgTranscriptStore implements TranscriptStore {
  private readonly conversations: string;
  private readonly entries: string;

  private constructor(
    private readonly db: PgDatabase,
    private readonly abandonAfterMs: number,
  ) {
    this.conversations = db.table('transcript_conversations');
    this.entries = db.table('transcript_entries');
  }

  static open(db: PgDatabase, options: { abandonAfterMs?: number } = {}): PgTranscriptStore {
    return new PgTranscriptStore(db, abandonPeriod(options));
  }

  async log(conversation: ConversationInfo, entry: Omit<TranscriptEntry, 'seq'>): Promise<void> {
    const ms = toMillis(entry.at); // refuse a bad timestamp before it breaks ordering and the abandon clock
    const isMessage = entry.type === 'message';
    const preview = isMessage && entry.role === 'user' && entry.text?.trim() ? pgText(previewOf(entry.text)) : '';
    const entryTerms = termsOf(entry.text, entry.card);
    const firstTerms = [...new Set([...termsOf(conversation.userId), ...entryTerms])].slice(0, MAX_TERMS_PER_CONVERSATION);
    // Ids stay as first seen (an agent's message logged with other details must not re-home the conversation).
    await this.db.query(
      `WITH c AS (
         INSERT INTO ${this.conversations} AS cur
           (conversation_id, channel_id, user_id, user_name, started_at, started_ms, last_activity_at, last_activity_ms, message_count, preview, entry_count, terms)
         VALUES ($1, $2, $3, $4, $5, $6, $5, $6, $7, $8, 1, array_to_tsvector($9::text[]))
         ON CONFLICT (conversation_id) DO UPDATE SET
           user_name = coalesce(EXCLUDED.user_name, cur.user_name),
           started_at = CASE WHEN EXCLUDED.started_ms < cur.started_ms THEN EXCLUDED.started_at ELSE cur.started_at END,
           started_ms = least(cur.started_ms, EXCLUDED.started_ms),
           last_activity_at = CASE WHEN EXCLUDED.last_activity_ms > cur.last_activity_ms THEN EXCLUDED.last_activity_at ELSE cur.last_activity_at END,
           last_activity_ms = greatest(cur.last_activity_ms, EXCLUDED.last_activity_ms),
           message_count = cur.message_count + EXCLUDED.message_count,
           preview = CASE WHEN cur.preview = '' THEN EXCLUDED.preview ELSE cur.preview END,
           entry_count = cur.entry_count + 1,
           terms = ${addTerms('$10::text[]')}
         RETURNING entry_count
       )
       INSERT INTO ${this.entries} (conversation_id, seq, entry)
       SELECT $1, c.entry_count, $11::jsonb || jsonb_build_object('seq', c.entry_count) FROM c`,
      [
        ...this.ids(conversation),
        conversation.userName === undefined ? null : pgText(conversation.userName),
        pgText(entry.at),
        ms,
        isMessage ? 1 : 0,
        preview,
        firstTerms,
        entryTerms,
        toJsonb(withoutUndefined(entry)),
      ],
    );
  }

  async record(outcome: SessionOutcome): Promise<void> {
    const startMs = toMillis(outcome.startedAt); // refuse bad timestamps before anything is written
    const endMs = toMillis(outcome.endedAt);
    const info = { conversationId: outcome.conversationId, channelId: outcome.channelId, userId: outcome.userId };
    const tickets = termsOf(outcome.ticketId);
    const lastAt = later(outcome.startedAt, outcome.endedAt);
    // A walk ending is activity too (its last answer may not have been logged, e.g. a rating click).
    await this.db.query(
      `INSERT INTO ${this.conversations} AS cur
         (conversation_id, channel_id, user_id, started_at, started_ms, last_activity_at, last_activity_ms, sessions, terms)
       VALUES ($1, $2, $3, $4, $5::bigint, $6, $7::bigint, jsonb_build_array($8::jsonb), array_to_tsvector($9::text[]))
       ON CONFLICT (conversation_id) DO UPDATE SET
         sessions = cur.sessions || jsonb_build_array($8::jsonb),
         walk = NULL,
         started_at = CASE WHEN $5::bigint < cur.started_ms THEN $4 ELSE cur.started_at END,
         started_ms = least(cur.started_ms, $5::bigint),
         last_activity_at = CASE WHEN $11::bigint > cur.last_activity_ms THEN $10 ELSE cur.last_activity_at END,
         last_activity_ms = greatest(cur.last_activity_ms, $11::bigint),
         terms = ${addTerms('$12::text[]')}`,
      [
        ...this.ids(info),
        pgText(outcome.startedAt),
        startMs,
        pgText(lastAt),
        toMillis(lastAt),
        toJsonb(outcome),
        [...new Set([...termsOf(outcome.userId), ...tickets])],
        pgText(outcome.endedAt),
        endMs,
        tickets,
      ],
    );
  }

  async rateTicket(conversationId: string, ticketId: string, rating: number): Promise<void> {
    // The latest walk that ended in this ticket, rewritten in place; one statement, so it holds across instances.
    await this.db.query(
      `UPDATE ${this.conversations} SET sessions = jsonb_set(sessions, ARRAY[idx::text, 'rating'], to_jsonb($3::int))
         FROM (SELECT max(ord) - 1 AS idx FROM ${this.conversations} c, jsonb_array_elements(c.sessions) WITH ORDINALITY AS e(elem, ord)
               WHERE c.conversation_id = $1 AND elem ->> 'ticketId' = $2) AS found
        WHERE conversation_id = $1 AND found.idx IS NOT NULL`,
      [pgText(conversationId), pgText(ticketId), rating],
    );
  }

  async closeTicket(conversationId: string, ticketId: string, outcome: 'resolved' | 'withdrawn'): Promise<void> {
    // As rateTicket: the latest walk that ended in this ticket, in one statement.
    await this.db.query(
      `UPDATE ${this.conversations} SET sessions = jsonb_set(sessions, ARRAY[idx::text, 'ticketOutcome'], to_jsonb($3::text))
         FROM (SELECT max(ord) - 1 AS idx FROM ${this.conversations} c, jsonb_array_elements(c.sessions) WITH ORDINALITY AS e(elem, ord)
               WHERE c.conversation_id = $1 AND elem ->> 'ticketId' = $2) AS found
        WHERE conversation_id = $1 AND found.idx IS NOT NULL`,
      [conversationId, ticketId, outcome],
    );
  }

  async list(filter: { conversationId?: string } = {}): Promise<SessionOutcome[]> {
    const { rows } = await (filter.conversationId !== undefined
      ? this.db.query<{ sessions: SessionOutcome[] }>(`SELECT sessions FROM ${this.conversations} WHERE conversation_id = $1`, [
          pgText(filter.conversationId),
        ])
      : this.db.query<{ sessions: SessionOutcome[] }>(`SELECT sessions FROM ${this.conversations} ORDER BY seq`));
    // Stable sort: within a conversation, sessions ending at the same instant keep their recording order.
    return rows.flatMap((r) => r.sessions).sort((a, b) => toMillis(a.endedAt) - toMillis(b.endedAt));
  }

  /** Creates the conversation if needed: the first progress can arrive before the first logged activity. */
  async progress(
    info: ConversationInfo,
    walk: { branch: string | null; path: PathEntry[] } | null,
    at = new Date().toISOString(),
  ): Promise<void> {
    const ms = toMillis(at);
    await this.db.query(
      `INSERT INTO ${this.conversations} AS cur
         (conversation_id, channel_id, user_id, user_name, started_at, started_ms, last_activity_at, last_activity_ms, walk, terms)
       VALUES ($1, $2, $3, $4, $5, $6, $5, $6, $7::jsonb, array_to_tsvector($8::text[]))
       ON CONFLICT (conversation_id) DO UPDATE SET walk = EXCLUDED.walk`,
      [
        ...this.ids(info),
        info.userName === undefined ? null : pgText(info.userName),
        pgText(at),
        ms,
        walk && toJsonb({ branch: walk.branch, path: walk.path }),
        termsOf(info.userId),
      ],
    );
  }

  async search(filter: ConversationFilter, page: PageRequest, now = new Date()): Promise<{ total: number; items: ConversationSummary[] }> {
    checkPage(page);
    const where = whereOf(filter, now, this.abandonAfterMs);
    if (where.matchesNothing) return { total: 0, items: [] };
    const n = where.params.length;
    const { rows } = await this.db.query<RecordRow & { total: number }>(
      `WITH m AS (SELECT ${RECORD_COLUMNS}, last_activity_ms FROM ${this.conversations} WHERE ${where.sql})
       SELECT t.total, p.* FROM (SELECT count(*)::integer AS total FROM m) AS t
       LEFT JOIN LATERAL (
         SELECT * FROM m ORDER BY last_activity_ms DESC, conversation_id COLLATE "C" LIMIT $${n + 1} OFFSET $${n + 2}
       ) AS p ON true`,
      [...where.params, page.limit, page.offset],
    );
    const items = rows.filter((r) => r.conversation_id !== null).map((r) => deriveSummary(recordOf(r), now, this.abandonAfterMs).summary);
    return { total: rows[0]?.total ?? 0, items };
  }

  async get(
    conversationId: string,
    now = new Date(),
  ): Promise<{ conversation: ConversationSummary; entries: TranscriptEntry[] } | undefined> {
    // One statement, so the record and its entries come from the same snapshot.
    const { rows } = await this.db.query<RecordRow & { entries: TranscriptEntry[] }>(
      `SELECT ${RECORD_COLUMNS},
              (SELECT coalesce(jsonb_agg(e.entry ORDER BY e.seq), '[]'::jsonb) FROM ${this.entries} e WHERE e.conversation_id = c.conversation_id) AS entries
         FROM ${this.conversations} c WHERE c.conversation_id = $1`,
      [pgText(conversationId)],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { conversation: deriveSummary(recordOf(row), now, this.abandonAfterMs).summary, entries: row.entries };
  }

  async has(conversationId: string): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT 1 FROM ${this.conversations} WHERE conversation_id = $1`, [pgText(conversationId)]);
    return rows.length > 0;
  }

  async delete(conversationId: string): Promise<boolean> {
    const result = await this.db.query(`DELETE FROM ${this.conversations} WHERE conversation_id = $1`, [pgText(conversationId)]);
    return (result.rowCount ?? 0) > 0;
  }

  async purgeBefore(cutoff: Date): Promise<number> {
    const result = await this.db.query(`DELETE FROM ${this.conversations} WHERE last_activity_ms < $1::double precision`, [
      cutoff.getTime(),
    ]);
    return result.rowCount ?? 0;
  }

  async analytics(filter: Omit<ConversationFilter, 'branch' | 'text'>, now = new Date()): Promise<BranchStats[]> {
    const where = whereOf({ from: filter.from, to: filter.to, outcome: filter.outcome, rating: filter.rating }, now, this.abandonAfterMs);
    const { rows } = await this.db.query<AnalyticsRow>(analyticsSql(this.conversations, where), where.params);
    return rows.map(branchStatsOf);
  }

  private ids(info: ConversationInfo): [string, string, string] {
    return [pgText(info.conversationId), pgText(info.channelId), pgText(info.userId)];
  }
}
