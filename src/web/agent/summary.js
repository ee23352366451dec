// @ts-check
// The open ticket's summary: who, the problem, the steps tried and every field, with a suggested next step (and
// a model's summary above the facts, when one wrote it). User text can hold markup: all of it goes in as text.
import { byId, el } from '../assets/dom.js';
import { badge } from './format.js';

/** @import { Child } from '../assets/dom.js' */
/** @import { CaseSummary } from './types.js' */

/** @param {[label: string, value: string | null | undefined][]} rows */
function facts(rows) {
  const list = el('dl', { className: 'facts' });
  for (const [label, value] of rows) {
    const missing = value === null || value === undefined || value === '';
    list.append(el('dt', null, label), el('dd', missing ? { className: 'missing' } : null, missing ? 'not given' : String(value)));
  }
  return list;
}

/**
 * @param {string} title
 * @param {...Child} content
 */
function block(title, ...content) {
  return el('section', { className: 'block' }, el('h3', null, title), ...content);
}

/** @param {CaseSummary['stepsTried'] | undefined} steps */
function stepsList(steps) {
  if (!steps || !steps.length) return el('p', { className: 'missing' }, 'No steps recorded.');
  return el(
    'ol',
    { className: 'steps' },
    ...steps.map((s) => el('li', null, el('span', { className: 'step' }, s.title), ' ', el('span', { className: 'outcome' }, s.outcome))),
  );
}

/** @param {CaseSummary} s */
export function renderSummary(s) {
  const extras = s.extras || [];
  byId('ticket-title').textContent = s.headline || s.ticketId;
  byId('ticket-meta').replaceChildren(
    badge(s.priority),
    ' ',
    el('strong', null, s.priorityLabel),
    ' · ',
    s.categoryTitle,
    ' · ',
    s.ticketId,
    ' · ',
    `waiting ${s.waitingMinutes} min`,
  );
  const blocks = [
    // Written by a model (only when one is configured): labelled as such, above the facts it summarises.
    ...(s.modelSummary
      ? [block('Summary (written by AI from the fields below)', el('p', { className: 'model-summary' }, s.modelSummary))]
      : []),
    el('section', { className: 'block next-step' }, el('h3', null, 'Suggested next step'), el('p', null, s.suggestedNextStep)),
    block(
      'Who',
      facts([
        ['User ID', s.who.userId],
        ['Name', s.who.userName],
        ['Account type', s.who.accountType],
        ['Channel', s.who.channel],
      ]),
    ),
    block(
      'Problem',
      facts([
        ['Error message', s.problem.errorMessage],
        ['Error code', s.problem.errorCode],
        ['Escalated because', s.problem.escalatedBecause],
      ]),
    ),
    block('Steps tried', stepsList(s.stepsTried)),
    block('All fields', facts((s.fields || []).map((f) => [f.label, f.value]))),
  ];
  if (extras.length) blocks.push(block('Other details', facts(extras.map((x) => [x.label, x.value]))));
  byId('summary').replaceChildren(...blocks);
}
