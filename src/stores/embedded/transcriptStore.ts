import MiniSearch from 'minisearch';
import { DocumentFolder, type DocumentFolderOptions, type Summaries } from './documentFolder.js';
import type { PathEntry, SessionOutcome } from '../../tree/types.js';
import { branchStats } from '../../transcripts/analytics.js';
import {
  abandonPeriod,
  type ConversationRecord,
  deriveSummary,
  earlier,
  hasText,
  latestWalkOf,
  later,
  matchesFilter,
  previewOf,
  checkPage,
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

/** What is kept in memory per conversation: its record, and the ids of its words in the store's vocabulary. */
interface Indexed {
  record: ConversationRecord;
  /**
   * Word ids, sorted; or, just after open, the words as the summaries file had them: turning 100,000
   * conversations' words into ids takes seconds, so open() leaves it to a background pass (see wordsLoaded).
   */
  terms: Uint8Array | string;
  /** Creation order (list() keeps it among sessions ending at the same instant, as PostgreSQL does). */
  order: number;
  /** record.lastActivityAt in milliseconds: lists sort and filter on it, and parsing it per comparison was most of their cost. */
  lastMs: number;
}

/** MiniSearch's own tokenizer and term processing, as before (and as the PostgreSQL store's terms). */
const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];
const processTerm = MiniSearch.getDefault('processTerm') as (term: string) => string | null | undefined | false;

function wordsOf(texts: Iterable<string | undefined>, into = new Set<string>()): Set<string> {
  for (const text of texts) {
    if (!text) continue;
    for (const token of tokenize(text)) {
      const term = processTerm(token);
      if (term) into.add(term);
    }
  }
  return into;
}

const entryTexts = (e: Omit<TranscriptEntry, 'seq'>): (string | undefined)[] => [e.text, e.card];
const recordTexts = (r: ConversationRecord): (string | undefined)[] => [r.userId, ...r.sessions.map((s) => s.ticketId)];

/**
 * Search as MiniSearch did with prefix: true, combineWith: 'AND' and fuzzy 0.2 on words of 6+ letters: each
 * query word must match some word of the conversation as its prefix or, for longer words, within
 * round(0.2 * length) edits. Prefix so "authent" finds "authenticator" while the admin is typing; AND because
 * each extra word should narrow the list; fuzzy only for longer words, where one typo is likely and a near
 * miss is still specific (fuzzy "code" would also match "node", "mode", "cod").
 */
