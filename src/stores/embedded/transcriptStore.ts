import MiniSearch, { type SearchOptions } from 'minisearch';
import { DocumentFolder, type DocumentFolderOptions } from './documentFolder.js';
import type { PathEntry, SessionOutcome } from '../../tree/types.js';
import { branchStats } from '../../transcripts/analytics.js';
import {
  abandonPeriod,
  type ConversationRecord,
  deriveSummary,
  earlier,
  hasText,
  later,
  matchesFilter,
  previewOf,
  selectPage,
  toMillis,
  withoutUndefined,
} from '../../transcripts/records.js';
import type {
  BranchStats,
  ConversationFilter,
  ConversationInfo,
  ConversationSummary,
  PageRequest,
  TranscriptEntry,
  TranscriptStore,
} from '../../transcripts/types.js';

/** One conversation's document on disk. */
interface ConversationDoc {
  record: ConversationRecord;
  entries: TranscriptEntry[];
}

interface IndexedConversation {
  id: string;
  text: string;
  userId: string;
  tickets: string;
}

/**
 * Prefix so "authent" finds "authenticator" while the admin is typing; AND because each extra word should
 * narrow the list; fuzzy only for longer words, where one typo is likely and a near miss is still specific
 * (fuzzy "code" would also match "node", "mode", "cod").
 */
const SEARCH_OPTIONS: SearchOptions = {
  prefix: true,
  combineWith: 'AND',
  fuzzy: (term) => (term.length >= 6 ? 0.2 : false),
};

/**
 * Conversation ids come from the channel: keep them as own keys of prototype-less objects so an id such as
 * "__proto__" or "constructor" is just another conversation rather than Object.prototype machinery.
 */
const dictionary = <T>(from: Record<string, T> = {}): Record<string, T> => Object.assign(Object.create(null) as Record<string, T>, from);

/**
 * TranscriptStore on the embedded store: one lowdb-written document per conversation (its record and its
 * entries), so logging a turn rewrites that conversation only, whatever the number stored. Everything is
 * also held in memory (loaded at open) for the admin's filters, search and analytics. Each mutation changes
 * memory synchronously and then awaits its conversation's write (temp file + rename), so concurrent calls
 * never interleave half-applied. The MiniSearch index lives in memory and is rebuilt on open.
 */
export class EmbeddedTranscriptStore implements TranscriptStore {
  private readonly index = new MiniSearch<IndexedConversation>({ fields: ['text', 'userId', 'tickets'] });

  private readonly conversations = dictionary<ConversationRecord>();
  private readonly entries = dictionary<TranscriptEntry[]>();
  /** Conversations whose text changed since the index last saw them. */
  private readonly stale = new Set<string>();

  private constructor(
    private readonly docs: DocumentFolder<ConversationDoc>,
    loaded: Map<string, ConversationDoc>,
    private readonly abandonAfterMs: number,
  ) {
    for (const [id, doc] of loaded) {
      this.conversations[id] = doc.record;
      this.entries[id] = doc.entries;
      this.stale.add(id);
    }
  }

  /** `dir` is a folder of conversation documents (created if missing). */
  static async open(dir: string, options: { abandonAfterMs?: number } & DocumentFolderOptions = {}): Promise<EmbeddedTranscriptStore> {
    const abandonAfterMs = abandonPeriod(options);
    const docs = await DocumentFolder.open<ConversationDoc>(dir, options);
    return new EmbeddedTranscriptStore(docs, await docs.loadAll(), abandonAfterMs);
  }

  async log(conversation: ConversationInfo, entry: Omit<TranscriptEntry, 'seq'>): Promise<void> {
    toMillis(entry.at); // refuse a bad timestamp before it breaks ordering and the abandon clock
    const id = conversation.conversationId;
    const list = (this.entries[id] ??= []);
    list.push({ ...withoutUndefined(structuredClone(entry)), seq: list.length + 1 });
    const record = (this.conversations[id] ??= this.newRecord(conversation, entry.at));
    // Ids stay as first seen: an agent's message logged with other details must not re-home the conversation.
    if (conversation.userName !== undefined) record.userName = conversation.userName;
    record.startedAt = earlier(record.startedAt, entry.at);
    record.lastActivityAt = later(record.lastActivityAt, entry.at);
    if (entry.type === 'message') {
      record.messageCount += 1;
      if (!record.preview && entry.role === 'user' && entry.text?.trim()) record.preview = previewOf(entry.text);
    }
    this.stale.add(id);
    await this.save(id);
  }

  async record(outcome: SessionOutcome): Promise<void> {
    toMillis(outcome.startedAt); // refuse bad timestamps before anything changes in memory
    toMillis(outcome.endedAt);
    const id = outcome.conversationId;
    const info = { conversationId: id, channelId: outcome.channelId, userId: outcome.userId };
    const record = (this.conversations[id] ??= this.newRecord(info, outcome.startedAt));
    record.sessions.push(structuredClone(outcome));
    record.walk = null;
    // A walk ending is activity too (its last answer may not have been logged, e.g. a rating click).
    record.startedAt = earlier(record.startedAt, outcome.startedAt);
    record.lastActivityAt = later(record.lastActivityAt, outcome.endedAt);
    this.stale.add(id); // the ticket id became searchable
    await this.save(id);
  }

  async rateTicket(conversationId: string, ticketId: string, rating: number): Promise<void> {
    const record = this.conversations[conversationId];
    const session = record?.sessions.findLast((s) => s.ticketId === ticketId);
    if (!session) return;
    session.rating = rating;
    await this.save(conversationId);
  }

