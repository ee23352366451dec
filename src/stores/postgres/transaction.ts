import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction on one connection of `pool`: committed if it resolves, rolled back if it throws
 * (and the error rethrown as is). A connection that cannot even roll back is discarded, not reused.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A connection lost between two statements emits 'error' on the checked-out client, which would crash the
  // process unheard; the next statement fails anyway, so noting it is enough.
  const lost = (): void => {
    broken = true;
  };
  client.on('error', lost);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.off('error', lost);
    client.release(broken);
  }
}
