// @ts-check
// What the agent does with the open ticket: claim it, reply to the user (Enter sends, Shift+Enter starts a new
// line), and resolve it with an optional note.
import { isApiError } from '../assets/console-auth.js';
import { byId } from '../assets/dom.js';
import * as api from './api.js';
import { announce, report, showAlert, state } from './state.js';
import { applyTicketState, pollMessages } from './ticket.js';

export async function claim() {
  showAlert('');
  const id = state.openId;
  if (!id) return;
  const button = byId('claim', HTMLButtonElement);
  button.disabled = true;
  try {
    const data = await api.claim(id);
    if (id !== state.openId) return;
    state.ticket = data.ticket;
    applyTicketState();
    announce('Ticket claimed.');
    byId('reply').focus();
  } catch (err) {
    if (isApiError(err) && err.status === 409) {
      showAlert(err.code === 'Closed' ? 'This ticket is already closed.' : 'Already claimed by another agent');
    } else report(err);
  } finally {
    button.disabled = false;
  }
}

/** @param {SubmitEvent} event */
export async function sendReply(event) {
  event.preventDefault();
  const box = byId('reply', HTMLTextAreaElement);
  const text = box.value.trim();
  const id = state.openId;
  if (!text || !id) return;
  const button = byId('reply-form').querySelector('button');
  if (button) button.disabled = true;
  try {
    const answer = await api.reply(id, text);
    box.value = '';
    showAlert(answer.delivered === false ? "The user's chat could not be reached: they will get your message when they next write." : '');
    await pollMessages();
  } catch (err) {
    report(err);
  } finally {
    if (button) button.disabled = false;
  }
}

/** @param {KeyboardEvent} event */
export function onReplyKey(event) {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  byId('reply-form', HTMLFormElement).requestSubmit();
}

/** @param {SubmitEvent} event */
export async function resolve(event) {
  event.preventDefault();
  const noteBox = byId('resolve-note', HTMLInputElement);
  const note = noteBox.value.trim();
  const id = state.openId;
  if (!id) return;
  try {
    const data = await api.resolve(id, note);
    if (id !== state.openId) return;
    noteBox.value = '';
    state.ticket = data.ticket;
    applyTicketState();
    announce('Ticket resolved.');
    byId('ticket-title').focus();
  } catch (err) {
    report(err);
  }
}
