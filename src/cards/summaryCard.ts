import { MODEL_SUMMARY_LABEL, STATUS_LABEL, type CaseSummary } from '../tickets/summary.js';
import type { AdaptiveCard, CardColor, CardElement, FactSet, TextBlock } from './adaptiveCard.js';
import { escapeMarkdown, oneLine } from './markdown.js';

const esc = (s: string) => escapeMarkdown(s, 'backslash');
const PRIORITY_COLOR: Record<CaseSummary['priority'], CardColor> = { urgent: 'Attention', high: 'Warning', normal: 'Default' };
const heading = (text: string): TextBlock => ({
  type: 'TextBlock',
  text,
  style: 'heading',
  weight: 'Bolder',
  spacing: 'Medium',
  separator: true,
  wrap: true,
});
const para = (text: string, extra: Partial<TextBlock> = {}): TextBlock => ({ type: 'TextBlock', text, wrap: true, ...extra });

/**
 * The summary as an Adaptive Card for a Teams channel: facts only, no actions (an incoming webhook has no bot
 * behind it to receive a submit). Every value from the summary is escaped; only this file's own labels are not.
 */
export function summaryToAdaptiveCard(s: CaseSummary): AdaptiveCard {
  const whoFacts = [
    { title: 'User', value: esc(s.who.userName ? `${s.who.userName} (${s.who.userId})` : s.who.userId) },
    ...(s.who.accountType ? [{ title: 'Account', value: esc(s.who.accountType) }] : []),
    { title: 'Channel', value: esc(s.who.channel) },
    { title: 'Status', value: esc(STATUS_LABEL[s.status]) },
    { title: 'Waiting', value: `${s.waitingMinutes} min` },
    ...(s.assignedTo ? [{ title: 'Agent', value: esc(s.assignedTo) }] : []),
    { title: 'Created', value: esc(s.createdAt) },
  ];
  const steps: CardElement[] = s.stepsTried.length
    ? s.stepsTried.map((step, i) => para(`${i + 1}\\. ${esc(step.title)}: ${esc(step.outcome)}`, { spacing: 'Small' }))
    : [para('None: the user went straight to the help desk.', { isSubtle: true })];
  const fields = s.fields.filter((f) => f.value !== null).map((f) => ({ title: f.label, value: esc(f.value ?? '') }));

  const body: CardElement[] = [
    para(`Ticket ${esc(s.ticketId)} · ${esc(s.categoryTitle)}`, { isSubtle: true, size: 'Small', spacing: 'None' }),
    para(esc(s.headline), { size: 'Large', weight: 'Bolder', style: 'heading' }),
    para(esc(s.priorityLabel), { id: 'priority', weight: 'Bolder', color: PRIORITY_COLOR[s.priority] }),
    ...(s.modelSummary ? [para(`${MODEL_SUMMARY_LABEL}: ${esc(s.modelSummary)}`, { id: 'modelSummary', isSubtle: true })] : []),
    { type: 'FactSet', id: 'who', facts: whoFacts },
    heading('Problem'),
    para(esc(s.problem.errorMessage), { id: 'errorMessage' }),
    ...(s.problem.errorCode ? [para(`Error code: ${esc(s.problem.errorCode)}`, { isSubtle: true, spacing: 'Small' })] : []),
    para(`Escalated because: ${esc(s.problem.escalatedBecause)}`, { spacing: 'Small' }),
    heading('Steps tried'),
    { type: 'Container', id: 'steps', items: steps },
    heading('Ticket fields'),
    { type: 'FactSet', id: 'fields', facts: fields },
    ...(s.extras.length
      ? [
          heading('From the error details'),
          { type: 'FactSet', id: 'extras', facts: s.extras.map((e) => ({ title: esc(e.label), value: esc(e.value) })) } satisfies FactSet,
        ]
      : []),
    heading('Suggested next step'),
    para(esc(s.suggestedNextStep), { id: 'nextStep' }),
  ];
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    fallbackText: `${oneLine(s.priorityLabel)}: ${oneLine(s.headline)} (ticket ${oneLine(s.ticketId)})`,
    msteams: { width: 'Full' },
  };
}
