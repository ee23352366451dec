import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { DIALOG, turnOf, type TicketOptions } from './contracts.js';
import { parseContextOf } from './parseContext.js';
import { renderOutputs } from './renderOutputs.js';
import type { ChoiceOption, DialogServices, FieldResult, FieldSpec, Output, TicketFieldName, WalkState } from './services.js';
import { submitTicket } from './submitTicket.js';
import { understandAnswer } from './understandAnswer.js';

interface TicketState {
  walk: WalkState;
  values: Partial<Record<TicketFieldName, string>>;
  skipped: TicketFieldName[];
  extras: Record<string, string>;
  phase: 'collect' | 'review' | 'pick-field';
  asking?: TicketFieldName;
  /** A time the user gave without a zone, waiting for the zone, and how we asked for it. */
  pendingTimestamp?: string;
  zoneQuestion?: string;
  /** Editing one field from the review: go back to the review once it is answered. */
  editing: boolean;
}

const SKIP: ChoiceOption = { value: 'skip', label: 'Skip', synonyms: [] };
const REVIEW_CHOICES: ChoiceOption[] = [
  { value: 'submit', label: 'Send to the help desk', synonyms: ['submit', 'send', 'send it', 'yes', 'ok', 'looks good', 'correct'] },
  { value: 'change', label: 'Change a detail', synonyms: ['change', 'edit', 'fix', 'no', 'wrong'] },
  { value: 'cancel', label: 'Cancel', synonyms: [] },
];
const ACCOUNT_CHOICES: ChoiceOption[] = [
  { value: 'work', label: 'Work or school', synonyms: [] },
  { value: 'personal', label: 'Personal', synonyms: [] },
  SKIP,
];

/**
 * Collects the support ticket: one question per field (skippable when optional, re-asked with the reason when
 * the answer is not valid), a pasted error-details block fills every field it holds at once, then a review
 * card where any value can be changed before the ticket is sent.
 */
export class TicketDialog extends Dialog<TicketOptions> {
  constructor(private readonly services: DialogServices) {
    super(DIALOG.ticket);
  }

  private get fields(): readonly FieldSpec[] {
    return this.services.ticketForm.fields;
  }

  private spec(name: TicketFieldName): FieldSpec {
    return this.fields.find((f) => f.name === name)!;
  }

  override async beginDialog(dc: DialogContext, options: TicketOptions): Promise<DialogTurnResult> {
    const values = { ...options.spotted };
    const state: TicketState = { walk: options.walk, values, skipped: [], extras: {}, phase: 'collect', editing: false };
    dc.activeDialog!.state = state;
    const intro: Output[] = [{ kind: 'text', text: this.services.walker.tree.index.escalation.intro }];
    const known = this.fields.filter((f) => values[f.name] !== undefined).map((f) => f.label);
    if (known.length)
      intro.push({
        kind: 'text',
        text: `From what you wrote I already have: ${known.join(', ')}. You can change any of it before it's sent.`,
      });
    return this.next(dc, state, intro);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as TicketState;
    const text = (activity.text ?? '').trim();
    if (state.phase === 'review') return this.onReview(dc, state, text);
    if (state.phase === 'pick-field') return this.onPickField(dc, state, text);
    return this.onAnswer(dc, state, text);
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const state = instance.state as TicketState;
    await this.send(context, state.phase === 'collect' && state.asking ? this.question(state.asking, state) : this.review(state));
  }

  private async onAnswer(dc: DialogContext, state: TicketState, text: string): Promise<DialogTurnResult> {
    const { ticketForm } = this.services;
    const ctx = parseContextOf(turnOf(dc.context), this.services.clock());
    const pasted = ticketForm.parseDetails(text, ctx);
    if (pasted && Object.keys(pasted.found).length > 0) {
      const names = Object.keys(pasted.found) as TicketFieldName[];
      Object.assign(state.values, pasted.found);
      Object.assign(state.extras, pasted.extras);
      state.skipped = state.skipped.filter((n) => !names.includes(n));
      state.pendingTimestamp = undefined;
      const got = `Thanks! From the details you pasted I picked up: ${names.map((n) => this.spec(n).label).join(', ')}.`;
      const problems = pasted.problems.length ? `\n\nI couldn't use: ${pasted.problems.join('; ')}` : '';
      return this.next(dc, state, [{ kind: 'text', text: got + problems }]);
    }
    const asking = state.asking!;
    const choice = asking === 'accountType' ? understandAnswer(text, 'choice', ACCOUNT_CHOICES) : undefined;
    const answer = choice?.kind === 'choice' ? choice.value : text;
    const result: FieldResult = state.pendingTimestamp
      ? ticketForm.completeTimestamp(state.pendingTimestamp, answer, ctx)
      : ticketForm.parseAnswer(asking, answer, ctx);
    if (!result.ok && 'needsTimeZone' in result) {
      state.pendingTimestamp = result.partial;
      state.zoneQuestion = result.reason;
      return this.ask(dc, state, asking);
    }
    if (!result.ok) return this.ask(dc, state, asking, result.reason);
    state.pendingTimestamp = undefined;
    if ('skipped' in result) {
      delete state.values[asking];
      state.skipped.push(asking);
    } else {
      state.values[asking] = result.value;
    }
    return this.next(dc, state, []);
  }