  async list(filter: { conversationId?: string } = {}): Promise<SessionOutcome[]> {
    const records = filter.conversationId !== undefined ? [this.conversations[filter.conversationId]] : Object.values(this.conversations);
    const sessions = records.flatMap((r) => r?.sessions ?? []);
    // Stable sort: within a conversation, sessions ending at the same instant keep their recording order.
    return structuredClone(sessions.sort((a, b) => toMillis(a.endedAt) - toMillis(b.endedAt)));
  }

  /** Creates the conversation's record if needed: botbuilder logs a turn's activities after the turn ends. */
  async progress(
    info: ConversationInfo,
    walk: { branch: string | null; path: PathEntry[] } | null,
    at = new Date().toISOString(),
  ): Promise<void> {
    toMillis(at);
    const record = (this.conversations[info.conversationId] ??= this.newRecord(info, at));
    record.walk = walk && structuredClone({ branch: walk.branch, path: walk.path });
    await this.save(info.conversationId);
  }

  async search(filter: ConversationFilter, page: PageRequest, now = new Date()): Promise<{ total: number; items: ConversationSummary[] }> {
    if (hasText(filter)) this.refreshIndex();
    const textMatches = hasText(filter) ? new Set(this.index.search(filter.text, SEARCH_OPTIONS).map((r) => String(r.id))) : undefined;
    return structuredClone(selectPage(this.summaries(now), filter, page, textMatches));
  }

  async get(
    conversationId: string,
    now = new Date(),
  ): Promise<{ conversation: ConversationSummary; entries: TranscriptEntry[] } | undefined> {
    const record = this.conversations[conversationId];
    if (!record) return undefined;
    const conversation = deriveSummary(record, now, this.abandonAfterMs).summary;
    return structuredClone({ conversation, entries: this.entries[conversationId] ?? [] });
  }

  async has(conversationId: string): Promise<boolean> {
    return this.conversations[conversationId] !== undefined;
  }

  async delete(conversationId: string): Promise<boolean> {
    if (!this.forget(conversationId)) return false;
    await this.docs.delete(conversationId);
    return true;
  }

  async purgeBefore(cutoff: Date): Promise<number> {
    const old = Object.values(this.conversations).filter((r) => toMillis(r.lastActivityAt) < cutoff.getTime());
    for (const r of old) this.forget(r.conversationId);
    await Promise.all(old.map((r) => this.docs.delete(r.conversationId)));
    return old.length;
  }

  async analytics(filter: Omit<ConversationFilter, 'branch' | 'text'>, now = new Date()): Promise<BranchStats[]> {
    const rows = Object.values(this.conversations)
      .map((r) => deriveSummary(r, now, this.abandonAfterMs))
      .filter(({ summary }) => matchesFilter(summary, filter))
      .map(({ summary, fromUnfinishedWalk }) => ({ ...summary, fromUnfinishedWalk }));
    return branchStats(rows);
  }

  close(): Promise<void> {
    return this.docs.close();
  }

  private summaries(now: Date): ConversationSummary[] {
    return Object.values(this.conversations).map((r) => deriveSummary(r, now, this.abandonAfterMs).summary);
  }

  private newRecord(info: ConversationInfo, at: string): ConversationRecord {
    return {
      conversationId: info.conversationId,
      channelId: info.channelId,
      userId: info.userId,
      ...(info.userName !== undefined ? { userName: info.userName } : {}),
      startedAt: at,
      lastActivityAt: at,
      messageCount: 0,
      preview: '',
      sessions: [],
      walk: null,
    };
  }

  /** Writes one conversation's document (its record and entries as they are in memory now). */
  private save(id: string): Promise<void> {
    const record = this.conversations[id];
    if (!record) return Promise.resolve();
    return this.docs.put(id, { record, entries: this.entries[id] ?? [] });
  }

  /** Removes a conversation from memory and the index; the caller deletes its document. */
  private forget(conversationId: string): boolean {
    if (!Object.hasOwn(this.conversations, conversationId)) return false;
    delete this.conversations[conversationId];
    delete this.entries[conversationId];
    if (this.index.has(conversationId)) this.index.discard(conversationId);
    this.stale.delete(conversationId);
    return true;
  }

  /** The whole conversation as one document: MiniSearch cannot append to a field, so a change replaces it. */
  private document(id: string): IndexedConversation {
    const record = this.conversations[id];
    const text = (this.entries[id] ?? []).flatMap((e) => [e.text, e.card].filter((t): t is string => !!t)).join('\n');
    const tickets = (record?.sessions ?? []).flatMap((s) => (s.ticketId ? [s.ticketId] : [])).join(' ');
    return { id, text, userId: record?.userId ?? '', tickets };
  }

  /**
   * Brings the text index up to date with the conversations changed since the last text search. Indexing
   * lazily keeps MiniSearch off the turn's path: re-indexing on every logged entry cost ~11% of a turn, and
   * MiniSearch's vacuuming of replaced documents grew with the store.
   */
  private refreshIndex(): void {
    for (const id of this.stale) if (Object.hasOwn(this.conversations, id)) this.reindex(id);
    this.stale.clear();
  }

  private reindex(id: string): void {
    const doc = this.document(id);
    if (this.index.has(id)) this.index.replace(doc);
    else this.index.add(doc);
  }
}
