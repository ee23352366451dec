import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import type { Logger } from '../../logger.js';
import { SCHEMA_NAME } from '../../config.js';
import { migrate } from './migrations.js';
import { storeTypes } from './text.js';
import { inTransaction } from './transaction.js';

export { SCHEMA_NAME };

export interface PgOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Connections this process may hold at once. */
  poolSize: number;
  /** Where the tables live; created if missing. */
  schema: string;
  logger?: Logger;
  /** How long to wait for a connection before a query fails (and start-up with it). */
  connectTimeoutMs?: number;
}

/** Anything that runs a query: the pool, or one client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** The PostgreSQL store could not be opened at start-up: the operator's to fix, so its message says what and where. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** Where the database is, for messages: host, port and database, never the password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname || ''}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

function reasonOf(err: unknown): string {
  const e = err as Error & { code?: string; errors?: Error[] };
  // Connection refusals on a dual-stack host arrive as an AggregateError with an empty message.
  return e.message || e.errors?.map((x) => x.message).join('; ') || e.code || String(err);
}

/**
 * The PostgreSQL store's connection pool and schema, shared by its three stores (state, tickets,
 * transcripts). Opening it checks the server answers and brings the schema up to date.
 */
export class PgDatabase implements Queryable {
  private closed = false;

  private constructor(
    readonly pool: Pool,
    readonly schema: string,
  ) {}

  static async open(options: PgOptions): Promise<PgDatabase> {
    if (!SCHEMA_NAME.test(options.schema)) throw new RangeError(`PostgreSQL schema name "${options.schema}" must match ${SCHEMA_NAME}`);
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: 'mfa-helpdesk-bot',
      // Text and jsonb come back as they were given, NUL included (see text.ts).
      types: storeTypes,
    });
    // An idle connection dropped by the server (restart, failover) is reported here; unhandled it would crash
    // the process. The pool replaces it on the next query.
    pool.on('error', (err) => options.logger?.error({ err: { message: err.message } }, 'idle PostgreSQL connection lost'));
    try {
      await migrate(pool, options.schema);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new StoreUnavailableError(
        `PostgreSQL store at ${describeUrl(options.url)} (DATABASE_URL) could not be opened: ${reasonOf(err)}`,
        { cause: err },
      );
    }
    return new PgDatabase(pool, options.schema);
  }

  /** A table's schema-qualified name for SQL text. */
  table(name: string): string {
    return `"${this.schema}".${name}`;
  }

  query<R extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    return this.pool.query<R>(sql, params);
  }

  /** Runs `work` in a transaction on one connection (see inTransaction). */
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  /**
   * Resolves when the server answers a trivial query within `timeoutMs`, rejects otherwise: for readiness. The
   * query goes through the pool, so it also fails when every connection is stuck.
   */
  async ping(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    });
    try {
      await Promise.race([this.pool.query('SELECT 1'), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for queries in flight, then closes every connection; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
