import type { ConversationLink } from '../tickets/ticket.js';

/**
 * How the queue reaches a user's conversation outside of their own turns. The Bot Framework implementation
 * sends proactive messages through the adapter; tests can record calls instead.
 */
export interface UserChannel {
  /** Posts a message from the help desk into the conversation; `from` names the agent who wrote it. */
  sendText(link: ConversationLink, text: string, from?: { agent: string }): Promise<void>;
  /** Runs a bot turn in the conversation for an event (e.g. "handoff.resolved"), so its dialogs can react. */
  signal(link: ConversationLink, name: string, value: Record<string, unknown>): Promise<void>;
}
