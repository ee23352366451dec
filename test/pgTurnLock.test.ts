import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgTurnLock } from '../src/stores/postgres/turnLock.js';
import { PG_URL, SKIP_PG, randomSchema, withClient } from './helpers/pg.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(SKIP_PG)('PgTurnLock (advisory locks across instances)', () => {
  const schema = randomSchema();
  const locks: PgTurnLock[] = [];
  const lock = (waitMs?: number): PgTurnLock => {
    const made = new PgTurnLock({ url: PG_URL, poolSize: 3, schema, ...(waitMs ? { waitMs } : {}) });
    locks.push(made);
    return made;
  };
  let a: PgTurnLock;
  let b: PgTurnLock;
  beforeAll(() => {
    a = lock();
    b = lock();
  });
  afterAll(async () => {
    await Promise.all(locks.map((l) => l.close()));
  });

  it('holds turns of one conversation apart across two instances, and lets other conversations through', async () => {
    const events: string[] = [];
    const turn = (name: string, ms: number) => async () => {
      events.push(`${name} start`);
      await sleep(ms);
      events.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([
      a.run('webchat/c1', turn('a1', 150)),
      sleep(20).then(() => b.run('webchat/c1', turn('b1', 10))),
      sleep(40).then(() => b.run('webchat/c2', turn('b2', 10))),
    ]);
    expect(results).toEqual(['a1', 'b1', 'b2']);
    // b2 (another conversation) ran while a1 held c1; b1 waited for a1.
    expect(events.indexOf('b2 end')).toBeLessThan(events.indexOf('a1 end'));
    expect(events.indexOf('b1 start')).toBeGreaterThan(events.indexOf('a1 end'));
  });

  it('releases the lock when a turn throws', async () => {
    await expect(a.run('webchat/c3', async () => Promise.reject(new Error('turn failed')))).rejects.toThrow('turn failed');
    expect(await b.run('webchat/c3', async () => 'next turn')).toBe('next turn');
  });

  it('a turn of an instance whose connection died does not hold others up', async () => {
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let finish!: () => void;
    const stuck = a.run('webchat/c4', async () => {
      entered();
      await new Promise<void>((r) => (finish = r));
    });
    await inside;
    // The server ends the session holding the lock, as when an instance's connection or host dies.
    await withClient((c) =>
      c.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid() AND granted"),
    );
    expect(await b.run('webchat/c4', async () => 'went through')).toBe('went through');
    finish();
    await stuck;
  });

  it('gives up waiting after waitMs instead of waiting for ever', async () => {
    const impatient = lock(200);
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const held = a.run('webchat/c5', async () => {
      entered();
      await new Promise<void>((r) => (release = r));
    });
    await inside;
    await expect(impatient.run('webchat/c5', async () => 'never')).rejects.toThrow(/lock timeout/i);
    release();
    await held;
  });
});
