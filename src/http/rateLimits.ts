import type { Request, Response } from 'restify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimitSettings {
  /** Requests per minute from one client address (local Direct Line, agent and admin APIs). */
  clientPerMinute: number;
  /** Messages per minute in one conversation (the bot endpoint, whoever relays them). */
  conversationPerMinute: number;
}

/**
 * Per-client and per-conversation limits (rate-limiter-flexible's in-memory token buckets). The bot
 * endpoint is limited per conversation, not per address: behind Azure Bot Service every request comes from
 * the Bot Connector's few addresses, so an address limit there would throttle everyone at once.
 */
export class RateLimits {
  private readonly client: RateLimiterMemory;
  private readonly conversation: RateLimiterMemory;

  constructor(settings: RateLimitSettings) {
    this.client = new RateLimiterMemory({ points: settings.clientPerMinute, duration: 60 });
    this.conversation = new RateLimiterMemory({ points: settings.conversationPerMinute, duration: 60 });
  }

  /** True when the request may go on; otherwise it has been answered 429 with Retry-After. */
  async allowClient(req: Request, res: Response): Promise<boolean> {
    return this.take(this.client, req.socket.remoteAddress ?? 'unknown', res);
  }

  async allowConversation(conversationId: string, res: Response): Promise<boolean> {
    return this.take(this.conversation, conversationId, res);
  }

  private async take(limiter: RateLimiterMemory, key: string, res: Response): Promise<boolean> {
    try {
      await limiter.consume(key);
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      res.header('Retry-After', String(seconds));
      res.json(429, { code: 'TooManyRequests', message: `Too many requests: try again in ${seconds} s.` });
      return false;
    }
  }
}
