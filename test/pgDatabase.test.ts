import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'pg';
import { PgDatabase, StoreUnavailableError } from '../src/stores/postgres/database.js';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../src/stores/postgres/migrations.js';
import { PgTicketStore } from '../src/stores/postgres/ticketStore.js';
import { TicketConflict } from '../src/handoff/ticketStore.js';
import type { Ticket } from '../src/tickets/ticket.js';
import { PG_URL, SKIP_PG, randomSchema, withClient } from './helpers/pg.js';
import { ticket } from './ticketStore.contract.js';

const schemas: string[] = [];
const opened: PgDatabase[] = [];

async function open(schema: string, poolSize = 3): Promise<PgDatabase> {
  const db = await PgDatabase.open({ url: PG_URL, poolSize, schema });
  opened.push(db);
  return db;
}

function fresh(): string {
  const name = randomSchema();
  schemas.push(name);
  return name;
}

const versions = (schema: string): Promise<number[]> =>
  withClient(async (c) =>
    (await c.query<{ version: number }>(`SELECT version FROM "${schema}".helpdesk_migrations ORDER BY version`)).rows.map((r) => r.version),
  );

const claimBy =
  (agent: string) =>
  (t: Ticket): Ticket => {
    if (t.status === 'assigned') throw new TicketConflict('AlreadyClaimed', `already claimed by ${t.assignedTo}`);
    return { ...t, status: 'assigned', assignedTo: agent };
  };