  private async onReview(dc: DialogContext, state: TicketState, text: string): Promise<DialogTurnResult> {
    const named = this.fieldNamedIn(text);
    if (named && /\b(change|edit|fix|correct|update)\b/i.test(text)) return this.edit(dc, state, named);
    const answer = understandAnswer(text, 'choice', REVIEW_CHOICES);
    if (answer?.kind === 'choice' && answer.value === 'submit') return dc.endDialog(await submitTicket(dc.context, this.services, state));
    if (answer?.kind === 'choice' && answer.value === 'change') {
      state.phase = 'pick-field';
      await this.send(dc.context, [{ kind: 'prompt', text: 'Which detail do you want to change?', choices: this.fieldChoices() }]);
      return Dialog.EndOfTurn;
    }
    await this.send(dc.context, [{ kind: 'text', text: "Sorry, I didn't catch that." }, ...this.review(state)]);
    return Dialog.EndOfTurn;
  }

  private async onPickField(dc: DialogContext, state: TicketState, text: string): Promise<DialogTurnResult> {
    const answer = understandAnswer(text, 'choice', this.fieldChoices());
    const name = answer?.kind === 'choice' ? (answer.value as TicketFieldName) : this.fieldNamedIn(text);
    if (name) return this.edit(dc, state, name);
    await this.send(dc.context, [{ kind: 'prompt', text: 'Please pick the detail to change.', choices: this.fieldChoices() }]);
    return Dialog.EndOfTurn;
  }

  private async edit(dc: DialogContext, state: TicketState, name: TicketFieldName): Promise<DialogTurnResult> {
    state.editing = true;
    state.skipped = state.skipped.filter((n) => n !== name);
    const current = state.values[name];
    // "Now: 2026-05-12T09:14..." read like the current time; this is the value the ticket holds, in words.
    return this.ask(dc, state, name, current ? `Currently: ${this.services.ticketForm.display(name, current)}` : undefined);
  }

  /** Asks the next missing field, or shows the review when all are answered or skipped. */
  private async next(dc: DialogContext, state: TicketState, before: Output[]): Promise<DialogTurnResult> {
    const missing = this.fields.find((f) => state.values[f.name] === undefined && !state.skipped.includes(f.name));
    const done =
      state.editing && state.asking !== undefined && (state.values[state.asking] !== undefined || state.skipped.includes(state.asking));
    if (!missing || done) {
      state.phase = 'review';
      state.asking = undefined;
      state.editing = false;
      await this.send(dc.context, [...before, ...this.review(state)]);
      return Dialog.EndOfTurn;
    }
    if (before.length) await this.send(dc.context, before);
    return this.ask(dc, state, missing.name);
  }

  private async ask(dc: DialogContext, state: TicketState, name: TicketFieldName, reason?: string): Promise<DialogTurnResult> {
    state.phase = 'collect';
    state.asking = name;
    const outputs = this.question(name, state);
    if (reason) outputs.unshift({ kind: 'text', text: reason });
    await this.send(dc.context, outputs);
    return Dialog.EndOfTurn;
  }

  private question(name: TicketFieldName, state: TicketState): Output[] {
    const f = this.spec(name);
    if (state.pendingTimestamp) return [{ kind: 'prompt', text: state.zoneQuestion ?? 'Which time zone was that in?', choices: [SKIP] }];
    const choices = name === 'accountType' ? ACCOUNT_CHOICES : f.required ? [] : [SKIP];
    return [{ kind: 'prompt', text: `${f.prompt}\n\n_${f.whereToFind}_`, choices }];
  }

  private review(state: TicketState): Output[] {
    return [
      this.services.ticketForm.reviewCard(state.values),
      { kind: 'prompt', text: 'Is everything right? I will send this to the help desk.', choices: REVIEW_CHOICES },
    ];
  }

  private fieldChoices(): ChoiceOption[] {
    return this.fields.map((f) => ({ value: f.name, label: f.label, synonyms: [] }));
  }

  private fieldNamedIn(text: string): TicketFieldName | undefined {
    const lower = text.toLowerCase();
    return this.fields.find((f) => lower.includes(f.label.toLowerCase()))?.name;
  }

  private async send(context: TurnContext, outputs: Output[]): Promise<void> {
    await context.sendActivities(renderOutputs(outputs, context.activity.channelId));
  }
}
