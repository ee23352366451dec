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
  readonly tokens = new Set<string>();
  private entries: Entry[] = [];
  private nextSeq = 0;
  private readonly listeners = new Set<ConversationListener>();

  constructor(
    readonly id: string,
    now: number,
    private readonly maxActivities: number,
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
    this.entries.push({ seq, activity: stored });
    if (this.entries.length > this.maxActivities) this.entries.splice(0, this.entries.length - this.maxActivities);
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
    return this.append({ ...activity, id, timestamp: activity.timestamp ?? old.activity.timestamp });
  }

  /** Clients that already received the activity keep it: Direct Line 3.0 has no way to retract one. */
  remove(id: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.activity.id !== id);
    return this.entries.length !== before;
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
  }

  private emit(set: ActivitySet): void {
    for (const listener of this.listeners) listener.activities(set);
  }
}

interface Grant {
  conversationId: string;
  expiresAt: number;
}

/**
 * Every live conversation, its bearer tokens and its one-shot stream tickets, all in memory and bounded:
 * a sweep forgets idle conversations and expired grants, and the conversation map doubles as an LRU list
 * (re-inserted on each touch) so the least recently active one goes first when the cap is reached.
 */
export class ConversationStore {
  private readonly conversations = new Map<string, Conversation>();
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

  create(): Conversation {
    while (this.conversations.size >= this.limits.maxConversations) {
      const oldest = this.conversations.values().next().value;
      if (!oldest) break;
      this.drop(oldest);
    }
    const conversation = new Conversation(nanoid(), this.now(), this.limits.maxActivities);
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }

  get(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  touch(conversation: Conversation): void {
    conversation.lastActive = this.now();
    this.conversations.delete(conversation.id);
    this.conversations.set(conversation.id, conversation);
  }

  issueToken(conversation: Conversation): { token: string; expiresIn: number } {
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
