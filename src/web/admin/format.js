// @ts-check
// How the admin page writes values from the API: times, rates, outcomes, node titles, and the dash for a missing
// value. Everything becomes text or DOM nodes, never HTML.
import { el } from '../assets/dom.js';
import { state } from './state.js';

/** @import { ConversationOutcome } from './types.js' */

/** @type {Record<ConversationOutcome, string>} */
const OUTCOMES = {
  resolved: 'Resolved',
  escalated: 'Escalated',
  abandoned: 'Abandoned',
  cancelled: 'Cancelled',
  'in-progress': 'In progress',
};

/**
 * A dash for sighted readers and words for screen readers, where a table cell has no value.
 * @param {string} words
 */
export function none(words) {
  const dash = el('span', { className: 'none' }, '—');
  dash.setAttribute('aria-hidden', 'true');
  return [dash, el('span', { className: 'visually-hidden' }, words)];
}

/** @param {string | undefined} iso */
function validDate(iso) {
  const date = new Date(iso ?? NaN);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** @param {string | undefined} iso */
export function dateTime(iso) {
  const date = validDate(iso);
  return date ? date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : String(iso || '');
}

/** @param {string | undefined} iso */
export function clock(iso) {
  const date = validDate(iso);
  return date ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '';
}

/** @param {string | undefined} iso */
export function day(iso) {
  const date = validDate(iso);
  return date ? date.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }) : '';
}

/**
 * @param {string | undefined} iso
 * @param {string} text
 */
export function timeNode(iso, text) {
  return el('time', { dateTime: String(iso || ''), title: dateTime(iso) }, text);
}

/** @param {number | null | undefined} rate 0..1 */
export const percent = (rate) => `${Math.round((Number(rate) || 0) * 100)}%`;

/**
 * @param {number} n
 * @param {string} one
 * @param {string} many
 */
export const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * A node's or branch's title, or its id when the API gave no title.
 * @param {string} id
 */
export const title = (id) => (id && Object.prototype.hasOwnProperty.call(state.titles, id) ? (state.titles[id] ?? id) : id);

/**
 * @param {string} outcome
 * @returns {outcome is ConversationOutcome}
 */
const isKnownOutcome = (outcome) => Object.prototype.hasOwnProperty.call(OUTCOMES, outcome);

/** @param {string} outcome */
export const outcomeLabel = (outcome) => (isKnownOutcome(outcome) ? OUTCOMES[outcome] : String(outcome));

/**
 * @param {string} outcome
 * @param {'agent'} [resolvedBy] a person from the help desk resolved it
 */
export function outcomeBadge(outcome, resolvedBy) {
  const label = outcomeLabel(outcome) + (resolvedBy === 'agent' ? ' (by an agent)' : '');
  return el('span', { className: `badge outcome-${isKnownOutcome(outcome) ? outcome : 'other'}` }, label);
}
