// @ts-check
// Shared by the console pages (agent console, admin page): the sign-in form, the token kept in the tab's
// sessionStorage, reading API answers, and the error the pages' API calls throw. Each page keeps its own API
// calls and its own signIn/signOut (what they show and reset differs); this only wires them up.
import { byId } from './dom.js';

/**
 * An error from the API ({ code, message } with a 4xx/5xx status), or status 0 when the server is unreachable.
 * @typedef {Error & { status: number, code: string }} ApiError
 */

/** An error answer's body, as far as it has one. @typedef {{ code?: string, message?: string }} ApiErrorBody */

/**
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @returns {ApiError}
 */
export const apiError = (status, code, message) => Object.assign(new Error(message), { status, code });

/**
 * An answer's JSON body; {} when it has none or it is not JSON.
 * @param {Response} res
 * @returns {Promise<unknown>}
 */
export const readJson = (res) => res.json().catch(() => ({}));

/**
 * The code and message of an error answer's body (from readJson), where they are strings.
 * @param {unknown} body
 * @returns {ApiErrorBody}
 */
export function errorFields(body) {
  /** @type {ApiErrorBody} */
  const fields = {};
  if (typeof body !== 'object' || body === null) return fields;
  if ('code' in body && typeof body.code === 'string') fields.code = body.code;
  if ('message' in body && typeof body.message === 'string') fields.message = body.message;
  return fields;
}

/**
 * Whether `err` (anything can reach a `catch`) is one of the errors apiError() makes.
 * @param {unknown} err
 * @returns {err is ApiError}
 */
export const isApiError = (err) => err instanceof Error && 'status' in err && 'code' in err;

/**
 * What to tell the user about `err`: its message, or what it is when it has none.
 * @param {unknown} err
 */
export const errorText = (err) => (err instanceof Error && err.message) || String(err);

/**
 * sessionStorage, or null when the browser has it disabled (signing in then lasts for this page load).
 * @template T
 * @param {(storage: Storage) => T} action
 * @returns {T | null}
 */
function storage(action) {
  try {
    return action(window.sessionStorage);
  } catch {
    return null;
  }
}

/**
 * @typedef {object} TokenStore
 * @property {() => string | null} saved
 * @property {(token: string) => void} save
 * @property {() => void} clear
 */

/**
 * The token kept under `key` in this tab's sessionStorage (never in the page or a URL).
 * @param {string} key
 * @returns {TokenStore}
 */
export function tokenStore(key) {
  return {
    saved: () => storage((s) => s.getItem(key)),
    save: (token) => void storage((s) => s.setItem(key, token)),
    clear: () => void storage((s) => s.removeItem(key)),
  };
}

/** @typedef {(token: string) => Promise<void>} SignIn */
/** @typedef {(err: unknown) => void} Report */

/**
 * The submit handler of the sign-in form (#signin-form): the trimmed #token goes to the page's
 * `signIn(token)`, whose errors go to `report`; an empty box shows `emptyMessage` instead.
 * @param {{ emptyMessage: string, signIn: SignIn, showAlert: (text: string) => void, report: Report }} page
 * @returns {(event: SubmitEvent) => Promise<void>}
 */
export function signInSubmit({ emptyMessage, signIn, showAlert, report }) {
  return async (event) => {
    event.preventDefault();
    const box = byId('token', HTMLInputElement);
    const token = box.value.trim();
    if (!token) {
      showAlert(emptyMessage);
      box.focus();
      return;
    }
    await signIn(token).catch(report);
  };
}

/**
 * On load: signs in with the token saved in this tab, if any, keeping the sign-in form (#signin) hidden meanwhile.
 * @param {TokenStore} tokens
 * @param {SignIn} signIn
 * @param {Report} report
 */
export function resume(tokens, signIn, report) {
  const form = byId('signin');
  const saved = tokens.saved();
  form.hidden = Boolean(saved);
  if (!saved) return;
  signIn(saved).catch((/** @type {unknown} */ err) => {
    form.hidden = false;
    report(err);
  });
}