describe.skipIf(SKIP_PG)('PostgreSQL store: schema, pool and transactions', () => {
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    await withClient(async (c) => {
      for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    });
  });

  describe('migrations', () => {
    it('create the schema once, however many instances start together, and are a no-op afterwards', async () => {
      const schema = fresh();
      await Promise.all([open(schema), open(schema), open(schema)]);
      expect(await versions(schema)).toEqual(MIGRATIONS.map((m) => m.version));
      const pool = new Pool({ connectionString: PG_URL, max: 1 });
      try {
        expect(await migrate(pool, schema)).toEqual([]);
      } finally {
        await pool.end();
      }
      const tables = await withClient(async (c) =>
        (await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [schema])).rows.map(
          (r) => r.t,
        ),
      );
      expect(tables).toEqual(['bot_state', 'helpdesk_migrations', 'tickets', 'transcript_conversations', 'transcript_entries']);
    });

    it('apply only what is new, and a failing migration leaves the database as it was', async () => {
      const schema = fresh();
      const pool = new Pool({ connectionString: PG_URL, max: 1 });
      try {
        const extra = {
          version: LATEST_VERSION + 1,
          name: 'add a column',
          sql: (s: string) => `ALTER TABLE ${s}.tickets ADD COLUMN note text`,
        };
        const broken = {
          version: LATEST_VERSION + 2,
          name: 'broken',
          sql: (s: string) => `ALTER TABLE ${s}.no_such_table ADD COLUMN x int`,
        };
        await expect(migrate(pool, schema, [...MIGRATIONS, extra, broken])).rejects.toThrow(/no_such_table/);
        expect(await withClient(async (c) => (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount)).toBe(0);
        expect(await migrate(pool, schema)).toEqual(MIGRATIONS.map((m) => m.version));
        expect(await migrate(pool, schema, [...MIGRATIONS, extra])).toEqual([extra.version]);
        expect(await versions(schema)).toEqual([...MIGRATIONS.map((m) => m.version), extra.version]);
      } finally {
        await pool.end();
      }
    });

    it('refuse a schema migrated by a newer build, saying so', async () => {
      const schema = fresh();
      await open(schema);
      await withClient((c) =>
        c.query(`INSERT INTO "${schema}".helpdesk_migrations (version, name) VALUES ($1, 'from the future')`, [LATEST_VERSION + 5]),
      );
      await expect(open(schema)).rejects.toThrow(
        new RegExp(`version ${LATEST_VERSION + 5}, newer than this build knows \\(${LATEST_VERSION}\\)`),
      );
    });
  });

  describe('connections', () => {
    it('an unreachable server fails start-up naming DATABASE_URL and where, never the password', async () => {
      const err = await PgDatabase.open({
        url: 'postgres://bot:s3cret-pw@127.0.0.1:1/helpdesk',
        poolSize: 2,
        schema: 'public',
        connectTimeoutMs: 2000,
      }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((err as Error).message).toMatch(
        /^PostgreSQL store at 127\.0\.0\.1:1\/helpdesk \(DATABASE_URL\) could not be opened: .*ECONNREFUSED/,
      );
      expect((err as Error).message).not.toContain('s3cret');
    });

    it('refuses a schema name that is not a plain identifier', async () => {
      await expect(PgDatabase.open({ url: PG_URL, poolSize: 1, schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(RangeError);
    });

    it('holds at most poolSize connections, queueing the rest; close() is idempotent and final', async () => {
      const db = await open(fresh(), 2);
      const peak = { n: 0 };
      const watch = setInterval(() => (peak.n = Math.max(peak.n, db.pool.totalCount)), 5);
      await Promise.all(Array.from({ length: 8 }, () => db.query('SELECT pg_sleep(0.03)')));
      clearInterval(watch);
      expect(peak.n).toBeLessThanOrEqual(2);
      expect(peak.n).toBeGreaterThan(0);
      await db.close();
      await db.close();
      await expect(db.query('SELECT 1')).rejects.toThrow();
    });
  });

  describe('ticket updates against other sessions', () => {
    let schema: string;
    let db: PgDatabase;
    let store: PgTicketStore;
    beforeAll(async () => {
      schema = fresh();
      db = await open(schema);
      store = new PgTicketStore(db);
    });

    /** Another session holds the ticket's row lock and assigns it to bob, then `finish`es its transaction. */
    async function whileLockedElsewhere(
      t: Ticket,
      finish: 'COMMIT' | 'ROLLBACK' | 'terminate',
    ): Promise<Ticket | TicketConflict | undefined> {
      return withClient(async (other) => {
        await other.query('BEGIN');
        await other.query(`SELECT doc FROM "${schema}".tickets WHERE id = $1 FOR UPDATE`, [t.id]);
        await other.query(
          `UPDATE "${schema}".tickets SET status = 'assigned', doc = doc || '{"status":"assigned","assignedTo":"bob"}' WHERE id = $1`,
          [t.id],
        );
        let settled = false;
        const claim = store.update(t.id, claimBy('alice')).then(
          (v) => ((settled = true), v),
          (e: TicketConflict) => ((settled = true), e),
        );
        await new Promise((r) => setTimeout(r, 150));
        expect(settled).toBe(false); // waiting on the other session's lock
        if (finish === 'terminate') {
          const pid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
          await withClient((killer) => killer.query('SELECT pg_terminate_backend($1)', [pid]));
        } else {
          await other.query(finish);
        }
        return claim;
      });
    }

    it('a claim waits for the other session holding the ticket and sees its committed claim', async () => {
      const t = ticket();
      await store.create(t);
      const result = await whileLockedElsewhere(t, 'COMMIT');
      expect(result).toBeInstanceOf(TicketConflict);
      expect(await store.get(t.id)).toMatchObject({ status: 'assigned', assignedTo: 'bob' });
    });

    it('an aborted transaction elsewhere leaves the ticket intact, and the waiting claim goes through', async () => {
      const t = ticket();
      await store.create(t);
      expect(await whileLockedElsewhere(t, 'ROLLBACK')).toMatchObject({ status: 'assigned', assignedTo: 'alice' });
      const u = ticket();
      await store.create(u);
      // A bot instance dying mid-update (its connection cut) is rolled back by the server the same way.
      expect(await whileLockedElsewhere(u, 'terminate')).toMatchObject({ status: 'assigned', assignedTo: 'alice' });
      expect(await store.get(u.id)).toMatchObject({ assignedTo: 'alice', fields: u.fields, messages: [] });
    });
  });
});
