// @ts-check
// The agent API client (docs/agent-api.md): every call carries the agent token; a 401 ends the session, other
// failures throw an ApiError.
import { apiError, errorFields, readJson } from '../assets/console-auth.js';
import { state } from './state.js';

/** @import { Me, MessageAnswer, Messages, Queue, TicketAnswer, TicketDetails } from './types.js' */

const SIGNED_OUT = 'Your agent token was not accepted. Sign in again.';

/** @type {(message: string) => void} */
let tokenRejected = () => {};

/**
 * What to do when the API refuses the token (401): sign out, saying `message`.
 * @param {(message: string) => void} handler
 */
export function onTokenRejected(handler) {
  tokenRejected = handler;
}

/**
 * The JSON that `path` answers.
 * @template T
 * @param {string} path under /api/agent/
 * @param {{ method?: 'GET' | 'POST', body?: object }} [options] a body goes as JSON
 * @returns {Promise<T>}
 */
async function call(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Authorization: `Bearer ${state.token}`, Accept: 'application/json' };
  /** @type {RequestInit} */
  const init = { method: options.method || 'GET', headers, cache: 'no-store' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  /** @type {Response} */
  let res;
  try {
    res = await fetch(`/api/agent/${path}`, init);
  } catch {
    throw apiError(0, 'Network', 'Cannot reach the server. Check the connection; the console keeps trying.');
  }
  const body = await readJson(res);
  if (res.status === 401) {
    tokenRejected(SIGNED_OUT);
    throw apiError(401, 'Unauthorized', SIGNED_OUT);
  }
  if (!res.ok) {
    const { code, message } = errorFields(body);
    throw apiError(res.status, code || 'Error', message || `The server answered ${res.status}.`);
  }
  // Taken to be what docs/agent-api.md says `path` answers, not checked field by field: the console guards the
  // lists in it, and puts every value on the page as text.
  return /** @type {T} */ (body);
}

/**
 * @param {string} id
 * @param {string} [rest]
 */
const ticketPath = (id, rest = '') => `tickets/${encodeURIComponent(id)}${rest}`;

/** @returns {Promise<Me>} */
export const me = () => call('me');

/** @returns {Promise<Queue>} */
export const queue = () => call('queue');

/**
 * @param {string} id
 * @returns {Promise<TicketDetails>}
 */
export const ticket = (id) => call(ticketPath(id));

/**
 * @param {string} id
 * @returns {Promise<TicketAnswer>}
 */
export const claim = (id) => call(ticketPath(id, '/claim'), { method: 'POST', body: {} });

/**
 * The ticket's messages after seq `after`, and its state now.
 * @param {string} id
 * @param {number} after
 * @returns {Promise<Messages>}
 */
export const messages = (id, after) => call(ticketPath(id, `/messages?after=${after}`));

/**
 * @param {string} id
 * @param {string} text
 * @returns {Promise<MessageAnswer>}
 */
export const reply = (id, text) => call(ticketPath(id, '/messages'), { method: 'POST', body: { text } });

/**
 * @param {string} id
 * @param {string} note '' for none
 * @returns {Promise<TicketAnswer>}
 */
export const resolve = (id, note) => call(ticketPath(id, '/resolve'), { method: 'POST', body: note ? { note } : {} });
