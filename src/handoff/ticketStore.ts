import type { Ticket } from '../tickets/ticket.js';

/** A change refused by the ticket's current state (claimed by someone else, already closed...). */
export class TicketConflict extends Error {
  constructor(
    readonly code: 'AlreadyClaimed' | 'Closed' | 'NotAssignee' | 'NotQueued',
    message: string,
  ) {
    super(message);
    this.name = 'TicketConflict';
  }
}

/**
 * Where tickets live. `update` is the only way to change one: the mutator sees the current ticket and either
 * returns the new one or throws a TicketConflict, and no other update of that ticket interleaves, which is
 * what makes "two agents cannot claim the same ticket" hold in every implementation.
 */
export interface TicketStore {
  create(ticket: Ticket): Promise<void>;
  get(id: string): Promise<Ticket | undefined>;
  /** The queued or assigned ticket a conversation is waiting on, if any. */
  findOpenByConversation(conversationId: string): Promise<Ticket | undefined>;
  /** The oldest queued or assigned ticket opened by this user (Ticket.userKey), whichever conversation it is in. */
  openTicketFor(userKey: string): Promise<Ticket | undefined>;
  /** Queued and assigned tickets. */
  listOpen(): Promise<Ticket[]>;
  update(id: string, mutate: (ticket: Ticket) => Ticket): Promise<Ticket | undefined>;
}
