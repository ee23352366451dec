// @ts-check
// Admin page: a static page over the admin API (docs/admin-api.md): conversations and their transcripts,
// outcomes, branch analytics and export. This module signs in and out and wires the page's controls to the parts
// that do the work. Everything that comes from the API is put on the page with textContent and DOM calls, never
// as HTML: transcripts hold whatever users typed.
import { resume, signInSubmit, tokenStore } from '../assets/console-auth.js';
import { byId } from '../assets/dom.js';
import * as api from './api.js';
import { askDelete, cancelDelete, confirmDelete } from './delete.js';
import { exportAs } from './export.js';
import { loadBranches, onApply, onReset, refresh } from './filters.js';
import { page } from './list.js';
import { announce, report, showAlert, state } from './state.js';
import { hideConfirm, showList } from './transcript.js';

const tokens = tokenStore('admin-console.token');

/** @param {string} token */
async function signIn(token) {
  state.token = token;
  const me = await api.me();
  tokens.save(token);
  showAlert('');
  byId('admin-name').textContent = me.name;
  byId('who').hidden = false;
  byId('signin').hidden = true;
  byId('console').hidden = false;
  byId('token', HTMLInputElement).value = '';
  state.session++;
  showList(false);
  await Promise.all([loadBranches().catch(report), refresh()]);
}

/** @param {string} message why, or '' when the admin chose to */
function signOut(message) {
  tokens.clear();
  const wasSignedIn = state.token !== null;
  Object.assign(state, { token: null, filters: {}, offset: 0, total: 0, items: [], openId: null });
  state.session++;
  state.listView++;
  state.analyticsView++;
  state.transcriptView++;
  byId('who').hidden = true;
  byId('console').hidden = true;
  byId('signin').hidden = false;
  byId('filters', HTMLFormElement).reset();
  for (const id of ['list-body', 'analytics-body', 'analytics-foot', 'entries', 'path-list', 'transcript-facts'])
    byId(id).replaceChildren();
  byId('list-count').textContent = '';
  byId('range').textContent = '';
  announce('');
  hideConfirm();
  showAlert(message);
  if (wasSignedIn || message) byId('token').focus();
}

/**
 * A click handler for an export button, which it passes on (to be disabled while the export runs).
 * @param {'csv' | 'jsonl'} format
 * @returns {(event: MouseEvent) => void}
 */
const exportOn = (format) => (event) => {
  if (event.currentTarget instanceof HTMLButtonElement) exportAs(format, event.currentTarget);
};

function start() {
  api.onTokenRejected(signOut);
  byId('signin-form').addEventListener('submit', signInSubmit({ emptyMessage: 'Enter your admin token.', signIn, showAlert, report }));
  byId('sign-out').addEventListener('click', () => signOut(''));
  byId('filters').addEventListener('submit', onApply);
  byId('reset-filters').addEventListener('click', onReset);
  byId('prev').addEventListener('click', () => page(-1));
  byId('next').addEventListener('click', () => page(1));
  byId('export-csv').addEventListener('click', exportOn('csv'));
  byId('export-jsonl').addEventListener('click', exportOn('jsonl'));
  byId('back').addEventListener('click', () => showList(true));
  byId('delete').addEventListener('click', askDelete);
  byId('confirm-yes').addEventListener('click', confirmDelete);
  byId('confirm-no').addEventListener('click', cancelDelete);
  byId('confirm-delete').addEventListener('keydown', (event) => {
    if (event.key === 'Escape') cancelDelete();
  });
  resume(tokens, signIn, report);
}

start();
