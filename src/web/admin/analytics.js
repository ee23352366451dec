// @ts-check
// Branch analytics: per branch, walks, resolution and escalation rates, abandoned walks, average rating and the
// top drop-off, within the date, outcome and rating filters; a total row when there are several branches.
import { byId, el } from '../assets/dom.js';
import * as api from './api.js';
import { none, percent, plural, title } from './format.js';
import { renderList } from './list.js';
import { state } from './state.js';

/** @import { BranchStats } from './types.js' */

/** @typedef {'conversations' | 'resolved' | 'escalated' | 'abandoned' | 'ratings'} Counted */

/** Loads the analytics for the applied filters; the node titles that come with them also name the list's branches. */
export async function loadAnalytics() {
  const view = ++state.analyticsView;
  const session = state.session;
  const wrap = byId('analytics-wrap');
  wrap.setAttribute('aria-busy', 'true');
  try {
    const data = await api.analytics(state.filters);
    if (view !== state.analyticsView || session !== state.session) return;
    if (data.titles && typeof data.titles === 'object') Object.assign(state.titles, data.titles);
    renderAnalytics(Array.isArray(data.branches) ? data.branches : []);
    if (state.items.length) renderList();
  } finally {
    if (view === state.analyticsView) wrap.setAttribute('aria-busy', 'false');
  }
}

/**
 * @param {number | null | undefined} average
 * @param {number} ratings how many ratings the average is of
 */
function averageCell(average, ratings) {
  if (average === null || average === undefined || !ratings) return el('td', { className: 'num' }, none('no ratings'));
  return el(
    'td',
    { className: 'num' },
    Number(average).toFixed(1),
    ' ',
    el('span', { className: 'sub-inline' }, `(${plural(ratings, 'rating', 'ratings')})`),
  );
}

/** @param {BranchStats} s */
function analyticsRow(s) {
  const drop = s.topDropOff;
  const row = el(
    'tr',
    null,
    el('th', { scope: 'row' }, s.branch ? title(s.branch) : 'No branch chosen'),
    el('td', { className: 'num' }, String(s.conversations)),
    el('td', { className: 'num' }, percent(s.resolutionRate)),
    el('td', { className: 'num' }, percent(s.escalationRate)),
    el('td', { className: 'num' }, String(s.abandoned)),
    averageCell(s.averageRating, s.ratings),
    el(
      'td',
      { className: 'drop-off' },
      drop ? [title(drop.node), ' ', el('span', { className: 'sub-inline' }, `(${drop.count})`)] : none('none'),
    ),
  );
  row.dataset.branch = s.branch || '';
  return row;
}

/**
 * The total over all branches: counts summed, rates and the average rating weighted by them.
 * @param {BranchStats[]} stats
 */
function totalRow(stats) {
  /** @param {Counted} key */
  const sum = (key) => stats.reduce((n, s) => n + (Number(s[key]) || 0), 0);
  const conversations = sum('conversations');
  const ratings = sum('ratings');
  const ratingTotal = stats.reduce((n, s) => n + (s.averageRating ? s.averageRating * (s.ratings || 0) : 0), 0);
  return el(
    'tr',
    null,
    el('th', { scope: 'row' }, 'All branches'),
    el('td', { className: 'num' }, String(conversations)),
    el('td', { className: 'num' }, percent(conversations ? sum('resolved') / conversations : 0)),
    el('td', { className: 'num' }, percent(conversations ? sum('escalated') / conversations : 0)),
    el('td', { className: 'num' }, String(sum('abandoned'))),
    averageCell(ratings ? ratingTotal / ratings : null, ratings),
    el('td', null, none('not summed')),
  );
}

/** @param {BranchStats[]} stats */
function renderAnalytics(stats) {
  byId('analytics-body').replaceChildren(...stats.map(analyticsRow));
  byId('analytics-foot').replaceChildren(stats.length > 1 ? totalRow(stats) : '');
  byId('analytics-empty').hidden = stats.length > 0;
  byId('analytics-wrap').hidden = stats.length === 0;
}
