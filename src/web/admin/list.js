// @ts-check
// The conversation list: one page of the conversations matching the applied filters, latest activity first, and
// the pager under it. A row opens its transcript.
import { byId, el } from '../assets/dom.js';
import * as api from './api.js';
import { dateTime, none, outcomeBadge, title } from './format.js';
import { report, showAlert, state } from './state.js';
import { openConversation } from './transcript.js';

/** @import { ConversationSummary } from './types.js' */

const PAGE_SIZE = 25;

/** Loads the page at state.offset for the applied filters and shows it. */
export async function loadList() {
  const view = ++state.listView;
  const session = state.session;
  const wrap = byId('list-wrap');
  wrap.setAttribute('aria-busy', 'true');
  try {
    const data = await api.conversations(state.filters, { offset: state.offset, limit: PAGE_SIZE });
    if (view !== state.listView || session !== state.session) return;
    state.total = Number(data.total) || 0;
    state.items = Array.isArray(data.items) ? data.items : [];
    if (!state.items.length && state.offset > 0 && state.total > 0) {
      // The page ran out (conversations were deleted meanwhile): show the last one that has any.
      state.offset = Math.floor((state.total - 1) / PAGE_SIZE) * PAGE_SIZE;
      await loadList();
      return;
    }
    renderList();
  } finally {
    if (view === state.listView) wrap.setAttribute('aria-busy', 'false');
  }
}

/** @param {ConversationSummary} c */
function who(c) {
  return c.userName ? `${c.userName} (${c.userId})` : String(c.userId);
}

/** @param {ConversationSummary} c */
function listRow(c) {
  const when = dateTime(c.lastActivityAt);
  const open = el('button', { type: 'button', className: 'link-button' }, when);
  open.setAttribute('aria-label', `${when}: open the conversation with ${who(c)}`);
  open.addEventListener('click', () => openConversation(c.conversationId));
  const row = el(
    'tr',
    { className: 'clickable' },
    el('td', { className: 'when' }, open),
    el('td', { className: 'user' }, c.userName ? [el('span', null, c.userName), el('span', { className: 'sub' }, c.userId)] : c.userId),
    el('td', { className: 'branch' }, c.branch ? title(c.branch) : none('no branch')),
    el('td', null, outcomeBadge(c.outcome, c.resolvedBy)),
    el('td', { className: 'num' }, c.rating ? `${c.rating}/5` : none('not rated')),
    el('td', { className: 'ticket' }, c.ticketId || none('no ticket')),
    el('td', { className: 'preview', title: c.preview || '' }, c.preview ? el('span', { className: 'clip' }, c.preview) : none('no text')),
  );
  row.dataset.id = c.conversationId;
  // The time is the keyboard's way in; a click anywhere else on the row does the same (unless selecting text).
  row.addEventListener('click', (event) => {
    if ((event.target instanceof Element && event.target.closest('button')) || String(window.getSelection() || '')) return;
    open.click();
  });
  return row;
}

/** Draws state.items again (also when titles arrive after the list). */
export function renderList() {
  const { total, offset, items } = state;
  byId('list-body').replaceChildren(...items.map(listRow));
  byId('list-count').textContent = `(${total})`;
  byId('list-empty').hidden = total > 0;
  byId('list-wrap').hidden = total === 0;
  const last = Math.min(offset + items.length, total);
  byId('range').textContent = total ? `${offset + 1}-${last} of ${total}` : '';
  byId('prev', HTMLButtonElement).disabled = offset <= 0;
  byId('next', HTMLButtonElement).disabled = offset + PAGE_SIZE >= total;
}

/**
 * The previous (-1) or next (1) page, if there is one.
 * @param {-1 | 1} direction
 */
export function page(direction) {
  const offset = Math.max(0, state.offset + direction * PAGE_SIZE);
  if (offset === state.offset || (direction > 0 && offset >= state.total)) return;
  showAlert('');
  state.offset = offset;
  loadList().catch(report);
}