function maxEdits(term: string): number {
  return term.length >= 6 ? Math.min(6, Math.round(term.length * 0.2)) : 0;
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Appends a whole number in 7-bit groups, lowest first, the high bit set on all but the last (LEB128). */
function putNumber(out: number[], n: number): void {
  do {
    const low = n % 0x80;
    n = Math.floor(n / 0x80);
    out.push(n > 0 ? low | 0x80 : low);
  } while (n > 0);
}

/**
 * Word ids, sorted: the largest first, then the gaps between them from the smallest up, each in 7-bit groups
 * (LEB128). A conversation's ~100 words take ~130 bytes instead of 400 as 32-bit numbers (most are the
 * bot's, seen early, so their ids and gaps are small), and the largest id up front lets a search read the
 * gaps from either end (see hasAny).
 */
function pack(ids: Iterable<number>): Uint8Array {
  const sorted = Float64Array.from(ids).sort();
  const out: number[] = [];
  if (sorted.length === 0) return new Uint8Array(0);
  putNumber(out, sorted[sorted.length - 1]!);
  let previous = 0;
  for (const id of sorted) {
    putNumber(out, id - previous);
    previous = id;
  }
  return Uint8Array.from(out);
}

/** Reads the number starting at `i`: [value, index after it]. */
function readNumber(terms: Uint8Array, i: number): [number, number] {
  let n = 0;
  for (let shift = 0, byte = 0x80; byte & 0x80; shift += 7) n += ((byte = terms[i++]!) & 0x7f) * 2 ** shift;
  return [n, i];
}

function unpack(terms: Uint8Array): number[] {
  const ids: number[] = [];
  if (terms.length === 0) return ids;
  let [, i] = readNumber(terms, 0);
  for (let id = 0; i < terms.length;) {
    const [delta, next] = readNumber(terms, i);
    ids.push((id += delta));
    i = next;
  }
  return ids;
}

/**
 * Whether any of a conversation's words is among the hits. Ids are sorted, so the read goes up from the
 * smallest (and may stop past the largest hit) and down from the largest (and may stop below the smallest
 * hit) in turn: whichever end is nearer decides. A query word matching common words (small ids, shared by
 * most conversations) is settled from below, a rare one (a user id, a ticket number: late ids) from above.
 */
function hasAny(terms: Uint8Array, hits: Hits): boolean {
  const { bitmap, min, max } = hits;
  if (terms.length === 0 || max < 0) return false;
  // Numbers are decoded in place, not through readNumber(): this runs for every conversation on every search,
  // and a tuple per number was most of its cost at 100,000 conversations.
  let i = 0;
  let last = 0;
  for (let scale = 1, byte = 0x80; byte & 0x80; scale *= 128) last += ((byte = terms[i++]!) & 0x7f) * scale;
  if (min > last) return false;
  const first = i;
  // Ids not yet looked at: those after `up` (read up to index i) and up to `down` (the gap ending at e).
  let up = 0;
  let e = terms.length;
  let down = last;
  while (i < e) {
    for (let scale = 1, byte = 0x80; byte & 0x80; scale *= 128) up += ((byte = terms[i++]!) & 0x7f) * scale;
    if (up > max) return false;
    if (bitmap[up] === 1) return true;
    if (i >= e) return false;
    if (down < min) return false;
    if (bitmap[down] === 1) return true;
    let start = e - 1; // the gap's last byte; its earlier bytes have the high bit set
    while (start > first && terms[start - 1]! & 0x80) start -= 1;
    let gap = 0;
    for (let j = start, scale = 1, byte = 0x80; byte & 0x80; scale *= 128) gap += ((byte = terms[j++]!) & 0x7f) * scale;
    down -= gap;
    e = start;
  }
  return false;
}

/** Levenshtein distance, or max + 1 as soon as it must exceed max. */
function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = new Uint16Array(b.length + 1).map((_, j) => j);
  let cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i += 1) {
    cur[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j += 1) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return false;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]! <= max;
}

/** The ids a query word matches, as a bitmap, and the smallest and largest of them (see hasAny). */
interface Hits {
  bitmap: Uint8Array;
  min: number;
  max: number;
}

/**
 * Every word seen, once, with a number: a conversation keeps its words as numbers (4 bytes each) instead of
 * strings. Words of deleted conversations stay (a word is found again when it comes back).
 */
class Vocabulary {
  private readonly ids = new Map<string, number>();
  private readonly words: string[] = [];
  /**
   * Recent query words' hits, extended to new words when asked again: an admin refines or pages through
   * the same words, and expanding a word over 100,000+ words is most of a search's cost.
   */
  private readonly cache = new Map<string, Hits>();

  idOf(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
    }
    return id;
  }

  wordOf(id: number): string {
    return this.words[id]!;
  }

  /** The words a query word matches (see maxEdits). */
  matching(query: string): Hits {
    const cached = this.cache.get(query);
    const from = cached?.bitmap.length ?? 0;
    const bitmap = new Uint8Array(this.words.length);
    if (cached) bitmap.set(cached.bitmap);
    let max = cached?.max ?? -1;
    let min = cached?.min ?? Infinity;
    const edits = maxEdits(query);
    for (let id = from; id < this.words.length; id += 1) {
      const word = this.words[id]!;
      if (word.startsWith(query) || (edits > 0 && withinEdits(query, word, edits))) {
        bitmap[id] = 1;
        max = id;
        min = Math.min(min, id);
      }
    }
    const hits = { bitmap, min, max };
    this.cache.delete(query);
    this.cache.set(query, hits);
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value!);
    return hits;
  }
}

/**
 * TranscriptStore on the embedded store: one document per conversation (its record and its entries), so
 * logging a turn rewrites that conversation only, whatever the number stored. Only a compact index is held in
 * memory (the folder's summaries): each conversation's record, which the admin's list, filters and analytics
 * need, and its words as numbers for text search. Entries are read from the document when a transcript is
 * opened. The summaries are kept on disk beside the documents, so start-up reads 256 files, not one per
 * conversation. Changes to one conversation run one after another (read its document, change, put), so
 * concurrent calls never interleave half-applied; lists show what is acknowledged (in the journal).
 */
