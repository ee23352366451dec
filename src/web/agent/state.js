// @ts-check
// The agent console's state, shared by its parts, and the two places it speaks: #alert for errors (announced at
// once) and #status for outcomes of actions (announced politely).
import { errorText, isApiError } from '../assets/console-auth.js';
import { byId } from '../assets/dom.js';

/** @import { Me, QueueItem, Ticket } from './types.js' */

/**
 * `session` and `view` go up whenever what they guard changes (signing in or out, opening another ticket), so an
 * answer that arrives after the agent moved on is dropped instead of drawn; `chatLoop` names the chat poll that
 * may go on (0: none).
 * @typedef {object} AgentState
 * @property {string | null} token
 * @property {Me | null} me
 * @property {number} session
 * @property {QueueItem[]} queue
 * @property {string} queueKey what the queue on screen says, to leave it alone when nothing changed
 * @property {string | null} openId the ticket on screen
 * @property {Ticket | null} ticket its state as last heard
 * @property {number} view
 * @property {number} lastSeq the last message of the open ticket on screen
 * @property {number} loops chat polls started so far
 * @property {number} chatLoop
 * @property {Map<string, number>} seen per ticket, the last message seq the agent has seen
 * @property {'' | 'error' | 'network'} alertKind what the alert shows: a network error clears once the queue loads again
 */

/** @type {AgentState} */
export const state = {
  token: null,
  me: null,
  session: 0,
  queue: [],
  queueKey: '',
  openId: null,
  ticket: null,
  view: 0,
  lastSeq: 0,
  loops: 0,
  chatLoop: 0,
  seen: new Map(),
  alertKind: '',
};

/**
 * @param {string} text
 * @param {'error' | 'network'} [kind]
 */
export function showAlert(text, kind = 'error') {
  byId('alert').textContent = text;
  state.alertKind = text ? kind : '';
}

/** @param {string} text */
export function announce(text) {
  byId('status').textContent = text;
}

/** @param {unknown} err */
export function report(err) {
  if (isApiError(err) && err.status === 401) return; // already back on the sign-in form
  showAlert(errorText(err), isApiError(err) && err.code === 'Network' ? 'network' : 'error');
}

/**
 * Runs fn now and every `ms` after it settles, while alive() holds.
 * @param {number} ms
 * @param {() => Promise<unknown>} fn
 * @param {() => boolean} alive
 */
export function every(ms, fn, alive) {
  const tick = async () => {
    if (!alive()) return;
    await fn().catch(report);
    if (alive()) setTimeout(tick, ms);
  };
  tick();
}
