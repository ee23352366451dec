import type { Middleware, TurnContext } from 'botbuilder';
import type { TurnLock } from './turnLock.js';

/** Runs every turn, user or proactive, under its conversation's turn lock (see TurnLock for why). */
export class SerializeTurnsMiddleware implements Middleware {
  constructor(private readonly lock: TurnLock) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    await this.lock.run(`${context.activity.channelId}/${context.activity.conversation?.id ?? ''}`, next);
  }
}
