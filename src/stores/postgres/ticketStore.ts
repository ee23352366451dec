import type { Ticket } from '../../tickets/ticket.js';
import type { PgDatabase } from './database.js';
import { fromJsonb, pgText, toJsonb } from './text.js';
import type { TicketStore } from '../../handoff/ticketStore.js';

const OPEN = `status IN ('queued', 'assigned')`;
const UNIQUE_VIOLATION = '23505';

/**
 * Tickets on PostgreSQL: the ticket as a jsonb document, with the columns the queue filters on beside it.
 * `update` runs the mutator inside a transaction holding the ticket's row lock (SELECT ... FOR UPDATE), so an
 * update on another bot instance waits and then sees this one's result: two agents on two instances can never
 * both claim a ticket. A mutator that throws (TicketConflict) rolls the transaction back.
 */
export class PgTicketStore implements TicketStore {
  private readonly table: string;

  constructor(private readonly db: PgDatabase) {
    this.table = db.table('tickets');
  }

  async create(ticket: Ticket): Promise<void> {
    try {
      await this.db.query(`INSERT INTO ${this.table} (id, conversation_id, status, user_waiting, doc) VALUES ($1, $2, $3, $4, $5::jsonb)`, [
        pgText(ticket.id),
        pgText(ticket.conversation.conversationId),
        ticket.status,
        ticket.userWaiting,
        toJsonb(ticket),
      ]);
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION)
        throw new Error(`TicketStore: ticket "${ticket.id}" already exists`, { cause: err });
      throw err;
    }
  }

  async get(id: string): Promise<Ticket | undefined> {
    const { rows } = await this.db.query<{ doc: Ticket }>(`SELECT doc FROM ${this.table} WHERE id = $1`, [pgText(id)]);
    return rows[0]?.doc;
  }

  async findOpenByConversation(conversationId: string): Promise<Ticket | undefined> {
    const { rows } = await this.db.query<{ doc: Ticket }>(
      `SELECT doc FROM ${this.table} WHERE conversation_id = $1 AND ${OPEN} AND user_waiting ORDER BY seq LIMIT 1`,
      [pgText(conversationId)],
    );
    return rows[0]?.doc;
  }

  async openTicketFor(userKey: string): Promise<Ticket | undefined> {
    const { rows } = await this.db.query<{ doc: Ticket }>(
      `SELECT doc FROM ${this.table} WHERE doc ->> 'userKey' = $1 AND ${OPEN} ORDER BY seq LIMIT 1`,
      [pgText(userKey)],
    );
    return rows[0]?.doc;
  }

  async listOpen(): Promise<Ticket[]> {
    const { rows } = await this.db.query<{ doc: Ticket }>(`SELECT doc FROM ${this.table} WHERE ${OPEN} ORDER BY seq`);
    return rows.map((r) => r.doc);
  }

  async update(id: string, mutate: (ticket: Ticket) => Ticket): Promise<Ticket | undefined> {
    return this.db.transaction(async (client) => {
      const { rows } = await client.query<{ doc: Ticket }>(`SELECT doc FROM ${this.table} WHERE id = $1 FOR UPDATE`, [pgText(id)]);
      const current = rows[0]?.doc;
      if (!current) return undefined;
      const next = mutate(current);
      const json = toJsonb(next);
      await client.query(
        `UPDATE ${this.table} SET doc = $2::jsonb, status = $3, user_waiting = $4, conversation_id = $5, updated_at = now() WHERE id = $1`,
        [pgText(id), json, next.status, next.userWaiting, pgText(next.conversation.conversationId)],
      );
      // What get() will return from now on, not the mutator's object (which it may still hold and change).
      return fromJsonb(json) as Ticket;
    });
  }
}
