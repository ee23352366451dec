// @ts-check
// How the agent console writes times and priorities.
import { el } from '../assets/dom.js';

/** @import { Priority } from './types.js' */

/** @type {Record<Priority, string>} */
const PRIORITY_BADGE = { urgent: 'Security', high: 'High', normal: 'Normal' };

/**
 * How long ago `iso` was: "12 min", "1 h 5 min", "2 h".
 * @param {string} iso
 */
export function age(iso) {
  const ms = Date.now() - Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const min = Math.max(0, Math.floor(ms / 60000));
  if (min < 60) return `${min} min`;
  return min % 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min / 60} h`;
}

/** @param {string} iso */
export function clock(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * A priority the API may add later shows as itself and is styled as normal.
 * @param {string} priority
 * @returns {priority is Priority}
 */
export const isKnownPriority = (priority) => Object.prototype.hasOwnProperty.call(PRIORITY_BADGE, priority);

/** @param {string} priority */
export const priorityWord = (priority) => (isKnownPriority(priority) ? PRIORITY_BADGE[priority] : String(priority));

/** @param {string} priority */
export function badge(priority) {
  return el('span', { className: `badge badge-${isKnownPriority(priority) ? priority : 'normal'}` }, priorityWord(priority));
}