export class EmbeddedTranscriptStore implements TranscriptStore {
  /** Each conversation's changes, one after another: a change reads the document the previous one wrote. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** The last creation order given (see Indexed): after every one loaded, and never behind the clock. */
  private lastOrder = 0;
  /** Resolves once every summary's words are ids; text search waits for it. */
  private wordsLoaded: Promise<void> = Promise.resolve();

  private constructor(
    private readonly docs: DocumentFolder<ConversationDoc, Indexed>,
    private readonly vocabulary: Vocabulary,
    private readonly abandonAfterMs: number,
  ) {}

  /** `dir` is a folder of conversation documents (created if missing). */
  static async open(
    dir: string,
    options: { abandonAfterMs?: number } & Omit<DocumentFolderOptions, 'summaries'> = {},
  ): Promise<EmbeddedTranscriptStore> {
    const abandonAfterMs = abandonPeriod(options);
    const vocabulary = new Vocabulary();
    // Documents written before summaries existed have no creation order: their start time stands in for it.
    let unordered = 0;
    const ids = (words: Iterable<string>): Uint8Array => pack(Array.from(words, (w) => vocabulary.idOf(w)));
    const summaries: Summaries<ConversationDoc, Indexed> = {
      of: (_key, doc) => ({
        record: doc.record,
        terms: ids(wordsOf([...doc.entries.flatMap(entryTexts), ...recordTexts(doc.record)])),
        order: toMillis(doc.record.startedAt) + (unordered += 1e-6),
        lastMs: toMillis(doc.record.lastActivityAt),
      }),
      toJSON: (s) => ({
        record: s.record,
        words:
          typeof s.terms === 'string'
            ? s.terms
            : unpack(s.terms)
                .map((id) => vocabulary.wordOf(id))
                .join(' '),
        order: s.order,
      }),
      fromJSON: (json) => {
        const { record, words, order } = json as { record: ConversationRecord; words: string; order: number };
        return { record, terms: words, order, lastMs: toMillis(record.lastActivityAt) };
      },
    };
    const docs = await DocumentFolder.open<ConversationDoc, Indexed>(dir, { ...options, summaries });
    const store = new EmbeddedTranscriptStore(docs, vocabulary, abandonAfterMs);
    for (const [, s] of docs.acknowledgedSummaries()) store.lastOrder = Math.max(store.lastOrder, s.order);
    store.wordsLoaded = store.loadWords();
    return store;
  }

  async log(conversation: ConversationInfo, entry: Omit<TranscriptEntry, 'seq'>): Promise<void> {
    toMillis(entry.at); // refuse a bad timestamp before it breaks ordering and the abandon clock
    const id = conversation.conversationId;
    await this.change(id, (doc) => {
      const { record, entries } = (doc ??= { record: this.newRecord(conversation, entry.at), entries: [] });
      entries.push({ ...withoutUndefined(structuredClone(entry)), seq: entries.length + 1 });
      // Ids stay as first seen: an agent's message logged with other details must not re-home the conversation.
      if (conversation.userName !== undefined) record.userName = conversation.userName;
      record.startedAt = earlier(record.startedAt, entry.at);
      record.lastActivityAt = later(record.lastActivityAt, entry.at);
      if (entry.type === 'message') {
        record.messageCount += 1;
        if (!record.preview && entry.role === 'user' && entry.text?.trim()) record.preview = previewOf(entry.text);
      }
      return { doc, words: entryTexts(entry) };
    });
  }

  async record(outcome: SessionOutcome): Promise<void> {
    toMillis(outcome.startedAt); // refuse bad timestamps before anything changes
    toMillis(outcome.endedAt);
    const id = outcome.conversationId;
    const info = { conversationId: id, channelId: outcome.channelId, userId: outcome.userId };
    await this.change(id, (doc) => {
      const { record } = (doc ??= { record: this.newRecord(info, outcome.startedAt), entries: [] });
      record.sessions.push(structuredClone(outcome));
      record.walk = null;
      // A walk ending is activity too (its last answer may not have been logged, e.g. a rating click).
      record.startedAt = earlier(record.startedAt, outcome.startedAt);
      record.lastActivityAt = later(record.lastActivityAt, outcome.endedAt);
      return { doc, words: [] }; // the ticket id becomes searchable with the record's words
    });
  }

