import type { PathEntry, SessionOutcome } from '../tree/types.js';

/**
 * Where walks through the tree are reported: progress while one is under way (so a conversation left half-way
 * still shows where the user gave up), and the outcome when it ends. The transcript store implements it.
 */
export interface OutcomeStore {
  record(outcome: SessionOutcome): Promise<void>;
  /**
   * Keeps the walk under way (null: none). Creates the conversation's record if needed: botbuilder logs a
   * turn's activities only after the turn, so the first progress can arrive before the first activity.
   */
  progress(
    conversation: { conversationId: string; channelId: string; userId: string },
    walk: { branch: string | null; path: PathEntry[] } | null,
    at?: string,
  ): Promise<void>;
  list(filter?: { conversationId?: string }): Promise<SessionOutcome[]>;
  /**
   * Rates the walk that ended in this ticket: after an agent resolves it the user rates the help desk's work,
   * which is that walk's outcome. Nothing happens when the conversation has no such walk.
   */
  rateTicket(conversationId: string, ticketId: string, rating: number): Promise<void>;
  /**
   * Notes how the ticket the walk ended in was closed (an agent resolved it, or the user withdrew it), so the
   * conversation reads "resolved" or "cancelled" instead of "escalated". Nothing happens without such a walk.
   */
  closeTicket(conversationId: string, ticketId: string, outcome: 'resolved' | 'withdrawn'): Promise<void>;
}
