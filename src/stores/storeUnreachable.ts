/**
 * A store could not be reached (the database is down, restarting or unreachable over the network), as opposed
 * to a query or a value being wrong. The bot tells the user to try again in a moment instead of starting over,
 * keeps their place, and answers the channel 503 so the turn is not taken as done; readiness reports it.
 */
export class StoreUnreachableError extends Error {
  override name = 'StoreUnreachableError';
}

/** Socket-level failures: nobody answers, or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/**
 * PostgreSQL SQLSTATEs of an unavailable server: class 08 (connection exception), 57P01-57P03 (the server is
 * shutting down, crashed, or cannot take connections yet), 53300 (too many connections).
 */
const SERVER_GONE = /^(?:08...|57P0[123]|53300)$/;
/** node-postgres reports these without a code. */
const PG_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection error/i;

/** True when `err` (or anything it wraps: `cause`, botbuilder-dialogs' `error`, an AggregateError's list) says the store is unreachable. */
export function isStoreUnreachable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown): boolean => {
    if (e === null || typeof e !== 'object' || seen.has(e) || seen.size > 20) return false;
    seen.add(e);
    if (e instanceof StoreUnreachableError) return true;
    const { code, message, cause, error, errors } = e as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      error?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_GONE.test(code))) return true;
    // A SQLSTATE other than the ones above is the server answering: whatever the message says, it is reachable.
    if (code === undefined && typeof message === 'string' && PG_MESSAGES.test(message)) return true;
    if (Array.isArray(errors) && errors.some(visit)) return true;
    return visit(cause) || visit(error);
  };
  return visit(err);
}
