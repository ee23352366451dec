// @ts-check
// One conversation: its facts, the path through the tree, its walks and the transcript as it looked in the chat;
// and going back from it to the list. Transcripts hold whatever users typed: all of it goes in as text.
import { byId, el } from '../assets/dom.js';
import * as api from './api.js';
import { clock, dateTime, day, outcomeBadge, outcomeLabel, timeNode, title } from './format.js';
import { inlineMarkdown } from './markdown.js';
import { announce, report, showAlert, state } from './state.js';

/** @import { Child } from '../assets/dom.js' */
/** @import { ConversationSummary, PathEntry, Role, SessionOutcome, TranscriptEntry } from './types.js' */

/** @type {Record<Role, string>} */
const ROLES = { user: 'User', bot: 'Bot', agent: 'Agent' };

/** @param {[label: string, value: Child][]} rows */
function facts(rows) {
  return rows.flatMap(([label, value]) => {
    const missing = value === null || value === undefined || value === '';
    return [el('dt', null, label), el('dd', missing ? { className: 'missing' } : null, missing ? 'none' : value)];
  });
}

/**
 * @param {PathEntry} step
 * @param {number} index
 * @param {PathEntry[]} steps
 */
function pathItem(step, index, steps) {
  const item = el(
    'li',
    null,
    el('span', { className: 'node' }, title(step.node)),
    step.answer ? el('span', { className: 'answer' }, ` (${step.answer})`) : null,
  );
  item.dataset.node = step.node;
  if (index === steps.length - 1) item.setAttribute('aria-current', 'step');
  return item;
}

/** @param {SessionOutcome} s */
function sessionItem(s) {
  const parts = [s.branch ? title(s.branch) : 'No branch', outcomeLabel(s.outcome)];
  if (s.rating) parts.push(`rated ${s.rating}/5`);
  if (s.ticketId) parts.push(`ticket ${s.ticketId}`);
  return el('li', null, timeNode(s.endedAt, dateTime(s.endedAt)), `: ${parts.join(' · ')}`);
}

/** @param {TranscriptEntry} e */
function eventLabel(e) {
  if (e.type === 'event') return `Event: ${e.name || 'unnamed'}`;
  if (e.type === 'conversationUpdate') return 'Conversation update';
  return e.name ? `${e.type}: ${e.name}` : String(e.type);
}

/**
 * A message as a chat bubble; anything else (events, updates) as a small centred line.
 * @param {TranscriptEntry} e
 */
function entryNode(e) {
  if (e.type !== 'message') {
    const node = el(
      'li',
      { className: 'entry system' },
      el('span', null, eventLabel(e), e.text ? `: ${e.text}` : ''),
      ' · ',
      timeNode(e.at, clock(e.at)),
    );
    node.dataset.seq = String(e.seq);
    return node;
  }
  const role = Object.prototype.hasOwnProperty.call(ROLES, e.role) ? e.role : 'bot';
  const author =
    role === 'agent'
      ? [el('span', { className: 'author' }, e.name || 'Agent'), ' ', el('span', { className: 'role-tag' }, 'agent')]
      : el('span', { className: 'author' }, ROLES[role]);
  const buttons = Array.isArray(e.buttons) ? e.buttons : [];
  /** @type {HTMLUListElement | null} */
  let chips = null;
  if (buttons.length) {
    chips = el('ul', { className: 'chips' }, ...buttons.map((b) => el('li', { className: 'chip' }, String(b))));
    chips.setAttribute('aria-label', 'Buttons offered');
  }
  const node = el(
    'li',
    { className: `entry msg from-${role}` },
    el('p', { className: 'msg-meta' }, author, ' ', timeNode(e.at, clock(e.at))),
    e.text ? el('p', { className: 'msg-text' }, role === 'user' ? e.text : inlineMarkdown(String(e.text))) : null,
    e.card
      ? el('div', { className: 'card' }, el('p', { className: 'card-label' }, 'Card'), el('p', { className: 'card-text' }, e.card))
      : null,
    chips,
  );
  node.dataset.seq = String(e.seq);
  return node;
}

