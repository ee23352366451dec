import type { Middleware, TurnContext } from 'botbuilder';

/**
 * Runs one conversation's turns one after another. Two messages of one conversation arriving together (a
 * double click, a proactive signal during a user turn) would otherwise both read the same state and the
 * second save would fail its eTag check. Turns of different conversations still run in parallel.
 */
export class SerializeTurnsMiddleware implements Middleware {
  private readonly tails = new Map<string, Promise<void>>();

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const key = `${context.activity.channelId}/${context.activity.conversation?.id ?? ''}`;
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      await next();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
