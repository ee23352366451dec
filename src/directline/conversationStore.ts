import { nanoid } from 'nanoid';
import type { Activity, ActivitySet, ChannelAccount, DirectLineLimits } from './types.js';

export interface ConversationListener {
  activities(set: ActivitySet): void;
  /** The conversation was dropped (idle, evicted or shut down): nothing more will arrive. */
  ended(): void;
}

interface Entry {
  seq: number;
  activity: Activity;
  /** Its size as JSON, for the conversation's byte budget. */
  bytes: number;
}

/** Most tokens one conversation may hold at once, so refresh calls in a loop cannot grow memory. */
const MAX_TOKENS_PER_CONVERSATION = 4;

/**
 * One conversation's activity log. A watermark is the sequence number of the next activity, so
 * "everything after watermark N" is every entry with seq >= N, and a client that has seen the whole log
 * holds the current watermark. Entries trimmed off the front are simply gone, as with Direct Line's own
 * retention limit.
 */
export class Conversation {
  user: ChannelAccount | undefined;
  locale: string | undefined;
  started = false;
  lastActive: number;
  /** Whether its client has come back since creating it (a request with its token, a stream): it is in use. */
  usedByClient = false;
  readonly tokens = new Set<string>();
  private entries: Entry[] = [];
  private bytes = 0;
  private nextSeq = 0;
  private readonly listeners = new Set<ConversationListener>();

  constructor(
    readonly id: string,
    /** The client address that created it, for the per-client cap. */
    readonly client: string,
    now: number,
    private readonly limits: Pick<DirectLineLimits, 'maxActivities' | 'maxBytesPerConversation'>,
  ) {
    this.lastActive = now;
  }

  get watermark(): number {
    return this.nextSeq;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  append(activity: Activity): Activity {
    const seq = this.nextSeq++;
    // Direct Line's own id format, so ids stay unique across conversations if clients mix them.
    const stored: Activity = { ...activity, id: activity.id ?? `${this.id}|${String(seq).padStart(7, '0')}` };
    const bytes = JSON.stringify(stored).length;
    this.entries.push({ seq, activity: stored, bytes });
    this.bytes += bytes;
    // The newest entry always stays, whatever its size: it is what the client is waiting for.
    while (
      this.entries.length > 1 &&
      (this.entries.length > this.limits.maxActivities || this.bytes > this.limits.maxBytesPerConversation)
    ) {
      this.bytes -= this.entries.shift()!.bytes;
    }
    this.emit({ activities: [stored], watermark: String(this.nextSeq) });
    return stored;
  }

  /**
   * Replaces an activity. It moves to the end of the log under a new watermark: clients that already hold it
   * only see the change if it is delivered again (Web Chat replaces an activity it receives twice by id).
   */
  update(id: string, activity: Activity): Activity | undefined {
    const index = this.entries.findIndex((e) => e.activity.id === id);
    const old = this.entries[index];
    if (!old) return undefined;
    this.entries.splice(index, 1);
    this.bytes -= old.bytes;
    return this.append({ ...activity, id, timestamp: activity.timestamp ?? old.activity.timestamp });
  }

  /** Clients that already received the activity keep it: Direct Line 3.0 has no way to retract one. */
  remove(id: string): boolean {
    const index = this.entries.findIndex((e) => e.activity.id === id);
    if (index < 0) return false;
    this.bytes -= this.entries.splice(index, 1)[0]!.bytes;
    return true;
  }

  /** Ephemeral activities (typing) go to live sockets only: Direct Line does not keep them for polling. */
  broadcast(activity: Activity): void {
    this.emit({ activities: [activity] });
  }

  since(watermark: number): ActivitySet {
    return {
      activities: this.entries.filter((e) => e.seq >= watermark).map((e) => e.activity),
      watermark: String(this.nextSeq),
    };
  }

  subscribe(listener: ConversationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  end(): void {
    for (const listener of [...this.listeners]) listener.ended();
    this.listeners.clear();
    this.entries = [];
    this.bytes = 0;
  }

  private emit(set: ActivitySet): void {
    for (const listener of this.listeners) listener.activities(set);
  }
}

interface Grant {
  conversationId: string;
  expiresAt: number;
}

/** Why a new conversation could not be made: the client has too many (429), or the server is full (503). */
export interface Refusal {
  status: 429 | 503;
  message: string;
}

/**
 * Every live conversation, its bearer tokens and its one-shot stream tickets, all in memory and bounded:
 * a sweep forgets idle conversations and expired grants, and the conversation map is kept in order of last
 * activity (re-inserted on each touch). Room for a new conversation is never taken from one in use (an open
 * stream, or its client back within `inUseMs`): a client at its own cap loses its own oldest unused one or
 * gets 429, and a full server drops the oldest unused one anywhere or answers 503. So a flood of new
 * conversations from many addresses can delay newcomers, but never cut off someone mid-conversation.
 */
export class ConversationStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly byClient = new Map<string, Set<Conversation>>();
  private readonly tokens = new Map<string, Grant>();
  private readonly tickets = new Map<string, Grant>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly limits: DirectLineLimits,
    private readonly now: () => number = Date.now,
  ) {
    const every = Math.max(50, Math.min(60_000, limits.streamTicketTtlMs, limits.idleMs));
    this.sweeper = setInterval(() => this.sweep(), every);
    // The sweep only frees memory; it must never keep the process (or a test run) alive.
    this.sweeper.unref();
  }