  async rateTicket(conversationId: string, ticketId: string, rating: number): Promise<void> {
    await this.change(conversationId, (doc) => {
      const session = doc?.record.sessions.findLast((s) => s.ticketId === ticketId);
      if (!doc || !session) return undefined;
      session.rating = rating;
      return { doc, words: [] };
    });
  }

  async closeTicket(conversationId: string, ticketId: string, outcome: 'resolved' | 'withdrawn'): Promise<void> {
    await this.change(conversationId, (doc) => {
      const session = doc?.record.sessions.findLast((s) => s.ticketId === ticketId);
      if (!doc || !session) return undefined;
      session.ticketOutcome = outcome;
      return { doc, words: [] };
    });
  }

  async list(filter: { conversationId?: string } = {}): Promise<SessionOutcome[]> {
    const one = filter.conversationId !== undefined ? this.docs.acknowledgedSummary(filter.conversationId) : undefined;
    const all = filter.conversationId !== undefined ? (one ? [one] : []) : [...this.docs.acknowledgedSummaries()].map(([, s]) => s);
    const sessions = all.sort((a, b) => a.order - b.order).flatMap((s) => s.record.sessions);
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
    await this.change(info.conversationId, (doc) => {
      doc ??= { record: this.newRecord(info, at), entries: [] };
      doc.record.walk = walk && structuredClone({ branch: walk.branch, path: walk.path });
      return { doc, words: [] };
    });
  }

  async search(filter: ConversationFilter, page: PageRequest, now = new Date()): Promise<{ total: number; items: ConversationSummary[] }> {
    checkPage(page);
    const words = hasText(filter) ? [...wordsOf([filter.text])].map((w) => this.vocabulary.matching(w)) : undefined;
    if (words?.length === 0) return { total: 0, items: [] }; // text without a searchable word matches nothing
    if (words) await this.wordsLoaded;
    const from = filter.from?.getTime() ?? -Infinity;
    const to = filter.to?.getTime() ?? Infinity;
    // Only these filters need the summary as of now (the outcome depends on the clock): the rest, and the
    // order, come from the index, and only the requested page is summarised.
    const derived = filter.outcome !== undefined || filter.branch !== undefined || filter.rating !== undefined;
    const found: Indexed[] = [];
    for (const [, s] of this.docs.acknowledgedSummaries()) {
      if (s.lastMs < from || s.lastMs >= to) continue;
      if (derived && !this.latestWalkMatches(s, now, filter)) continue;
      if (words && !words.every((hits) => hasAny(this.termsOf(s), hits))) continue;
      found.push(s);
    }
    // newestFirst() on the index: newest activity first, the id breaking ties.
    found.sort((a, b) => b.lastMs - a.lastMs || compareIds(a.record.conversationId, b.record.conversationId));
    const items = found.slice(page.offset, page.offset + page.limit).map((s) => deriveSummary(s.record, now, this.abandonAfterMs).summary);
    return { total: found.length, items: structuredClone(items) };
  }

  async get(
    conversationId: string,
    now = new Date(),
  ): Promise<{ conversation: ConversationSummary; entries: TranscriptEntry[] } | undefined> {
    await this.queues.get(conversationId);
    const doc = await this.docs.get(conversationId);
    if (!doc) return undefined;
    const conversation = deriveSummary(doc.record, now, this.abandonAfterMs).summary;
    return structuredClone({ conversation, entries: doc.entries });
  }

  async has(conversationId: string): Promise<boolean> {
    return this.docs.summary(conversationId) !== undefined;
  }

  async delete(conversationId: string): Promise<boolean> {
    let found = false;
    await this.serially(conversationId, async () => {
      found = this.docs.summary(conversationId) !== undefined;
      return { acknowledged: found ? this.docs.delete(conversationId) : undefined };
    });
    return found;
  }

