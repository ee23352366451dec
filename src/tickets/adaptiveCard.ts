import type { CaseSummary } from './summary.js';

/**
 * The subset of Adaptive Card 1.5 (the newest version Teams renders) that our cards use. Structural only, so
 * neither the bot nor the notifier depends on an SDK.
 */
export type CardSpacing = 'None' | 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge' | 'Padding';
export type CardColor = 'Default' | 'Dark' | 'Light' | 'Accent' | 'Good' | 'Warning' | 'Attention';

interface ElementBase { id?: string; spacing?: CardSpacing; separator?: boolean }

export interface TextBlock extends ElementBase {
  type: 'TextBlock';
  text: string;
  wrap?: boolean;
  size?: 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
  weight?: 'Lighter' | 'Default' | 'Bolder';
  color?: CardColor;
  isSubtle?: boolean;
  /** "heading" (1.5) lets screen readers announce it as a heading. */
  style?: 'default' | 'heading';
}

export interface FactSet extends ElementBase {
  type: 'FactSet';
  facts: { title: string; value: string }[];
}

export interface Container extends ElementBase {
  type: 'Container';
  items: CardElement[];
  style?: 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
}

/** A button. In Teams, `data.msteams.type: 'imBack'` posts the value as the user's own message, like a hero card's imBack. */
export interface SubmitAction {
  type: 'Action.Submit';
  title: string;
  data?: { msteams?: { type: 'imBack'; value: string } };
}

export interface ActionSet extends ElementBase {
  type: 'ActionSet';
  actions: SubmitAction[];
}

export type CardElement = TextBlock | FactSet | Container | ActionSet;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: '1.5';
  body: CardElement[];
  actions?: SubmitAction[];
  /** Shown by hosts that cannot render the card (and read out by some notification previews). */
  fallbackText?: string;
  /** Teams-only: use the full message width, since the fact tables are wide. */
  msteams?: { width: 'Full' };
}

// Bidi overrides and other invisible controls can make a pasted value display differently from what it is.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** One line of user-written text with control characters removed (for plain-text and markdown renderings). */
export const oneLine = (s: string): string => s.replace(INVISIBLE, '').replace(/\s*[\r\n]+\s*/g, ' ').trim();

/**
 * Makes user-written text display literally inside markdown (and the Adaptive Card markdown subset): emphasis,
 * links, images, code, HTML and line-start list/heading markers are neutralised. `html: 'entities'` encodes
 * & < > as entities (for markdown that may be rendered with HTML enabled); 'backslash' escapes them instead,
 * since Adaptive Card renderers do not decode entities consistently.
 */
export function escapeMarkdown(s: string, html: 'entities' | 'backslash' = 'entities'): string {
  let t = oneLine(s);
  t = html === 'entities'
    ? t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[\\`*_{}[\]()#+!|~]/g, '\\$&')
    : // Adaptive Card markdown knows only emphasis, links and lists (no HTML, headings or images), and some hosts
      // show a needless backslash literally, so escape just what it would interpret.
      t.replace(/[\\`*_[\]~]/g, '\\$&').replace(/^\+/, '\\+');
  // "-" and "1. " only start a list (or a rule) at the beginning of a line; escaping them everywhere hurts readability.
  return t.replace(/^-/, '\\-').replace(/^(\d{1,9})\.(?=\s|$)/, '$1\\.');
}

const esc = (s: string) => escapeMarkdown(s, 'backslash');
const PRIORITY_COLOR: Record<CaseSummary['priority'], CardColor> = { urgent: 'Attention', high: 'Warning', normal: 'Default' };
/** Says who wrote it, so an agent reads the model's summary as a pointer and checks the fields. */
export const MODEL_SUMMARY_LABEL = 'Summary (written by AI from the fields below)';

export const STATUS_LABEL: Record<CaseSummary['status'], string> = {
  queued: 'Waiting for an agent', assigned: 'Assigned', resolved: 'Resolved', 'closed-without-agent': 'Closed without an agent',
};

const heading = (text: string): TextBlock => ({ type: 'TextBlock', text, style: 'heading', weight: 'Bolder', spacing: 'Medium', separator: true, wrap: true });
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
      ? [heading('From the error details'), { type: 'FactSet', id: 'extras', facts: s.extras.map((e) => ({ title: esc(e.label), value: esc(e.value) })) } satisfies FactSet]
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
