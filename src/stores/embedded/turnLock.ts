import type { TurnLock } from '../../bot/turnLock.js';

/** Holds turns apart within this process: enough while one process serves every conversation. */
export class InProcessTurnLock implements TurnLock {
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
