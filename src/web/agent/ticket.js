// @ts-check
// The open ticket: loading its summary, showing what the agent may do with it (claim; chat and resolve once it is
// theirs; read the conversation once it is closed), and polling its chat while it is theirs.
import { byId } from '../assets/dom.js';
import * as api from './api.js';
import { clearMessages, showMessages } from './chat.js';
import { renderQueue } from './queue.js';
import { every, report, showAlert, state } from './state.js';
import { renderSummary } from './summary.js';

/** @import { Ticket } from './types.js' */

const CHAT_EVERY_MS = 1500;

export function closeTicketView() {
  byId('ticket').hidden = true;
  byId('ticket-empty').hidden = false;
  byId('ticket-title').textContent = 'Ticket';
  clearMessages();
}

/** @param {string} id */
export async function openTicket(id) {
  showAlert('');
  const view = ++state.view;
  stopChat();
  closeTicketView();
  state.openId = id;
  renderQueue();
  const data = await api.ticket(id).catch(report);
  if (!data || view !== state.view) return;
  state.ticket = data.ticket;
  renderSummary(data.summary);
  byId('ticket-empty').hidden = true;
  byId('ticket').hidden = false;
  applyTicketState();
  byId('ticket-title').focus();
}

/**
 * @param {Ticket} t
 * @param {boolean} mine
 */
function ticketStateText(t, mine) {
  if (t.status === 'queued') return 'Waiting in the queue. Claim it to chat with the user.';
  if (t.status === 'assigned') return mine ? 'Assigned to you.' : `Assigned to ${t.assignedTo || 'another agent'}.`;
  if (t.status === 'resolved') return `Resolved${t.resolutionNote ? `: ${t.resolutionNote}` : '.'}`;
  return 'Closed without an agent.';
}

/** Shows what the agent may do with the open ticket, and polls its chat while it is theirs. */
export function applyTicketState() {
  const t = state.ticket;
  if (!t) return;
  const mine = Boolean(t.status === 'assigned' && state.me && t.assignedTo === state.me.name);
  const closed = t.status === 'resolved' || t.status === 'closed-without-agent';
  const ticketState = byId('ticket-state');
  ticketState.textContent = ticketStateText(t, mine);
  ticketState.className = `ticket-state state-${closed ? 'closed' : t.status}`;
  byId('claim').hidden = t.status !== 'queued';
  byId('user-left').hidden = t.userWaiting !== false || closed;
  byId('chat').hidden = !mine && !closed;
  byId('reply-form').hidden = !mine;
  byId('resolve-form').hidden = !mine;
  if (mine && !state.chatLoop) startChat();
  if (!mine && state.chatLoop) stopChat();
  if (closed) pollMessages().catch(report); // the whole conversation, read-only
}

function startChat() {
  const loop = ++state.loops;
  state.chatLoop = loop;
  every(CHAT_EVERY_MS, pollMessages, () => state.chatLoop === loop);
}

export function stopChat() {
  state.chatLoop = 0;
}

/** The open ticket's new messages, and its state: claimed, resolved or left by the user meanwhile. */
export async function pollMessages() {
  const { view, openId: id } = state;
  if (!id) return;
  const data = await api.messages(id, state.lastSeq);
  if (view !== state.view || id !== state.openId) return;
  showMessages(id, data.messages || []);
  const t = state.ticket;
  if (t && (data.status !== t.status || data.userWaiting !== t.userWaiting)) {
    Object.assign(t, { status: data.status, userWaiting: data.userWaiting });
    applyTicketState();
  }
}
