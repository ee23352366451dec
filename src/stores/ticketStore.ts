import type { Ticket } from '../tickets/ticket.js';
import { openJsonFile } from './lowdbFile.js';

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
  /** Queued and assigned tickets. */
  listOpen(): Promise<Ticket[]>;
  update(id: string, mutate: (ticket: Ticket) => Ticket): Promise<Ticket | undefined>;
}

const isOpen = (t: Ticket): boolean => t.status === 'queued' || t.status === 'assigned';

export class LowdbTicketStore implements TicketStore {
  private constructor(private readonly db: Awaited<ReturnType<typeof openJsonFile<{ tickets: Record<string, Ticket> }>>>) {}

  static async open(file: string): Promise<LowdbTicketStore> {
    return new LowdbTicketStore(await openJsonFile(file, { tickets: {} as Record<string, Ticket> }));
  }

  async create(ticket: Ticket): Promise<void> {
    if (this.db.data.tickets[ticket.id]) throw new Error(`TicketStore: ticket "${ticket.id}" already exists`);
    this.db.data.tickets[ticket.id] = structuredClone(ticket);
    await this.db.write();
  }

  async get(id: string): Promise<Ticket | undefined> {
    const ticket = this.db.data.tickets[id];
    return ticket && structuredClone(ticket);
  }

  async findOpenByConversation(conversationId: string): Promise<Ticket | undefined> {
    const found = Object.values(this.db.data.tickets).find((t) => isOpen(t) && t.userWaiting && t.conversation.conversationId === conversationId);
    return found && structuredClone(found);
  }

  async listOpen(): Promise<Ticket[]> {
    return Object.values(this.db.data.tickets).filter(isOpen).map((t) => structuredClone(t));
  }

  async update(id: string, mutate: (ticket: Ticket) => Ticket): Promise<Ticket | undefined> {
    const current = this.db.data.tickets[id];
    if (!current) return undefined;
    // Synchronous from read to assignment: in one Node process no other update can slip in between.
    const next = mutate(structuredClone(current));
    this.db.data.tickets[id] = next;
    await this.db.write();
    return structuredClone(next);
  }
}
