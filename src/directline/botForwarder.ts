import type { Logger } from '../logger.js';
import type { Activity } from './types.js';

export class BotUnavailableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** The bot endpoint's reason when it refused the activity as malformed (400): the client's to fix. */
    readonly refusal?: string,
  ) {
    super(message);
    this.name = 'BotUnavailableError';
  }
}

function reasonIn(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

export interface ForwarderOptions {
  botEndpoint: () => string;
  /** Proves to the bot endpoint that an activity came through this channel (Authorization: Bearer). */
  secret: string;
  logger: Logger;
  timeoutMs: number;
}

/**
 * Delivers activities to the bot over HTTP, exactly as a hosted channel would, so the bot's auth, parsing
 * and reply path are the production ones. Activities of one conversation go one at a time: the bot keeps
 * per-conversation state, and two turns racing on it (a quick double click on a button) would lose a write.
 */
export class BotForwarder {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly options: ForwarderOptions) {}

  forward(conversationId: string, activity: Activity): Promise<void> {
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const turn = previous.then(() => this.post(activity));
    const tail = turn.catch(() => undefined);
    this.queues.set(conversationId, tail);
    void tail.then(() => {
      if (this.queues.get(conversationId) === tail) this.queues.delete(conversationId);
    });
    return turn;
  }

  private async post(activity: Activity): Promise<void> {
    const { logger, timeoutMs } = this.options;
    let response: Response;
    try {
      response = await fetch(this.options.botEndpoint(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.secret}` },
        body: JSON.stringify(activity),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      logger.warn({ err: { message: (err as Error).message }, type: activity.type }, 'bot unreachable');
      throw new BotUnavailableError('The bot could not be reached.');
    }
    // Drain the body so the keep-alive connection goes back to the pool.
    const body = await response.text().catch(() => '');
    if (!response.ok) {
      logger.warn({ status: response.status, type: activity.type, body: body.slice(0, 200) }, 'bot rejected activity');
      throw new BotUnavailableError(
        `The bot answered ${response.status}.`,
        response.status,
        response.status === 400 ? reasonIn(body) : undefined,
      );
    }
  }
}
