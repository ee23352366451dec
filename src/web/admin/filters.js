// @ts-check
// The filters form: the branch choices from the API, applying (list and analytics from the first page) and
// resetting. What the form shows becomes state.filters only when applied.
import { byId, el } from '../assets/dom.js';
import { loadAnalytics } from './analytics.js';
import * as api from './api.js';
import { loadList, renderList } from './list.js';
import { announce, report, showAlert, state } from './state.js';

/** @import { Filters } from './types.js' */

/** The list and the analytics for the applied filters. */
export function refresh() {
  return Promise.all([loadList().catch(report), loadAnalytics().catch(report)]);
}

/** What the form shows, empty fields left out. Its fields are named after the filters. */
function readFilters() {
  const form = new FormData(byId('filters', HTMLFormElement));
  /** @type {Filters} */
  const filters = {};
  for (const name of api.FILTERS) {
    const value = form.get(name);
    if (typeof value === 'string' && value.trim()) filters[name] = value.trim();
  }
  return filters;
}

/** @param {SubmitEvent} event */
export function onApply(event) {
  event.preventDefault();
  const filters = readFilters();
  const backwards = Boolean(filters.from && filters.to && filters.from > filters.to);
  const from = byId('f-from');
  from.setAttribute('aria-invalid', backwards ? 'true' : 'false');
  if (backwards) {
    showAlert('The "From" date is after the "To" date.');
    from.focus();
    return;
  }
  showAlert('');
  announce('');
  state.filters = filters;
  state.offset = 0;
  refresh();
}

export function onReset() {
  byId('filters', HTMLFormElement).reset();
  byId('f-from').setAttribute('aria-invalid', 'false');
  showAlert('');
  announce('');
  state.filters = {};
  state.offset = 0;
  refresh();
}

/** The branch filter's choices: the root menu's branches, whose titles also name them in the list. */
export async function loadBranches() {
  const session = state.session;
  const data = await api.branches();
  if (session !== state.session) return;
  const branches = Array.isArray(data.branches) ? data.branches : [];
  for (const b of branches) state.titles[b.id] = b.title;
  const select = byId('f-branch', HTMLSelectElement);
  const chosen = select.value;
  select.replaceChildren(
    el('option', { value: '' }, 'Any branch'),
    ...branches.map((b) => el('option', { value: String(b.id) }, String(b.title || b.id))),
  );
  select.value = chosen;
  if (state.items.length) renderList(); // branch titles may have arrived after the list
}
