// @ts-check
// Agent console: a static page over the agent API (docs/agent-api.md). This module signs in and out and wires the
// page's controls to the parts that do the work. Everything that comes from the API is put on the page with
// textContent and DOM calls, never as HTML: user text can hold markup.
import { resume, signInSubmit, tokenStore } from '../assets/console-auth.js';
import { byId } from '../assets/dom.js';
import { claim, onReplyKey, resolve, sendReply } from './actions.js';
import * as api from './api.js';
import { pollQueue } from './queue.js';
import { every, report, showAlert, state } from './state.js';
import { closeTicketView, openTicket, stopChat } from './ticket.js';

const QUEUE_EVERY_MS = 2000;
const tokens = tokenStore('agent-console.token');

/** @param {string} token */
async function signIn(token) {
  state.token = token;
  const me = await api.me();
  state.me = me;
  tokens.save(token);
  showAlert('');
  byId('agent-name').textContent = me.name;
  byId('who').hidden = false;
  byId('signin').hidden = true;
  byId('console').hidden = false;
  byId('token', HTMLInputElement).value = '';
  const session = ++state.session;
  every(QUEUE_EVERY_MS, pollQueue, () => state.session === session);
}

/** @param {string} message why, or '' when the agent chose to */
function signOut(message) {
  tokens.clear();
  const wasSignedIn = state.token !== null;
  Object.assign(state, { token: null, me: null, queue: [], queueKey: '', openId: null, ticket: null });
  state.session++;
  state.view++;
  stopChat();
  byId('who').hidden = true;
  byId('console').hidden = true;
  byId('signin').hidden = false;
  byId('queue-list').replaceChildren();
  closeTicketView();
  showAlert(message);
  if (wasSignedIn || message) byId('token').focus();
}

/**
 * A click on a queue entry opens its ticket. One listener on the list, since the queue is redrawn as it changes.
 * @param {MouseEvent} event
 */
function onQueueClick(event) {
  const button = event.target instanceof Element ? event.target.closest('button[data-ticket]') : null;
  if (button instanceof HTMLButtonElement && button.dataset.ticket) openTicket(button.dataset.ticket);
}

function start() {
  api.onTokenRejected(signOut);
  byId('signin-form').addEventListener('submit', signInSubmit({ emptyMessage: 'Enter your agent token.', signIn, showAlert, report }));
  byId('sign-out').addEventListener('click', () => signOut(''));
  byId('queue-list').addEventListener('click', onQueueClick);
  byId('claim').addEventListener('click', claim);
  byId('reply-form').addEventListener('submit', sendReply);
  byId('reply').addEventListener('keydown', onReplyKey);
  byId('resolve-form').addEventListener('submit', resolve);
  resume(tokens, signIn, report);
}

start();
