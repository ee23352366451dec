import type { TicketFieldName } from './fields.js';

export type TicketStatus = 'queued' | 'assigned' | 'resolved' | 'closed-without-agent';

/** Ranks the queue: urgent first (a lost or stolen phone is a security case), then by age. */
export type Priority = 'urgent' | 'high' | 'normal';
export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2 };

export type TicketFields = { userId: string; errorMessage: string } & Partial<
  Record<Exclude<TicketFieldName, 'userId' | 'errorMessage'>, string>
>;

/** One thing the tree had the user try, and how it went. */
export interface StepTried {
  node: string;
  title: string;
  /** "fixed" / "not fixed" for steps, the option label for questions, or how the walk moved on. */
  outcome: string;
}

/**
 * Where to reach the user again: the plain-JSON subset of a Bot Framework ConversationReference, kept free of
 * botbuilder types so tickets and the queue do not depend on the SDK.
 */
export interface ConversationLink {
  channelId: string;
  serviceUrl: string;
  conversationId: string;
  /** The full reference as the channel gave it, replayed as-is for proactive messages. */
  reference: Record<string, unknown>;
}

export interface TicketMessage {
  /** Position in the ticket's message list, starting at 1; the console asks for messages after N. */
  seq: number;
  from: 'user' | 'agent' | 'bot';
  text: string;
  at: string;
  /** The agent's name for agent messages. */
  agent?: string;
  /**
   * Agent messages the user's channel refused (a connector 404: the conversation is gone or unreachable): false
   * until the bot hands them over on the user's next turn. Absent means delivered.
   */
  delivered?: boolean;
}

export interface Ticket {
  /** Short and readable over the phone, e.g. MFA-7K3Q9P. */
  id: string;
  status: TicketStatus;
  priority: Priority;
  /** The branch (root menu option) the conversation was in, and its title. */
  category: string;
  categoryTitle: string;
  fields: TicketFields;
  /** Other values from a pasted error-details block (app name, IP address, device platform...). */
  extras: Record<string, string>;
  stepsTried: StepTried[];
  /** Why the walk escalated: the escalate node's id, or "asked for a person". */
  escalatedFrom: string;
  conversation: ConversationLink;
  userName?: string;
  /**
   * Who opened it, as the channel vouches for them (Teams: the AAD object id; Direct Line: the user id bound to
   * the conversation's token), never a typed email: one open ticket per user is looked up by it.
   */
  userKey?: string;
  createdAt: string;
  updatedAt: string;
  assignedTo?: string;
  assignedAt?: string;
  closedAt?: string;
  resolutionNote?: string;
  /** Set once the user has been told nobody claimed it in time (the ticket stays queued). */
  followUpNoticeAt?: string;
  /** Whether the user's conversation is still waiting on this ticket (false once they went back to the bot). */
  userWaiting: boolean;
  rating?: number;
  messages: TicketMessage[];
  /** Two sentences a language model wrote for the agent on top of the fields (never instead of them). */
  modelSummary?: { text: string; at: string };
}