  async purgeBefore(cutoff: Date): Promise<number> {
    const old = [...this.docs.acknowledgedSummaries()].filter(([, s]) => s.lastMs < cutoff.getTime()).map(([id]) => id);
    const deleted = await Promise.all(old.map((id) => this.delete(id)));
    return deleted.filter(Boolean).length;
  }

  async analytics(filter: Omit<ConversationFilter, 'branch' | 'text'>, now = new Date()): Promise<BranchStats[]> {
    const rows = [...this.records()]
      .map((r) => deriveSummary(r, now, this.abandonAfterMs))
      .filter(({ summary }) => matchesFilter(summary, filter))
      .map(({ summary, fromUnfinishedWalk }) => ({ ...summary, fromUnfinishedWalk }));
    return branchStats(rows);
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.values());
    await this.docs.close();
  }

  /**
   * matchesFilter() on outcome, branch and rating, as deriveSummary() decides them, without building the
   * summary: a list filtered by outcome goes through every conversation.
   */
  private latestWalkMatches(s: Indexed, now: Date, filter: ConversationFilter): boolean {
    const { outcome, branch, rating } = latestWalkOf(s.record, now.getTime() - s.lastMs >= this.abandonAfterMs);
    if (filter.outcome !== undefined && outcome !== filter.outcome) return false;
    if (filter.branch !== undefined && branch !== filter.branch) return false;
    return filter.rating === undefined || rating === filter.rating;
  }

  /** A summary's word ids, turning its words into ids first if the background pass has not yet. */
  private termsOf(s: Indexed): Uint8Array {
    if (typeof s.terms === 'string') {
      const ids = s.terms ? s.terms.split(' ').map((w) => this.vocabulary.idOf(w)) : [];
      s.terms = pack(ids);
    }
    return s.terms;
  }

  /**
   * Turns the loaded words into ids, a slice at a time between other work (turns go on meanwhile): start-up
   * then costs reading the summaries, not this.
   */
  private async loadWords(): Promise<void> {
    let done = 0;
    for (const [, s] of this.docs.acknowledgedSummaries()) {
      if (typeof s.terms !== 'string') continue;
      this.termsOf(s);
      if (++done % 2000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private *records(): IterableIterator<ConversationRecord> {
    for (const [, { record }] of this.docs.acknowledgedSummaries()) yield record;
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

  /**
   * Runs `work` once the conversation's earlier changes have been applied (not necessarily acknowledged), so
   * it reads the document they left: calls made together apply in call order and share a journal write.
   * `work` resolves once its change is applied, with the promise of its acknowledgement, which this returns.
   */
  private serially(id: string, work: () => Promise<{ acknowledged?: Promise<void> | undefined }>): Promise<void> {
    let acknowledged: Promise<void> | undefined;
    const applied = (this.queues.get(id) ?? Promise.resolve()).then(async () => {
      acknowledged = (await work()).acknowledged;
    });
    const tail = applied.catch(() => undefined);
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return applied.then(() => acknowledged);
  }

  /**
   * Reads the conversation's document (the latest, acknowledged or not), lets `edit` change it in place, and
   * puts it with its summary: a copy of the record (lists show a change only once it is acknowledged) and the
   * conversation's words plus those the change brought.
   */
  private change(
    id: string,
    edit: (doc: ConversationDoc | undefined) => { doc: ConversationDoc; words: Iterable<string | undefined> } | undefined,
  ): Promise<void> {
    return this.serially(id, async () => {
      const result = edit(await this.docs.get(id));
      if (!result) return {};
      const before = this.docs.summary(id);
      const words = new Set(before && unpack(this.termsOf(before)));
      // The user id and ticket ids too: cheap, and a new conversation has none yet.
      for (const word of wordsOf([...result.words, ...recordTexts(result.doc.record)])) words.add(this.vocabulary.idOf(word));
      const terms = pack(words);
      const order = this.docs.summary(id)?.order ?? (this.lastOrder = Math.max(this.lastOrder + 1, Date.now()));
      const record = structuredClone(result.doc.record);
      return { acknowledged: this.docs.put(id, result.doc, { record, terms, order, lastMs: toMillis(record.lastActivityAt) }) };
    });
  }
}
