import type { ConversationLink } from '../tickets/ticket.js';

/** A message from the help desk queue to a waiting conversation ("resolved", "nobody free yet"). */
export interface QueueSignal {
  name: 'handoff.resolved' | 'handoff.unclaimed';
  value: Record<string, unknown>;
}

/**
 * How the queue reaches a user's conversation outside of their own turns. The Bot Framework implementation
 * sends proactive messages through the adapter; tests can record calls instead.
 */
export interface UserChannel {
  /** Posts a message from the help desk into the conversation; `from` names the agent who wrote it. */
  sendText(link: ConversationLink, text: string, from?: { agent: string }): Promise<void>;
  /** Runs a bot turn in the conversation for an event (e.g. "handoff.resolved"), so its dialogs can react. */
  signal(link: ConversationLink, signal: QueueSignal): Promise<void>;
}
