import { escapeMarkdown, oneLine } from '../cards/markdown.js';
import { TICKET_FIELDS, type TicketFieldName } from './fields.js';
import type { Priority, Ticket, TicketStatus } from './ticket.js';

/** Says who wrote it, so an agent reads the model's summary as a pointer and checks the fields. */
export const MODEL_SUMMARY_LABEL = 'Summary (written by AI from the fields below)';

export const STATUS_LABEL: Record<TicketStatus, string> = {
  queued: 'Waiting for an agent',
  assigned: 'Assigned',
  resolved: 'Resolved',
  'closed-without-agent': 'Closed without an agent',
};

/** What an agent needs to act on a ticket without reading the transcript; rendered for the console, logs and Teams. */
export interface CaseSummary {
  ticketId: string;
  status: TicketStatus;
  priority: Priority;
  priorityLabel: string;
  category: string;
  categoryTitle: string;
  headline: string;
  /** The model's two-sentence overview, when a model wrote one; every fact below stands on its own. */
  modelSummary?: string;
  who: { userId: string; userName?: string; accountType?: string; channel: string };
  problem: { errorMessage: string; errorCode?: string; escalatedBecause: string };
  stepsTried: { title: string; outcome: string }[];
  /** Every ticket field in TICKET_FIELDS (asking) order; null when the user did not give it. */
  fields: { name: TicketFieldName; label: string; value: string | null }[];
  extras: { label: string; value: string }[];
  createdAt: string;
  waitingMinutes: number;
  assignedTo?: string;
  suggestedNextStep: string;
}

export interface SummaryOptions {
  /** The tree's root menu (knowledge/index.yaml `root`); its answer only repeats the category, so it is left out. */
  rootNode?: string;
}

const CHANNELS: Record<string, string> = {
  webchat: 'Web Chat',
  msteams: 'Microsoft Teams',
  directline: 'Direct Line',
  emulator: 'Bot Framework Emulator',
};
const ACCOUNT_TYPES: Record<string, string> = { 'work-or-school': 'Work or school', personal: 'Personal' };

// How the walk left a node when it was neither a step outcome nor an option (see TreeWalker.jump and MainDialog).
const OUTCOMES: Record<string, string> = {
  fixed: 'Worked',
  'not fixed': 'Did not help',
  'asked for a person': 'Asked for a person before finishing it',
  'changed topic': 'Left it for another topic',
  guess: 'Picked a suggested topic instead',
  'show menu': 'Went back to the menu',
  jump: 'Moved on without answering',
};

const ESCALATED_BECAUSE: Record<string, string> = {
  'asked for a person': 'Asked for a person',
  'lost-phone-admin-reset': 'Phone lost or stolen: only an admin can reset the verification methods',
  'no-code-admin-reset': 'Codes, texts and calls still do not arrive: the verification settings need clearing by an admin',
  'phone-at-home-no-other-method': 'Phone not with them and no other verification method set up',
  'changed-number-work-admin-reset': 'New phone or number and no other method left: MFA needs an admin reset',
  'changed-number-only-admin': 'The user is the only admin and is locked out',
};

const NEXT_STEP: Record<string, string> = {
  'lost-phone':
    "Security case: verify the caller's identity out of band, then delete the lost phone's MFA methods (require re-registration), revoke sign-in sessions and app passwords, and forget remembered MFA devices. Check recent sign-ins for misuse.",
  'no-code':
    "Check the phone number on file in the user's authentication methods and the sign-in logs (by correlation ID) for the failed delivery; if the number is right, require MFA re-registration or issue a Temporary Access Pass.",
  'app-password':
    "Delete the user's existing app passwords so they can create a new one, and check that the app still allows app passwords (legacy authentication may be blocked).",
  'not-prompted':
    'Check whether MFA applies to the user (per-user MFA, security defaults or Conditional Access) and whether the sign-in came from a trusted location or a remembered device.',
  'phone-at-home':
    "Verify the caller's identity, then issue a Temporary Access Pass (or a one-time bypass) so they can sign in without the phone; suggest registering a second method.",
  'changed-number':
    "Verify the caller's identity, then update the phone number in their authentication methods or require MFA re-registration.",
  'how-to-sign-in': 'Check which verification methods the user has registered and walk them through signing in with one of them.',
  'forgot-password': "Verify the caller's identity and reset the password, or check their self-service password reset registration.",
};
const DEFAULT_NEXT_STEP =
  'Find the sign-in in the sign-in logs (by correlation ID, or user and time), then decide whether the MFA registration needs resetting.';
