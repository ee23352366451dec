/**
 * Runs one conversation's turns one after another. Two turns of one conversation at once (a double click, a
 * proactive signal during a user turn) would both read the same state, and the later save would overwrite the
 * earlier one: botbuilder saves conversation state unconditionally (eTag "*"), so only holding the turns
 * apart prevents the lost update. Turns of different conversations still run in parallel.
 */
export interface TurnLock {
  run<T>(key: string, turn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Holds turns apart within this process: enough while one process serves every conversation. */
export class LocalTurnLock implements TurnLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, turn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await turn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  async close(): Promise<void> {}
}