/** @param {TranscriptEntry[]} entries */
function renderEntries(entries) {
  const nodes = [];
  let lastDay = '';
  for (const e of entries) {
    const thisDay = day(e.at);
    if (thisDay && thisDay !== lastDay) {
      nodes.push(el('li', { className: 'entry day' }, thisDay));
      lastDay = thisDay;
    }
    nodes.push(entryNode(e));
  }
  if (!entries.length) nodes.push(el('li', { className: 'entry system' }, 'Nothing was logged in this conversation.'));
  byId('entries').replaceChildren(...nodes);
}

/**
 * @param {ConversationSummary} c
 * @param {TranscriptEntry[]} entries
 */
function renderTranscript(c, entries) {
  byId('transcript-title').textContent = `Conversation with ${c.userName || c.userId}`;
  byId('transcript-meta').replaceChildren(
    outcomeBadge(c.outcome, c.resolvedBy),
    ' ',
    el('span', null, c.branch ? title(c.branch) : 'No branch'),
    ' · ',
    el('span', null, c.rating ? `Rated ${c.rating}/5` : 'Not rated'),
    ' · ',
    el('span', null, c.ticketId ? `Ticket ${c.ticketId}` : 'No ticket'),
  );
  byId('transcript-facts').replaceChildren(
    ...facts([
      ['User ID', c.userId],
      ['Name', c.userName],
      ['Channel', c.channelId],
      ['Started', c.startedAt ? timeNode(c.startedAt, dateTime(c.startedAt)) : ''],
      ['Last activity', c.lastActivityAt ? timeNode(c.lastActivityAt, dateTime(c.lastActivityAt)) : ''],
      ['Messages', String(c.messageCount ?? entries.length)],
      ['Conversation ID', c.conversationId],
    ]),
  );
  const steps = Array.isArray(c.path) ? c.path : [];
  const pathList = byId('path-list');
  pathList.replaceChildren(...steps.map(pathItem));
  pathList.hidden = steps.length === 0;
  byId('path-empty').hidden = steps.length > 0;
  const sessions = Array.isArray(c.sessions) ? c.sessions : [];
  byId('sessions-list').replaceChildren(...sessions.map(sessionItem));
  byId('sessions').hidden = sessions.length < 2;
  renderEntries(entries);
}

/** Closes the in-page "delete this conversation?" step. */
export function hideConfirm() {
  byId('confirm-delete').hidden = true;
  byId('delete').setAttribute('aria-expanded', 'false');
  byId('confirm-yes', HTMLButtonElement).disabled = false;
}

/**
 * Shows the conversation `id` in place of the list.
 * @param {string} id
 */
export async function openConversation(id) {
  showAlert('');
  announce('');
  const view = ++state.transcriptView;
  const data = await api.conversation(id).catch(report);
  if (!data || view !== state.transcriptView || !data.conversation) return;
  state.openId = id;
  hideConfirm();
  renderTranscript(data.conversation, Array.isArray(data.entries) ? data.entries : []);
  byId('list-view').hidden = true;
  byId('transcript-view').hidden = false;
  byId('transcript-title').focus();
}

/**
 * Back to the list; focus returns to the row that was opened, if it is still there.
 * @param {boolean} [restoreFocus]
 */
export function showList(restoreFocus = true) {
  const opened = state.openId;
  state.transcriptView++;
  state.openId = null;
  hideConfirm();
  byId('transcript-view').hidden = true;
  byId('list-view').hidden = false;
  if (!restoreFocus) return;
  const row = opened && [...byId('list-body', HTMLTableSectionElement).rows].find((r) => r.dataset.id === opened);
  const button = row ? row.querySelector('button') : null;
  if (button) button.focus();
  else byId('list-title').focus();
}
