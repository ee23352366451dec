import type { Request, Response } from 'restify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ClientAddress } from './clientAddress.js';

export interface RateLimitSettings {
  /** Requests per minute from one client address (local Direct Line, anonymous bot endpoint) or one signed-in agent or admin. */
  clientPerMinute: number;
  /** Messages per minute in one conversation (the bot endpoint, whoever relays them). */
  conversationPerMinute: number;
  /** Failed sign-ins per minute from one client address. */
  authFailuresPerMinute: number;
}

/**
 * rate-limiter-flexible's in-memory token buckets, one kind per thing that can be abused:
 * - client addresses, for the anonymous doors (the local Direct Line; the bot endpoint without an app id or
 *   a local channel);
 * - conversations, on the bot endpoint: behind Azure Bot Service every request comes from the Bot Connector's
 *   few addresses, so an address limit there would throttle everyone at once;
 * - signed-in agents and admins, each their own bucket;
 * - failed sign-ins per address, apart from everything else, so guessing tokens cannot lock out the people
 *   who hold the right ones (they are counted by name, not by address).
 */
export class RateLimits {
  private readonly client: RateLimiterMemory;
  private readonly conversation: RateLimiterMemory;
  private readonly principal: RateLimiterMemory;
  private readonly authFailures: RateLimiterMemory;

  constructor(
    settings: RateLimitSettings,
    readonly clientOf: ClientAddress,
  ) {
    this.client = new RateLimiterMemory({ points: settings.clientPerMinute, duration: 60 });
    this.conversation = new RateLimiterMemory({ points: settings.conversationPerMinute, duration: 60 });
    this.principal = new RateLimiterMemory({ points: settings.clientPerMinute, duration: 60 });
    this.authFailures = new RateLimiterMemory({ points: settings.authFailuresPerMinute, duration: 60 });
  }

  /** True when the request may go on; otherwise it has been answered 429 with Retry-After. */
  allowClient(req: Request, res: Response): Promise<boolean> {
    return this.take(this.client, this.clientOf(req), res);
  }

  allowConversation(conversationId: string, res: Response): Promise<boolean> {
    return this.take(this.conversation, conversationId, res);
  }

  /** A signed-in agent or admin, e.g. `agent:alice`. */
  allowPrincipal(principal: string, res: Response): Promise<boolean> {
    return this.take(this.principal, principal, res);
  }

  /** Counts a failed sign-in; false (after answering 429) once the address has failed too often this minute. */
  authFailed(req: Request, res: Response): Promise<boolean> {
    return this.take(this.authFailures, this.clientOf(req), res);
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
