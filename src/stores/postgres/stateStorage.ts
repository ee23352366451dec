import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { PgDatabase, Queryable } from './database.js';
import { pgText, toJsonb } from './text.js';

/**
 * Bot Framework `Storage` (ConversationState) on PostgreSQL: one row per state key, the document as jsonb and
 * the eTag as a counter column. The eTag check and the write are one statement, so it holds across bot
 * instances: a stale eTag is refused even when another process wrote in between; "*" or none overwrites.
 */
export class PgStateStorage implements Storage {
  private readonly table: string;

  constructor(private readonly db: PgDatabase) {
    this.table = db.table('bot_state');
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return Object.create(null) as StoreItems;
    const { rows } = await this.db.query<{ key: string; doc: StoreItem; etag: string }>(
      `SELECT key, doc, etag FROM ${this.table} WHERE key = ANY($1::text[])`,
      [keys.map(pgText)],
    );
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const found = Object.create(null) as StoreItems; // a key is any string, "__proto__" included
    for (const key of keys) {
      const row = byKey.get(key); // keys come back decoded (text.ts)
      if (row) found[key] = { ...row.doc, eTag: row.etag };
    }
    return found;
  }

  /** Several keys are written in one transaction: one refused eTag leaves all of them as they were. */
  async write(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes) as [string, StoreItem][];
    if (entries.length === 0) return;
    if (entries.length === 1) return this.writeOne(this.db, ...entries[0]!);
    await this.db.transaction(async (client) => {
      for (const [key, change] of entries) await this.writeOne(client, key, change);
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.query(`DELETE FROM ${this.table} WHERE key = ANY($1::text[])`, [keys.map(pgText)]);
  }

  /**
   * Insert, or update only while the stored eTag is the one the caller read. Under concurrent writers the
   * row lock makes the second re-check against the first's new eTag, so exactly one of them wins.
   */
  private async writeOne(q: Queryable, key: string, change: StoreItem): Promise<void> {
    const { eTag, ...doc } = change;
    const expected = typeof eTag === 'string' && eTag !== '*' ? eTag : null;
    const result = await q.query(
      `INSERT INTO ${this.table} AS cur (key, doc, etag) VALUES ($1, $2::jsonb, 1)
       ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc, etag = cur.etag + 1, updated_at = now()
       WHERE $3::text IS NULL OR cur.etag::text = $3::text`,
      [pgText(key), toJsonb(doc), expected],
    );
    if (result.rowCount === 0) throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
  }
}
