import type { TicketStore } from '../../handoff/ticketStore.js';
import type { Ticket } from '../../tickets/ticket.js';
import { DocumentFolder, type DocumentFolderOptions } from './documentFolder.js';

const isOpen = (t: Ticket): boolean => t.status === 'queued' || t.status === 'assigned';

/**
 * Tickets in memory are frozen, all the way down: they can be handed out without copying (the queue is read
 * on every escalation, and copying every open ticket each time grew with the queue), and a caller that tries
 * to change one fails at once instead of changing the store behind its back.
 */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) frozen(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Tickets on the embedded store: one document per ticket, all held in memory (there are far fewer tickets
 * than conversations) for the queue. Changes apply to memory synchronously, then await the journal write, so
 * a claim is decided before any other update can look at the ticket.
 */
export class EmbeddedTicketStore implements TicketStore {
  /** Queued and assigned tickets: the queue is read on every escalation, and closed tickets only pile up. */
  private readonly open = new Map<string, Ticket>();

  private constructor(
    private readonly docs: DocumentFolder<Ticket, Ticket>,
    private readonly tickets: Map<string, Ticket>,
  ) {
    for (const ticket of tickets.values()) this.track(frozen(ticket));
  }

  /** `dir` is a folder of ticket documents (created if missing). */
  static async open(dir: string, options: Omit<DocumentFolderOptions, 'summaries'> = {}): Promise<EmbeddedTicketStore> {
    // Each ticket is its own summary: the folder's per-shard summaries files then hold every ticket, and
    // start-up reads 256 files instead of one per ticket.
    const docs = await DocumentFolder.open<Ticket, Ticket>(dir, {
      ...options,
      summaries: { of: (_id, ticket) => ticket, toJSON: (ticket) => ticket, fromJSON: (json) => json as Ticket },
    });
    return new EmbeddedTicketStore(docs, new Map(docs.acknowledgedSummaries()));
  }

  async create(ticket: Ticket): Promise<void> {
    if (this.tickets.has(ticket.id)) throw new Error(`TicketStore: ticket "${ticket.id}" already exists`);
    const stored = frozen(structuredClone(ticket));
    this.tickets.set(ticket.id, stored);
    this.track(stored);
    await this.docs.put(ticket.id, stored, stored);
  }

  async get(id: string): Promise<Ticket | undefined> {
    return this.tickets.get(id);
  }

  async findOpenByConversation(conversationId: string): Promise<Ticket | undefined> {
    return [...this.open.values()].find((t) => t.userWaiting && t.conversation.conversationId === conversationId);
  }

  async openTicketFor(userKey: string): Promise<Ticket | undefined> {
    // Insertion order is creation order (the map is filled from the documents, then by create).
    return [...this.open.values()].filter((t) => t.userKey === userKey).sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
  }

  async listOpen(): Promise<Ticket[]> {
    return [...this.open.values()];
  }

  async update(id: string, mutate: (ticket: Ticket) => Ticket): Promise<Ticket | undefined> {
    const current = this.tickets.get(id);
    if (!current) return undefined;
    // Synchronous from read to assignment: in one Node process no other update can slip in between. The
    // mutator gets a copy it may change; what it returns is copied too, so it keeps no handle on the store.
    const next = frozen(structuredClone(mutate(structuredClone(current))));
    this.tickets.set(id, next);
    this.track(next);
    await this.docs.put(id, next, next);
    return next;
  }

  close(): Promise<void> {
    return this.docs.close();
  }

  private track(ticket: Ticket): void {
    if (isOpen(ticket)) this.open.set(ticket.id, ticket);
    else this.open.delete(ticket.id);
  }
}
