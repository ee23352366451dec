// @ts-check
// The admin API client (docs/admin-api.md): every call carries the admin token; 401 and 403 end the session with
// the reason, other failures throw an ApiError.
import { apiError, errorFields, readJson } from '../assets/console-auth.js';
import { state } from './state.js';

/** @import { Analytics, BranchList, ConversationList, FilterName, Filters, Me, Transcript } from './types.js' */

const SIGNED_OUT = 'Your admin token was not accepted. Sign in again.';
const NOT_ADMIN = 'This token is not an admin token. Sign in with an admin token.';
/**
 * Query parameters of the conversation list and export, in the order they are sent.
 * @type {readonly FilterName[]}
 */
export const FILTERS = ['from', 'to', 'outcome', 'branch', 'rating', 'q'];
/**
 * The ones analytics honours (branch and words do not apply to it).
 * @type {readonly FilterName[]}
 */
const ANALYTICS_FILTERS = ['from', 'to', 'outcome', 'rating'];

/** @type {(message: string) => void} */
let tokenRejected = () => {};

/**
 * What to do when the API refuses the token (401) or it is not an admin's (403): sign out, saying `message`.
 * @param {(message: string) => void} handler
 */
export function onTokenRejected(handler) {
  tokenRejected = handler;
}

/**
 * @param {string} path
 * @param {URLSearchParams} params
 */
function withQuery(path, params) {
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/**
 * The filters named in `names`, in that order, after `first` and before `last` (offset, limit...).
 * @param {Filters} filters
 * @param {readonly FilterName[]} names
 * @param {Record<string, string | number>} [first]
 * @param {Record<string, string | number>} [last]
 */
function filterParams(filters, names, first = {}, last = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(first)) params.set(key, String(value));
  for (const name of names) {
    const value = filters[name];
    if (value) params.set(name, value);
  }
  for (const [key, value] of Object.entries(last)) params.set(key, String(value));
  return params;
}

/**
 * fetch() with the admin token.
 * @param {string} path under /api/admin/
 * @param {{ method?: string, accept?: string }} [options]
 * @returns {Promise<Response>} a 2xx answer
 */
async function request(path, { method = 'GET', accept = 'application/json' } = {}) {
  /** @type {Response} */
  let res;
  try {
    res = await fetch(`/api/admin/${path}`, {
      method,
      cache: 'no-store',
      headers: { Authorization: `Bearer ${state.token}`, Accept: accept },
    });
  } catch {
    throw apiError(0, 'Network', 'Cannot reach the server. Check the connection and try again.');
  }
  if (res.status === 401 || res.status === 403) {
    const message = res.status === 401 ? SIGNED_OUT : NOT_ADMIN;
    tokenRejected(message);
    throw apiError(res.status, res.status === 401 ? 'Unauthorized' : 'Forbidden', message);
  }
  if (!res.ok) {
    const { code, message } = errorFields(await readJson(res));
    throw apiError(res.status, code || 'Error', message || `The server answered ${res.status}.`);
  }
  return res;
}

/**
 * The JSON a GET of `path` answers.
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
async function getJson(path) {
  const body = await readJson(await request(path));
  // Taken to be what docs/admin-api.md says `path` answers, not checked field by field: the page guards the lists
  // in it, and puts every value on the page as text.
  return /** @type {T} */ (body);
}

/** @param {string} id */
const conversationPath = (id) => `conversations/${encodeURIComponent(id)}`;

/** @returns {Promise<Me>} */
export const me = () => getJson('me');

/** @returns {Promise<BranchList>} */
export const branches = () => getJson('branches');

/**
 * @param {Filters} filters
 * @param {{ offset: number, limit: number }} page
 * @returns {Promise<ConversationList>}
 */
export const conversations = (filters, page) => getJson(withQuery('conversations', filterParams(filters, FILTERS, {}, page)));

/**
 * @param {string} id
 * @returns {Promise<Transcript>}
 */
export const conversation = (id) => getJson(conversationPath(id));

/** @param {string} id */
export async function deleteConversation(id) {
  await request(conversationPath(id), { method: 'DELETE' });
}

/**
 * @param {Filters} filters only the ones analytics honours are sent
 * @returns {Promise<Analytics>}
 */
export const analytics = (filters) => getJson(withQuery('analytics', filterParams(filters, ANALYTICS_FILTERS)));

/**
 * The export file of the conversations matching `filters`, as the server sent it.
 * @param {'csv' | 'jsonl'} format
 * @param {Filters} filters
 * @returns {Promise<Response>}
 */
export const exportFile = (format, filters) => request(withQuery('export', filterParams(filters, FILTERS, { format })), { accept: '*/*' });
