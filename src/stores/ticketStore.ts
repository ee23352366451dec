import type { Ticket } from '../tickets/ticket.js';
import { DocumentFolder } from './documentFolder.js';

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

/**
 * Tickets on the embedded store: one lowdb-written document per ticket, all held in memory (there are far
 * fewer tickets than conversations) for the queue. Changes apply to memory synchronously, then await the
 * ticket's own file write, so a claim is decided before any other update can look at the ticket.
 */
export class LowdbTicketStore implements TicketStore {
  /** Queued and assigned tickets: the queue is read on every escalation, and closed tickets only pile up. */
  private readonly open = new Map<string, Ticket>();

  private constructor(
    private readonly docs: DocumentFolder<Ticket>,
    private readonly tickets: Map<string, Ticket>,
  ) {
    for (const ticket of tickets.values()) this.track(ticket);
  }

  /** `dir` is a folder of ticket documents (created if missing). */
  static async open(dir: string): Promise<LowdbTicketStore> {
    const docs = await DocumentFolder.open<Ticket>(dir);
    return new LowdbTicketStore(docs, await docs.loadAll());
  }

  async create(ticket: Ticket): Promise<void> {
    if (this.tickets.has(ticket.id)) throw new Error(`TicketStore: ticket "${ticket.id}" already exists`);
    const stored = structuredClone(ticket);
    this.tickets.set(ticket.id, stored);
    this.track(stored);
    await this.docs.put(ticket.id, ticket);
  }

  async get(id: string): Promise<Ticket | undefined> {
    const ticket = this.tickets.get(id);
    return ticket && structuredClone(ticket);
  }

  async findOpenByConversation(conversationId: string): Promise<Ticket | undefined> {
    const found = [...this.open.values()].find((t) => t.userWaiting && t.conversation.conversationId === conversationId);
    return found && structuredClone(found);
  }

  async listOpen(): Promise<Ticket[]> {
    return [...this.open.values()].map((t) => structuredClone(t));
  }

  async update(id: string, mutate: (ticket: Ticket) => Ticket): Promise<Ticket | undefined> {
    const current = this.tickets.get(id);
    if (!current) return undefined;
    // Synchronous from read to assignment: in one Node process no other update can slip in between.
    const next = mutate(structuredClone(current));
    this.tickets.set(id, next);
    this.track(next);
    await this.docs.put(id, next);
    return structuredClone(next);
  }

  close(): Promise<void> {
    return this.docs.close();
  }

  private track(ticket: Ticket): void {
    if (isOpen(ticket)) this.open.set(ticket.id, ticket);
    else this.open.delete(ticket.id);
  }
}
