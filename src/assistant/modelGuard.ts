import {
  CircuitState,
  ConsecutiveBreaker,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  isTaskCancelledError,
  timeout,
  wrap,
} from 'cockatiel';
import { APIConnectionError, APIError } from 'openai';

/** Why a model call gave no usable result; each one means "take the local path this turn". */
export type FailureReason =
  | 'budget' // this conversation has used its calls
  | 'breaker-open' // recent calls kept failing, so none are made for a while
  | 'timeout'
  | 'rate-limited' // 429, after the one retry
  | 'server-error' // 5xx, after the one retry
  | 'connection'
  | 'refused' // another 4xx (bad key, unknown model...): retrying will not help
  | 'malformed'; // the reply was not the JSON the schema asks for

export type Guarded<T> = { ok: true; value: T } | { ok: false; reason: FailureReason };

/** A reply that does not fit the schema: the local path answers instead; the breaker does not count it (see below). */
export class MalformedReply extends Error {
  constructor(detail: string) {
    super(`malformed model reply: ${detail}`);
    this.name = 'MalformedReply';
  }
}

export interface GuardOptions {
  timeoutMs: number;
  budgetPerConversation: number;
  breaker: { failures: number; cooldownMs: number };
  /** Conversations whose budget is remembered; the oldest are forgotten past this (a long-running process). */
  maxConversations?: number;
}

/**
 * Limits around every model call: a per-conversation budget of calls, a deadline that covers the SDK's one
 * retry (cockatiel's aggressive timeout aborts the request), and a circuit breaker that stops calling after
 * repeated failures and lets one trial call through after the cool-down. Never throws: callers get a result
 * or a reason to fall back.
 */
export class ModelGuard {
  private readonly policy;
  private readonly breaker;
  /** Calls used per conversation; insertion order doubles as age for forgetting the oldest. */
  private readonly used = new Map<string, number>();

  constructor(private readonly options: GuardOptions) {
    // Only the service's failures open the breaker. A malformed reply or a refused request says nothing
    // about the service's health, and counting it would let one user's odd messages switch the model off
    // for everybody.
    const serviceFailure = handleWhen((err) => !(err instanceof MalformedReply) && !isClientError(err));
    this.breaker = circuitBreaker(serviceFailure, {
      halfOpenAfter: options.breaker.cooldownMs,
      breaker: new ConsecutiveBreaker(options.breaker.failures),
    });
    // abortOnReturn off: the signal is then aborted only by the deadline, which is how a timeout is told
    // apart from the connection error the aborted request surfaces as.
    this.policy = wrap(this.breaker, timeout(options.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }));
  }

  get circuit(): 'closed' | 'open' | 'half-open' {
    const state = this.breaker.state;
    return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';
  }

  /** Model calls left for a conversation. */
  remaining(conversationId: string): number {
    return Math.max(0, this.options.budgetPerConversation - (this.used.get(conversationId) ?? 0));
  }

  async run<T>(conversationId: string, call: (signal: AbortSignal) => Promise<T>, before?: () => Promise<void>): Promise<Guarded<T>> {
    if (this.remaining(conversationId) === 0) return { ok: false, reason: 'budget' };
    this.spend(conversationId);
    let deadline: AbortSignal | undefined;
    try {
      // The breaker decides inside execute (an open circuit turns half-open there once the cool-down is
      // over), so `before` runs only when a request really goes out.
      const value = await this.policy.execute(async ({ signal }) => {
        deadline = signal;
        await before?.();
        return call(signal);
      });
      return { ok: true, value };
    } catch (err) {
      const reason = deadline?.aborted ? 'timeout' : reasonOf(err);
      // Refused by the breaker: nothing was sent, so nothing is spent.
      if (reason === 'breaker-open') this.spend(conversationId, -1);
      return { ok: false, reason };
    }
  }

  private spend(conversationId: string, calls = 1): void {
    const count = (this.used.get(conversationId) ?? 0) + calls;
    this.used.delete(conversationId);
    this.used.set(conversationId, count);
    const max = this.options.maxConversations ?? 10_000;
    if (this.used.size > max) this.used.delete(this.used.keys().next().value!);
  }
}

function reasonOf(err: unknown): FailureReason {
  if (isBrokenCircuitError(err)) return 'breaker-open';
  if (isTaskCancelledError(err)) return 'timeout';
  if (err instanceof MalformedReply) return 'malformed';
  if (err instanceof APIConnectionError) return err.name === 'APIConnectionTimeoutError' ? 'timeout' : 'connection';
  if (err instanceof APIError) {
    if (err.status === 429) return 'rate-limited';
    if (err.status !== undefined && err.status >= 500) return 'server-error';
    return 'refused';
  }
  return 'connection';
}

/** A 4xx other than 408 (timeout) and 429 (rate limit): the request itself is wrong (key, model name). */
function isClientError(err: Error): boolean {
  return (
    err instanceof APIError && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429
  );
}
