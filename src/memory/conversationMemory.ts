import { parseErrorDetails } from '../tickets/errorDetails.js';
import { parseField, type ParseContext, type TicketFieldName } from '../tickets/fields.js';
import type { StepTried } from '../tickets/ticket.js';
import type { WalkState } from '../tree/types.js';
import type { TreeWalker } from '../tree/walker.js';

export type KnownFields = Partial<Record<TicketFieldName, string>>;

/**
 * What the user has told the bot in this conversation, in any turn and any dialog: plain JSON, kept in the
 * conversation's state by the bot layer. Only validated, normalised values are kept (an error message is
 * redacted by its field schema), never the raw text, so no code or password typed in passing is stored.
 */
export interface MemoryRecord {
  /** Ticket fields, as the ticket would hold them. */
  fields: KnownFields;
  /** Facts the options picked told us (`otherMethod`, `accountType`), for node variants and the ticket. */
  facts: Record<string, string>;
  /** The branch of the latest walk that chose one. */
  branch?: string;
  /** Steps tried in each walk of the conversation, by the walk's start time (oldest first), the latest few. */
  walks: { startedAt: string; steps: StepTried[] }[];
}

/** Walks remembered for "steps tried": enough for a user who tried a few branches, bounded for state size. */
const MAX_WALKS = 5;

const EMAIL_RE = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+\.[^\s<>"'(),;:]+/g;
const AADSTS_RE = /AADSTS\s*[:#-]?\s*(\d{4,8})/gi;
const LABELLED_GUID_RE =
  /\b(correlation|request|session)[\s_-]*id\b\s*(?:is|=|:|#)?\s*\{?([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})\}?/gi;
const CLOCK_RE = /\b\d{1,2}(?::\d{2}|\s*[ap]\.?m\b)/i;
const WORK_ACCOUNT_RE = /\b(?:work|school|office 365|microsoft 365|company|organi[sz]ation(?:al)?|university|college)\s+account\b/i;
const PERSONAL_ACCOUNT_RE = /\b(?:personal|private|home)\s+(?:microsoft\s+)?account\b|@(?:outlook|hotmail|live|msn)\.[a-z.]+\b/i;

const distinct = (values: string[]): string[] => [...new Set(values)];

/**
 * The one place that holds what the user told the bot: it reads each message for ticket details (an email, an
 * AADSTS code, a labelled correlation or request id, a time with its zone, the account type, a pasted "View
 * details" block), takes the facts and steps of every walk, and gives the ticket its known values and the
 * conversation's steps tried. Pure over a MemoryRecord, so the dialogs are given it as a service.
 */
export class ConversationMemory {
  constructor(private readonly walker: TreeWalker) {}

  empty(): MemoryRecord {
    return { fields: {}, facts: {}, walks: [] };
  }

  /** Reads one message; returns the names of the fields it taught us. A later value replaces an earlier one. */
  noteText(record: MemoryRecord, text: string, ctx: ParseContext): TicketFieldName[] {
    const found = this.fieldsIn(text.slice(0, 4000), ctx);
    this.noteFields(record, found);
    return Object.keys(found) as TicketFieldName[];
  }

  /** Values already validated elsewhere (the ticket's answers, fields the model spotted). */
  noteFields(record: MemoryRecord, fields: KnownFields | undefined): void {
    for (const [name, value] of Object.entries(fields ?? {}) as [TicketFieldName, string | undefined][]) {
      if (value === undefined) continue;
      record.fields[name] = value;
      if (name === 'accountType') record.facts.accountType = value;
    }
  }

  /** Takes a walk's facts, branch and steps so far; called after every step of it. */
  noteWalk(record: MemoryRecord, walk: WalkState): void {
    Object.assign(record.facts, walk.facts);
    // An option that told us the account type answers the ticket's question too.
    const accountType = walk.facts?.accountType;
    if (accountType === 'work-or-school' || accountType === 'personal') record.fields.accountType = accountType;
    if (walk.branch && this.walker.tree.nodes.has(walk.branch)) record.branch = walk.branch;
    const steps = this.stepsOf(walk);
    const i = record.walks.findIndex((w) => w.startedAt === walk.startedAt);
    if (i >= 0) record.walks[i] = { startedAt: walk.startedAt, steps };
    else if (steps.length) record.walks = [...record.walks, { startedAt: walk.startedAt, steps }].slice(-MAX_WALKS);
  }

  /** What the ticket starts from: every field the user already gave, the account type from an option too. */
  ticketValues(record: MemoryRecord): KnownFields {
    return { ...record.fields };
  }

  /** Facts for a new walk, so its variants know what the user said in earlier ones. */
  factsOf(record: MemoryRecord): Record<string, string> {
    return { ...record.facts };
  }

  /** Steps tried in the conversation: earlier walks first, then `current` (the walk being escalated). */
  stepsTried(record: MemoryRecord, current: WalkState): StepTried[] {
    const earlier = record.walks.filter((w) => w.startedAt !== current.startedAt).flatMap((w) => w.steps);
    return [...earlier, ...this.stepsOf(current)];
  }

  /** What the user tried in a walk, from its path (the menu and where it ended left out). */
  private stepsOf(walk: WalkState): StepTried[] {
    const { walker } = this;
    // Only nodes the user answered: the one on screen (or the escalate node reached) has no answer yet.
    return walk.path
      .filter((p) => p.node !== walker.rootId && p.answer !== undefined && walker.tree.nodes.has(p.node))
      .map((p) => ({ node: p.node, title: walker.node(p.node).title, outcome: p.answer ?? '' }));
  }

  private fieldsIn(text: string, ctx: ParseContext): KnownFields {
    const found: KnownFields = { ...parseErrorDetails(text, ctx)?.found };
    delete found.errorMessage; // a label-shaped bit of chat is not the error message; the ticket asks for it
    const take = (name: TicketFieldName, raw: string | undefined): void => {
      if (raw === undefined || found[name] !== undefined) return;
      const result = parseField(name, raw, ctx);
      if (result.ok && 'value' in result) found[name] = result.value;
    };
    const emails = distinct((text.match(EMAIL_RE) ?? []).map((e) => e.replace(/\.+$/, '').toLowerCase()));
    if (emails.length === 1) take('userId', emails[0]);
    const codes = distinct([...text.matchAll(AADSTS_RE)].map((m) => m[1]!));
    if (codes.length === 1) take('errorCode', `AADSTS${codes[0]}`);
    for (const m of text.matchAll(LABELLED_GUID_RE)) {
      take(m[1]!.toLowerCase() === 'correlation' ? 'correlationId' : 'sessionId', m[2]);
    }
    if (CLOCK_RE.test(text)) take('timestamp', text);
    const work = WORK_ACCOUNT_RE.test(text);
    const personal = PERSONAL_ACCOUNT_RE.test(text);
    if (work !== personal) take('accountType', work ? 'work or school' : 'personal');
    return found;
  }
}
