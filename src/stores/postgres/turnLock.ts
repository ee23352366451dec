import { createHash } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import type { Logger } from '../../logger.js';
import type { TurnLock } from '../../bot/turnLock.js';
import { InProcessTurnLock } from '../embedded/turnLock.js';

export interface PgTurnLockOptions {
  url: string;
  /** Turns this process may hold locks for at once; further turns wait for a connection. */
  poolSize: number;
  /** Locks are per schema, so deployments sharing a database do not hold each other's turns. */
  schema: string;
  logger?: Logger;
  /** A turn waiting longer than this for another instance's turn fails instead of waiting forever. */
  waitMs?: number;
}

/** PostgreSQL advisory locks take a bigint: the first 8 bytes of a hash, as a signed decimal. */
function lockKey(schema: string, key: string): string {
  return createHash('sha1').update(`${schema}\u0000${key}`).digest().readBigInt64BE(0).toString();
}

/**
 * Holds a conversation's turns apart across every bot instance on one PostgreSQL database, with a session
 * advisory lock per conversation held for the turn. Its own pool: a turn holding a lock connection also
 * needs store connections, and sharing one pool could leave every connection waiting on another.
 * Inside a process turns first queue locally, so a process holds at most one lock connection per conversation.
 * A connection that dies mid-turn releases its lock with it (the server ends the session).
 */
export class PgTurnLock implements TurnLock {
  private readonly local = new InProcessTurnLock();
  private readonly pool: Pool;

  constructor(private readonly options: PgTurnLockOptions) {
    this.pool = new Pool({ connectionString: options.url, max: options.poolSize, application_name: 'mfa-helpdesk-bot turn locks' });
    this.pool.on('error', (err) => options.logger?.error({ err: { message: err.message } }, 'idle PostgreSQL lock connection lost'));
  }

  run<T>(key: string, turn: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const client = await this.pool.connect();
      const id = lockKey(this.options.schema, key);
      let healthy = true;
      const lost = (): void => void (healthy = false);
      client.on('error', lost);
      try {
        await this.acquire(client, id);
        try {
          return await turn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [id]).catch(() => void (healthy = false));
        }
      } finally {
        client.off('error', lost);
        // A connection that could not unlock may still hold the lock: end its session rather than reuse it.
        client.release(!healthy);
      }
    });
  }

  private async acquire(client: PoolClient, id: string): Promise<void> {
    // lock_timeout bounds the wait for an advisory lock too; set per statement so the pool stays clean.
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(this.options.waitMs ?? 30_000))}`);
      await client.query('SELECT pg_advisory_lock($1)', [id]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
