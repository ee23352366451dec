import { ActivityTypes, TurnContext, type Middleware } from 'botbuilder';

/**
 * "Typing..." for any message turn still running after `delayMs` (a slow store, model or help desk), repeated
 * every `periodMs` until the turn ends; quick turns answer before it would show. Unlike botbuilder's
 * ShowTypingMiddleware it sees the typing the turn sends itself (the dialogs send one the moment a model call
 * starts) and does not send a second one within the same period. Sent straight through the adapter, as
 * ShowTypingMiddleware does, so it is neither logged nor counted as the turn's reply.
 */
export class TypingIndicator implements Middleware {
  constructor(
    private readonly delayMs = 500,
    private readonly periodMs = 2_000,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (context.activity.type !== ActivityTypes.Message) return next();
    let lastTyping = Number.NEGATIVE_INFINITY;
    context.onSendActivities(async (_context, activities, send) => {
      if (activities.some((a) => a.type === ActivityTypes.Typing)) lastTyping = Date.now();
      return send();
    });
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const tick = async (): Promise<void> => {
      if (finished) return;
      const quietFor = Date.now() - lastTyping;
      if (quietFor >= this.periodMs) {
        lastTyping = Date.now();
        const typing = TurnContext.applyConversationReference(
          { type: ActivityTypes.Typing, relatesTo: context.activity.relatesTo },
          TurnContext.getConversationReference(context.activity),
        );
        // A failed indicator must never fail the turn it decorates.
        await context.adapter.sendActivities(context, [typing]).catch(() => undefined);
      }
      if (!finished) timer = setTimeout(() => void tick(), Math.max(1, this.periodMs - (Date.now() - lastTyping)));
    };
    timer = setTimeout(() => void tick(), this.delayMs);
    try {
      await next();
    } finally {
      finished = true;
      clearTimeout(timer);
    }
  }
}
