import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgDatabase } from '../../src/stores/postgres/database.js';

/** The test server: our machines run PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth, database test). */
export const PG_URL = process.env.PGTEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * SKIP_PG_TESTS=1 skips the PostgreSQL tests on a laptop without a server. Never under CI: there an
 * unreachable server must fail the run, not quietly shrink it.
 */
export const SKIP_PG = process.env.SKIP_PG_TESTS === '1' && !process.env.CI;

/** A fresh schema name: test files (and other people's runs) sharing the server never see each other's rows. */
export function randomSchema(): string {
  return `test_${randomBytes(6).toString('hex')}`;
}

/** Runs SQL on a connection of its own (not a store's pool), e.g. to hold a lock or inspect rows. */
export async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_URL });
  client.on('error', () => undefined); // a terminated test connection is expected in some tests
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * One test file's schema: `open()` gives a store database (its own pool) over it, like another bot instance
 * would; `clear()` empties the tables between tests; `drop()` closes every pool opened and drops the schema.
 */
export class TestSchema {
  private readonly opened: PgDatabase[] = [];

  private constructor(readonly name: string) {}

  static async create(): Promise<TestSchema> {
    const schema = new TestSchema(randomSchema());
    await schema.open();
    return schema;
  }

  async open(poolSize = 4): Promise<PgDatabase> {
    const db = await PgDatabase.open({ url: PG_URL, poolSize, schema: this.name });
    this.opened.push(db);
    return db;
  }

  /** DELETE rather than TRUNCATE: on a few rows it is much faster, and it leaves the identity counters alone. */
  async clear(): Promise<void> {
    const db = this.opened[0]!;
    await db.query(
      `DELETE FROM ${db.table('bot_state')}; DELETE FROM ${db.table('tickets')}; DELETE FROM ${db.table('transcript_conversations')}`,
    );
  }

  async drop(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((db) => db.close().catch(() => undefined)));
    await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${this.name}" CASCADE`));
  }
}
