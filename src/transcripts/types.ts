import type { OutcomeStore } from './outcomeStore.js';
import type { PathEntry, SessionOutcome } from '../tree/types.js';

export type Role = 'user' | 'bot' | 'agent';

/** One activity of a conversation as admins read it; text is already redacted when it gets here. */
export interface TranscriptEntry {
  /** Position in the conversation, from 1. */
  seq: number;
  at: string;
  role: Role;
  /** message, event, conversationUpdate... (typing is never logged). */
  type: string;
  /** Event name, or the agent's name for agent messages. */
  name?: string;
  text?: string;
  /** Titles of the buttons the bot offered with this message. */
  buttons?: string[];
  /** A card's fallback text, so the transcript reads without rendering cards. */
  card?: string;
}

export type ConversationOutcome = 'resolved' | 'escalated' | 'abandoned' | 'cancelled' | 'in-progress';

export interface ConversationInfo {
  conversationId: string;
  channelId: string;
  userId: string;
  userName?: string;
}

/** A conversation's record beside its transcript. Outcome fields describe its latest walk. */
export interface ConversationSummary extends ConversationInfo {
  startedAt: string;
  lastActivityAt: string;
  messageCount: number;
  /** The first thing the user wrote (redacted), for the list. */
  preview: string;
  /** The latest walk's outcome; "abandoned" when a walk was left unfinished for the abandon period. */
  outcome: ConversationOutcome;
  branch: string | null;
  path: PathEntry[];
  rating: number | null;
  /** The conversation's latest ticket, even when a walk started after it. */
  ticketId: string | null;
  /** Set when `outcome` is "resolved" because a person from the help desk resolved the ticket. */
  resolvedBy?: 'agent';
  /** Every finished walk of the conversation, oldest first. */
  sessions: SessionOutcome[];
}

export interface ConversationFilter {
  /** Conversations with activity on or after / before these instants. */
  from?: Date;
  to?: Date;
  outcome?: ConversationOutcome;
  branch?: string;
  /** Exact rating 1-5. */
  rating?: number;
  /** Words to find in the transcript text (all must occur; case-insensitive). */
  text?: string;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

export interface BranchStats {
  branch: string;
  /** Walks (sessions) in this branch, finished or abandoned. */
  conversations: number;
  resolved: number;
  escalated: number;
  abandoned: number;
  /** resolved / conversations, 0..1 (0 when there are none). */
  resolutionRate: number;
  escalationRate: number;
  averageRating: number | null;
  ratings: number;
  /** The node people most often leave from (give up, start over, cancel) or escalate from, with the count. */
  topDropOff: { node: string; count: number } | null;
}

/**
 * Conversations, their transcripts and outcomes. Extends OutcomeStore: finished walks arrive through record(),
 * and progress() keeps the unfinished walk so an abandoned conversation still shows where the user gave up.
 */
export interface TranscriptStore extends OutcomeStore {
  log(conversation: ConversationInfo, entry: Omit<TranscriptEntry, 'seq'>): Promise<void>;
  search(filter: ConversationFilter, page: PageRequest, now?: Date): Promise<{ total: number; items: ConversationSummary[] }>;
  get(conversationId: string, now?: Date): Promise<{ conversation: ConversationSummary; entries: TranscriptEntry[] } | undefined>;
  /** Whether anything of the conversation is stored. */
  has(conversationId: string): Promise<boolean>;
  delete(conversationId: string): Promise<boolean>;
  /** Deletes conversations whose last activity is before the cutoff; returns how many. */
  purgeBefore(cutoff: Date): Promise<number>;
  analytics(filter: Omit<ConversationFilter, 'branch' | 'text'>, now?: Date): Promise<BranchStats[]>;
}
