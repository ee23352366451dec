// @ts-check
// The admin page's state, shared by its parts, and the two places it speaks: #alert for errors (announced at once)
// and #status for outcomes of actions (announced politely).
import { errorText, isApiError } from '../assets/console-auth.js';
import { byId } from '../assets/dom.js';

/** @import { ConversationSummary, Filters } from './types.js' */

/**
 * The `*View` counters and `session` go up whenever what they guard changes, so an answer that arrives after the
 * admin moved on (or signed out) is dropped instead of drawn.
 * @typedef {object} AdminState
 * @property {string | null} token
 * @property {number} session
 * @property {Filters} filters the applied ones, not what the form shows
 * @property {number} offset
 * @property {number} total
 * @property {ConversationSummary[]} items the page of the list on screen
 * @property {Record<string, string>} titles node and branch titles by id
 * @property {number} listView
 * @property {number} analyticsView
 * @property {number} transcriptView
 * @property {string | null} openId the conversation whose transcript is open
 */

/** @type {AdminState} */
export const state = {
  token: null,
  session: 0,
  filters: {},
  offset: 0,
  total: 0,
  items: [],
  titles: {},
  listView: 0,
  analyticsView: 0,
  transcriptView: 0,
  openId: null,
};

/** @param {string} text */
export function showAlert(text) {
  byId('alert').textContent = text;
}

/** @param {string} text */
export function announce(text) {
  byId('status').textContent = text;
}

/** @param {unknown} err */
export function report(err) {
  if (isApiError(err) && (err.status === 401 || err.status === 403)) return; // already back on the sign-in form, with the reason
  showAlert(errorText(err));
}
