import type { TurnContext } from 'botbuilder';
import type { ConversationLink, MemoryRecord, Outcome, QueueSignal, SpottedFields, WalkState } from './services.js';
import type { Answer } from './services.js';

/** The dialogs' ids: MainDialog runs the other three one after another, from their results. */
export const DIALOG = { main: 'main', walk: 'treeWalker', ticket: 'ticket', handoff: 'handoff' } as const;

/**
 * What a turn is about, built once at the edge (src/bot) from the channel's activity and passed inward, so
 * the dialogs' helpers read plain values instead of a whole TurnContext.
 */
export interface TurnInfo {
  conversationId: string;
  channelId: string;
  userId: string;
  userName?: string;
  /**
   * Who the user is as the channel vouches for them, across conversations (Teams: `aad:` + AAD object id;
   * otherwise channel + user id), for "one open ticket per user"; absent when the channel gives no user id.
   */
  userKey?: string;
  /** Where to reach this conversation again, for the help desk's messages. */
  link: ConversationLink;
  /** The user's clock as the channel reports it (Web Chat sends both), so "14:05 today" means their 14:05. */
  userClock: { offsetMinutes?: number; timeZone?: string };
  /**
   * A signal from the help desk queue (resolved, nobody free), present only on the queue's own proactive turns:
   * an event a client sends can never carry one.
   */
  signal?: QueueSignal;
}

const TURN_INFO = Symbol('turnInfo');

/** Called by the bot at the start of every turn. */
export function setTurnInfo(context: TurnContext, turn: TurnInfo): void {
  context.turnState.set(TURN_INFO, turn);
}

export function turnOf(context: TurnContext): TurnInfo {
  const turn = context.turnState.get<TurnInfo | undefined>(TURN_INFO);
  if (!turn) throw new Error('No turn info: turns must run through HelpdeskBot.run or runSignal');
  return turn;
}

const MEMORY = Symbol('memory');

/**
 * Called by the bot at the start of every turn with the conversation's memory, loaded from its state and saved
 * with it after the turn: the dialogs change it in place and never touch storage.
 */
export function setMemory(context: TurnContext, memory: MemoryRecord): void {
  context.turnState.set(MEMORY, memory);
}

export function memoryOf(context: TurnContext): MemoryRecord {
  const memory = context.turnState.get<MemoryRecord | undefined>(MEMORY);
  if (!memory) throw new Error('No conversation memory: turns must run through HelpdeskBot.run or runSignal');
  return memory;
}

export interface MainOptions {
  /** The message that started the conversation, if any: it may already describe the problem. */
  text?: string;
  /** Say the welcome before the menu (a user just joined). */
  welcome?: boolean;
}

export interface WalkOptions {
  /** Node to start at (the root when omitted). */
  startAt?: string;
  /** An earlier walk to continue from, keeping its path (used by "talk to a person"). */
  resume?: WalkState;
  /** Why the walk jumped, recorded on the path. */
  reason?: string;
  /** An answer to the root menu typed before the menu was shown (a menu button label, "2"). */
  menuAnswer?: Answer;
  /** Offer these nodes as guesses instead of entering a node. */
  guesses?: string[];
  /** A line to say before the first prompt. */
  intro?: string;
  /** Ticket fields already found in what the user wrote, for the ticket if the walk escalates. */
  spotted?: SpottedFields;
  /** What the user told us in earlier walks (the conversation's memory), for the nodes' variants. */
  facts?: Record<string, string>;
}

export interface TicketOptions {
  walk: WalkState;
  /** Fields already found (validated) in the user's earlier messages: filled in, shown on the review card. */
  spotted?: SpottedFields;
}

export interface HandoffOptions {
  ticketId: string;
  position: number;
  walk: WalkState;
  /** The user already had this ticket open and came back to it: say so, with its status, instead of "Done". */
  rejoined?: { assignedTo?: string };
}

/** The walk reached the help desk: collect the ticket. */
export interface Escalated {
  kind: 'escalated';
  walk: WalkState;
  spotted?: SpottedFields;
}

/** The ticket went to the queue: wait with the user for the help desk. */
export interface Submitted {
  kind: 'submitted';
  ticketId: string;
  position: number;
  walk: WalkState;
}

/** The user said something that starts a new request (they moved on, or the help desk is done with them). */
export interface NewRequest {
  kind: 'new-request';
  text: string;
}

/** Nothing follows; `outcome` says how the walk ended, when one did. */
export interface Finished {
  kind: 'finished';
  outcome?: Outcome;
}

export type WalkResult = Escalated | NewRequest | Finished;
export type TicketResult = Submitted;
export type HandoffResult = NewRequest | Finished;
/** What any of MainDialog's children ends with. */
export type ChildResult = WalkResult | TicketResult | HandoffResult;