const NODE_NEXT_STEP: Record<string, string> = {
  'changed-number-only-admin':
    "Another Global Administrator must reset this admin's MFA; if there is none, the tenant owner must open a case with Microsoft support.",
};

// Keys come from tickets (node ids, pasted labels): "constructor" must not find Object.prototype's.
const own = <T>(map: Record<string, T>, key: string): T | undefined => (Object.hasOwn(map, key) ? map[key] : undefined);

const ACRONYMS: Record<string, string> = { id: 'ID', ip: 'IP', url: 'URL', os: 'OS', upn: 'UPN', utc: 'UTC', mfa: 'MFA' };

/** "ipAddress" -> "IP address", "appId" -> "App ID". */
export function labelFromKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
  const text = words.map((w) => own(ACRONYMS, w) ?? w).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function stepOutcome(outcome: string): string {
  const key = outcome.trim().toLowerCase();
  if (!key) return 'No answer';
  return own(OUTCOMES, key) ?? `Chose "${outcome.trim()}"`;
}

function escalatedBecause(ticket: Ticket, steps: CaseSummary['stepsTried']): string {
  const known = own(ESCALATED_BECAUSE, ticket.escalatedFrom.trim().toLowerCase());
  if (known) return known;
  // The shared escalate node: reached after the branch's last step failed, or straight from "none of these".
  return steps.length ? 'Troubleshooting steps did not help' : 'None of the troubleshooting topics fit the problem';
}

function priorityLabel(ticket: Ticket): string {
  if (ticket.priority === 'urgent') {
    return ticket.categoryTitle ? `Urgent: security case (${ticket.categoryTitle.toLowerCase()})` : 'Urgent: security case';
  }
  return ticket.priority === 'high' ? 'High' : 'Normal';
}

const nonEmpty = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v : undefined);

export function buildSummary(ticket: Ticket, now: Date, options: SummaryOptions = {}): CaseSummary {
  const rootNode = options.rootNode ?? 'main-menu';
  const f = ticket.fields;
  const stepsTried = ticket.stepsTried
    // The escalate node itself is where the walk stopped, not something the user tried.
    .filter((s) => s.node !== rootNode && s.node !== ticket.escalatedFrom)
    .map((s) => ({ title: s.title, outcome: stepOutcome(s.outcome) }));
  const accountType = nonEmpty(f.accountType);
  const fields = TICKET_FIELDS.map(({ name, label }) => {
    const raw = nonEmpty(f[name]);
    const value = raw === undefined ? null : name === 'accountType' ? (own(ACCOUNT_TYPES, raw) ?? raw) : raw;
    return { name, label, value };
  });
  const extras = Object.entries(ticket.extras)
    .filter(([, v]) => nonEmpty(v) !== undefined)
    // The details block's Request Id is usually copied into sessionId; showing it twice only adds noise.
    .filter(([k, v]) => !(k === 'requestId' && v.toLowerCase() === f.sessionId?.toLowerCase()))
    .map(([k, v]) => ({ label: labelFromKey(k), value: v }));

  const created = Date.parse(ticket.createdAt);
  const waitingMinutes = Number.isNaN(created) ? 0 : Math.max(0, Math.floor((now.getTime() - created) / 60_000));
  const errorCode = nonEmpty(f.errorCode);
  const topic = ticket.categoryTitle || oneLine(f.errorMessage).slice(0, 80);
  const headline = `${f.userId} is locked out: ${topic}${errorCode && !topic.includes(errorCode) ? ` (${errorCode})` : ''}`;

  let suggestedNextStep = own(NODE_NEXT_STEP, ticket.escalatedFrom) ?? own(NEXT_STEP, ticket.category) ?? DEFAULT_NEXT_STEP;
  if (!nonEmpty(f.correlationId) && !nonEmpty(f.sessionId)) {
    suggestedNextStep +=
      ' No correlation or request ID was given: ask for the "View details" block from the error page, or search the sign-in logs by user and time.';
  }

  const channelId = ticket.conversation.channelId;
  return {
    ticketId: ticket.id,
    status: ticket.status,
    priority: ticket.priority,
    priorityLabel: priorityLabel(ticket),
    category: ticket.category,
    categoryTitle: ticket.categoryTitle,
    headline,
    ...(nonEmpty(ticket.modelSummary?.text) && { modelSummary: ticket.modelSummary!.text }),
    who: {
      userId: f.userId,
      ...(nonEmpty(ticket.userName) && { userName: ticket.userName }),
      ...(accountType && { accountType: own(ACCOUNT_TYPES, accountType) ?? accountType }),
      channel: own(CHANNELS, channelId.toLowerCase()) ?? channelId,
    },
    problem: { errorMessage: f.errorMessage, ...(errorCode && { errorCode }), escalatedBecause: escalatedBecause(ticket, stepsTried) },
    stepsTried,
    fields,
    extras,
    createdAt: ticket.createdAt,
    waitingMinutes,
    ...(nonEmpty(ticket.assignedTo) && { assignedTo: ticket.assignedTo }),
    suggestedNextStep,
  };
}

