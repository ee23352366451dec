import type { CaseSummary } from '../tickets/summary.js';
import type { CaseFacts } from './types.js';

// Identifiers the agent looks up themselves; the model needs only to know they were given.
const NOT_SENT = new Set(['userId', 'errorMessage', 'errorCode']);

/**
 * The facts a model summary is written from, taken from the structured summary the agent already gets: the
 * user's ID and name never leave the machine, other field values neither (only which ones were given).
 */
export function caseFactsOf(s: CaseSummary): CaseFacts {
  return {
    category: s.categoryTitle || s.category,
    priority: s.priorityLabel,
    errorMessage: s.problem.errorMessage,
    ...(s.problem.errorCode && { errorCode: s.problem.errorCode }),
    escalatedBecause: s.problem.escalatedBecause,
    stepsTried: s.stepsTried,
    detailsGiven: s.fields.filter((f) => f.value !== null && !NOT_SENT.has(f.name)).map((f) => f.label),
  };
}
