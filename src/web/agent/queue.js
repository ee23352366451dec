// @ts-check
// The queue: queued tickets by priority then age, then those assigned to agents, in the server's order, with
// unread counts for claimed tickets whose chat is not on screen. Polled while signed in.
import { byId, el } from '../assets/dom.js';
import * as api from './api.js';
import { age, badge, isKnownPriority, priorityWord } from './format.js';
import { showAlert, state } from './state.js';

/** @import { QueueItem } from './types.js' */

/** @param {QueueItem} item */
function unreadCount(item) {
  const chatOnScreen = item.id === state.openId && !byId('chat').hidden;
  const seen = state.seen.get(item.id);
  if (chatOnScreen || seen === undefined) return 0;
  return Math.max(0, item.lastMessageSeq - seen);
}

/** @param {QueueItem} item */
function queueStatus(item) {
  if (item.status === 'queued') return item.position ? `Queued, #${item.position}` : 'Queued';
  const mine = state.me && item.assignedTo === state.me.name;
  return `Assigned to ${mine ? 'you' : item.assignedTo || 'an agent'}`;
}

/**
 * The queue entry: a button carrying the ticket id in data-ticket (a click on it opens the ticket: see console.js),
 * with everything it shows in its label.
 * @param {QueueItem} item
 */
function queueItem(item) {
  const unread = unreadCount(item);
  const parts = [
    priorityWord(item.priority),
    item.categoryTitle,
    item.userId,
    age(item.createdAt),
    queueStatus(item),
    unread ? `${unread} new` : '',
  ];
  const button = el(
    'button',
    { type: 'button', className: `queue-item prio-${isKnownPriority(item.priority) ? item.priority : 'normal'}` },
    el(
      'span',
      { className: 'line' },
      badge(item.priority),
      el('span', { className: 'category' }, item.categoryTitle),
      el('span', { className: 'age' }, age(item.createdAt)),
    ),
    el('span', { className: 'user' }, item.userId),
    el('span', { className: 'headline' }, item.headline || ''),
    el(
      'span',
      { className: 'line' },
      el('span', { className: 'state' }, queueStatus(item)),
      unread ? el('span', { className: 'unread' }, `${unread} new`) : null,
    ),
  );
  button.dataset.ticket = item.id;
  button.setAttribute('aria-label', parts.filter(Boolean).join(', '));
  if (item.id === state.openId) button.setAttribute('aria-current', 'true');
  return { item: el('li', null, button), button };
}

/** Draws state.queue, unless the queue on screen already says the same; keeps the focus on the same ticket. */
export function renderQueue() {
  const entries = state.queue.map(queueItem);
  const key = entries.map(({ button }) => `${button.getAttribute('aria-label')}${button.getAttribute('aria-current')}`).join('|');
  if (key === state.queueKey) return; // nothing changed: leave the DOM (and a half-done click) alone
  state.queueKey = key;
  const active = document.activeElement;
  const focused = active instanceof HTMLElement ? active.dataset.ticket : undefined;
  byId('queue-list').replaceChildren(...entries.map((e) => e.item));
  byId('queue-empty').hidden = entries.length > 0;
  byId('queue-count').textContent = entries.length ? `(${entries.length})` : '';
  const again = focused && entries.find(({ button }) => button.dataset.ticket === focused);
  if (again) again.button.focus();
}

export async function pollQueue() {
  const session = state.session;
  const data = await api.queue();
  if (session !== state.session) return;
  if (state.alertKind === 'network') showAlert('');
  state.queue = Array.isArray(data.tickets) ? data.tickets : [];
  renderQueue();
}