const md = (s: string) => escapeMarkdown(s, 'entities');

export function summaryToMarkdown(s: CaseSummary): string {
  const who = s.who.userName ? `${md(s.who.userName)} (${md(s.who.userId)})` : md(s.who.userId);
  const lines = [
    `### ${md(s.headline)}`,
    '',
    `**Ticket:** ${md(s.ticketId)} · **Priority:** ${md(s.priorityLabel)} · **Status:** ${md(STATUS_LABEL[s.status])}`,
    `**Category:** ${md(s.categoryTitle || s.category)} · **Waiting:** ${s.waitingMinutes} min${s.assignedTo ? ` · **Agent:** ${md(s.assignedTo)}` : ''}`,
    '',
    ...(s.modelSummary ? [`**${MODEL_SUMMARY_LABEL}:** ${md(s.modelSummary)}`, ''] : []),
    `**Who:** ${who}${s.who.accountType ? `, ${md(s.who.accountType)} account` : ''}, via ${md(s.who.channel)}`,
    '',
    `**Problem:** ${md(s.problem.errorMessage)}`,
    ...(s.problem.errorCode ? [`**Error code:** ${md(s.problem.errorCode)}`] : []),
    `**Escalated because:** ${md(s.problem.escalatedBecause)}`,
    '',
    '**Steps tried:**',
    '',
    ...(s.stepsTried.length
      ? s.stepsTried.map((t, i) => `${i + 1}. ${md(t.title)}: ${md(t.outcome)}`)
      : ['_None: the user went straight to the help desk._']),
    '',
    '| Field | Value |',
    '|---|---|',
    ...s.fields.map((f) => `| ${md(f.label)} | ${f.value === null ? '_not given_' : md(f.value)} |`),
    ...s.extras.map((e) => `| ${md(e.label)} | ${md(e.value)} |`),
    '',
    `**Suggested next step:** ${md(s.suggestedNextStep)}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function summaryToText(s: CaseSummary): string {
  const t = oneLine;
  const width = Math.max(...[...s.fields, ...s.extras].map((f) => t(f.label).length));
  const row = (label: string, value: string) => `  ${t(label).padEnd(width)}  ${value}`;
  const lines = [
    t(s.headline),
    `Ticket ${t(s.ticketId)} | ${t(s.priorityLabel)} | ${STATUS_LABEL[s.status]} | waiting ${s.waitingMinutes} min${s.assignedTo ? ` | agent ${t(s.assignedTo)}` : ''}`,
    `Category: ${t(s.categoryTitle || s.category)}`,
    ...(s.modelSummary ? [`${MODEL_SUMMARY_LABEL}: ${t(s.modelSummary)}`] : []),
    `Who: ${s.who.userName ? `${t(s.who.userName)} <${t(s.who.userId)}>` : t(s.who.userId)}${s.who.accountType ? `, ${t(s.who.accountType)} account` : ''}, via ${t(s.who.channel)}`,
    `Problem: ${t(s.problem.errorMessage)}`,
    ...(s.problem.errorCode ? [`Error code: ${t(s.problem.errorCode)}`] : []),
    `Escalated because: ${t(s.problem.escalatedBecause)}`,
    'Steps tried:',
    ...(s.stepsTried.length ? s.stepsTried.map((x, i) => `  ${i + 1}. ${t(x.title)}: ${t(x.outcome)}`) : ['  (none)']),
    'Details:',
    ...s.fields.map((f) => row(f.label, f.value === null ? '(not given)' : t(f.value))),
    ...s.extras.map((e) => row(e.label, t(e.value))),
    `Suggested next step: ${t(s.suggestedNextStep)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** A deep copy holding only JSON values (optional properties that are unset are absent, never undefined). */
export function summaryToJson(s: CaseSummary): CaseSummary {
  return JSON.parse(JSON.stringify(s)) as CaseSummary;
}