  get size(): number {
    return this.conversations.size;
  }

  create(client: string): Conversation | Refusal {
    const own = this.byClient.get(client);
    if (own && own.size >= this.limits.conversationsPerClient) {
      const unused = this.oldestUnused(own.values());
      if (!unused) return { status: 429, message: 'Too many open conversations from your address: finish or close one first.' };
      this.drop(unused);
    }
    if (this.conversations.size >= this.limits.maxConversations) {
      const unused = this.oldestUnused(this.conversations.values());
      if (!unused) return { status: 503, message: 'The chat is busy right now: please try again in a minute.' };
      this.drop(unused);
    }
    const conversation = new Conversation(nanoid(), client, this.now(), this.limits);
    this.conversations.set(conversation.id, conversation);
    const set = own ?? new Set<Conversation>();
    set.add(conversation);
    this.byClient.set(client, set);
    return conversation;
  }

  /** In use: someone is listening on its stream, or its client came back recently. */
  inUse(conversation: Conversation): boolean {
    return conversation.listenerCount > 0 || (conversation.usedByClient && this.now() - conversation.lastActive < this.limits.inUseMs);
  }

  /** The least recently active conversation not in use. */
  private oldestUnused(candidates: Iterable<Conversation>): Conversation | undefined {
    let oldest: Conversation | undefined;
    for (const c of candidates) if (!this.inUse(c) && (!oldest || c.lastActive < oldest.lastActive)) oldest = c;
    return oldest;
  }

  get(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  /** Something happened in the conversation (the bot replied, a client used it). */
  touch(conversation: Conversation, byClient = false): void {
    conversation.lastActive = this.now();
    if (byClient) conversation.usedByClient = true;
    this.conversations.delete(conversation.id);
    this.conversations.set(conversation.id, conversation);
  }

  /** A new token; `replacing` (a refresh) stops working at once, so a leaked old token dies with the refresh. */
  issueToken(conversation: Conversation, replacing?: string): { token: string; expiresIn: number } {
    if (replacing !== undefined && conversation.tokens.has(replacing)) this.revokeToken(conversation, replacing);
    if (conversation.tokens.size >= MAX_TOKENS_PER_CONVERSATION) {
      const oldest = conversation.tokens.values().next().value;
      if (oldest !== undefined) this.revokeToken(conversation, oldest);
    }
    const token = nanoid(43);
    this.tokens.set(token, { conversationId: conversation.id, expiresAt: this.now() + this.limits.tokenTtlMs });
    conversation.tokens.add(token);
    return { token, expiresIn: Math.floor(this.limits.tokenTtlMs / 1000) };
  }

  /** Seconds a live token has left (0 if unknown or expired). */
  secondsLeft(token: string): number {
    const grant = this.tokens.get(token);
    return grant ? Math.max(0, Math.floor((grant.expiresAt - this.now()) / 1000)) : 0;
  }

  /** The conversation a live token belongs to; undefined for unknown or expired tokens. */
  conversationForToken(token: string): Conversation | undefined {
    const grant = this.tokens.get(token);
    if (!grant || grant.expiresAt <= this.now()) return undefined;
    return this.conversations.get(grant.conversationId);
  }

  issueStreamTicket(conversation: Conversation): string {
    const ticket = nanoid(43);
    this.tickets.set(ticket, { conversationId: conversation.id, expiresAt: this.now() + this.limits.streamTicketTtlMs });
    return ticket;
  }

  /** Tickets work once: a leaked streamUrl (logs, history) cannot be replayed to listen in. */
  redeemStreamTicket(ticket: string): Conversation | undefined {
    const grant = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (!grant || grant.expiresAt <= this.now()) return undefined;
    return this.conversations.get(grant.conversationId);
  }

  sweep(): void {
    const now = this.now();
    for (const conversation of [...this.conversations.values()]) {
      if (now - conversation.lastActive >= this.limits.idleMs) this.drop(conversation);
    }
    for (const [token, grant] of this.tokens) {
      if (grant.expiresAt <= now) {
        this.tokens.delete(token);
        this.conversations.get(grant.conversationId)?.tokens.delete(token);
      }
    }
    for (const [ticket, grant] of this.tickets) if (grant.expiresAt <= now) this.tickets.delete(ticket);
  }

  drop(conversation: Conversation): void {
    this.conversations.delete(conversation.id);
    const own = this.byClient.get(conversation.client);
    own?.delete(conversation);
    if (own?.size === 0) this.byClient.delete(conversation.client);
    for (const token of conversation.tokens) this.tokens.delete(token);
    conversation.tokens.clear();
    conversation.end();
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const conversation of [...this.conversations.values()]) this.drop(conversation);
    this.tickets.clear();
  }

  private revokeToken(conversation: Conversation, token: string): void {
    conversation.tokens.delete(token);
    this.tokens.delete(token);
  }
}

/** Direct Line watermarks are opaque strings to clients; ours are decimal sequence numbers. */
export function parseWatermark(value: unknown): number | undefined {
  if (value === undefined || value === '' || value === null) return 0;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}
