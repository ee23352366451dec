import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { DIALOG, memoryOf, turnOf, type ChildResult, type MainOptions, type WalkOptions } from './contracts.js';
import { otherLanguageText } from './asides.js';
import { answerReply, turnCallContext } from './freeText.js';
import { HandoffDialog } from './handoffDialog.js';
import { parseContextOf } from './parseContext.js';
import { detectInterrupt } from './interrupts.js';
import { recordOutcome } from './recordOutcome.js';
import { renderOutput } from './renderOutputs.js';
import type { DialogServices, Outcome, SpottedFields, WalkState } from './services.js';
import { TicketDialog } from './ticketDialog.js';
import { TreeWalkerDialog } from './treeWalkerDialog.js';
import { detectSmallTalk, type SmallTalk } from './smallTalk.js';
import { understandAnswer } from './understandAnswer.js';

/**
 * Entry point of every conversation: decides where a walk starts (menu, a branch named in free text, the
 * help desk), handles the commands that work at any turn (start over, help, cancel, talk to a person), and
 * runs its children one after another from their results: a walk that escalates goes on to the ticket, a
 * submitted ticket to the wait for the help desk, and anything the user typed that starts a new request to a
 * new walk. No child knows which one comes next.
 */
export class MainDialog extends ComponentDialog {
  constructor(private readonly services: DialogServices) {
    super(DIALOG.main);
    this.addDialog(new TreeWalkerDialog(services));
    this.addDialog(new TicketDialog(services));
    this.addDialog(new HandoffDialog(services));
    this.initialDialogId = DIALOG.walk;
  }

  protected override async onBeginDialog(inner: DialogContext, options: MainOptions = {}): Promise<DialogTurnResult> {
    this.remember(inner);
    return this.sequence(inner, await this.start(inner, options));
  }

  /**
   * Every message the user sends may hold details for a ticket (an email, an error code...): the conversation's
   * memory reads them, whichever dialog the message is for. The ticket's own answers are its to parse.
   */
  private remember(inner: DialogContext): void {
    const { activity } = inner.context;
    if (activity.type !== 'message' || !activity.text || inner.activeDialog?.id === DIALOG.ticket) return;
    this.services.memory.noteText(memoryOf(inner.context), activity.text, parseContextOf(turnOf(inner.context), this.services.clock()));
  }

  /** Where a conversation (or a new request in it) starts. */
  private async start(inner: DialogContext, options: MainOptions): Promise<DialogTurnResult> {
    const { walker } = this.services;
    const index = walker.tree.index;
    const text = options.text?.trim() ?? '';
    if (options.welcome) await this.say(inner, index.welcome);
    const interrupt = detectInterrupt(text);
    if (interrupt === 'person') {
      // From the menu, so the path (and the ticket) shows that the user asked for a person straight away.
      const resume = walker.start(walker.rootId, this.services.clock()).state;
      return this.walk(inner, { resume, startAt: index.defaults.escalate, reason: 'asked for a person' });
    }
    if (interrupt === 'help') await this.say(inner, index.help);
    if (interrupt || text === '') return this.walk(inner, {});
    const talk = detectSmallTalk(text);
    if (talk) return this.smallTalk(inner, talk);
    const rootState = walker.start(walker.rootId).state;
    const menuAnswer = understandAnswer(text, 'choice', walker.expected(rootState));
    if (menuAnswer) return this.walk(inner, { menuAnswer });
    return this.freeText(inner, text);
  }

  /** Small talk as a first message (or after a walk ended): a short reply, the menu only when it helps. */
  private async smallTalk(inner: DialogContext, talk: SmallTalk): Promise<DialogTurnResult> {
    const { ui } = this.services;
    if (talk === 'greeting') return this.walk(inner, { intro: ui.hiAgain });
    if (talk === 'confused' || talk === 'dont-know') return this.walk(inner, { intro: ui.notSureWhere });
    await this.say(inner, talk === 'thanks' ? ui.welcomeAnytime : talk === 'wait' ? ui.takeYourTime : ui.okAnytime);
    return inner.endDialog();
  }

  /** A first message in the user's own words: a branch, a question to answer, guesses, or the menu. */
  private async freeText(inner: DialogContext, text: string): Promise<DialogTurnResult> {
    const { walker, assistant } = this.services;
    const ctx = turnCallContext(inner.context);
    const routing = await assistant.route(text, ctx);
    const spotted = routing.fields;
    this.services.memory.noteFields(memoryOf(inner.context), spotted);
    if (routing.confident && routing.node) {
      return this.walk(inner, {
        startAt: routing.node,
        reason: 'free text',
        intro: `Let's look at **${walker.node(routing.node).title}**.`,
        spotted,
      });
    }
    if (routing.language) {
      // Buttons, not only words: someone who reads little English can still reach a person.
      const { ui } = this.services;
      const choices = [ui.personLabel, ui.showMenu].map((label) => ({ value: label, label, synonyms: [] }));
      const text = otherLanguageText(this.services, routing.language);
      await inner.context.sendActivity(renderOutput({ kind: 'prompt', text, choices }, inner.context.activity.channelId));
      return inner.endDialog();
    }
    // Vague with a hint of its kind ("reset my mfa") falls through to the guesses below.
    if (routing.vague && !routing.candidates.length) return this.walk(inner, { intro: this.services.ui.vagueIntro, spotted });
    if (routing.question) {
      const reply = answerReply(await assistant.answer(text, ctx));
      const more = "If that doesn't settle it, pick a topic below or type **talk to a person** to ask the help desk.";
      if (reply) return this.walk(inner, { intro: `${reply}\n\n${more}`, spotted });
    }
    if (routing.candidates.length) return this.walk(inner, { guesses: routing.candidates, spotted });
    return this.walk(inner, { intro: "I couldn't tell what the problem is from that. Here's what I can help with:", spotted });
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    this.remember(inner);
    return this.sequence(inner, await this.continueTurn(inner));
  }

  /**
   * Runs the next child while the current one has ended with a result that names what follows; stops at the
   * first child that waits for the user, or when a child finishes the conversation's request.
   */
  private async sequence(inner: DialogContext, result: DialogTurnResult): Promise<DialogTurnResult> {
    let turn = result;
    while (turn.status === DialogTurnStatus.complete) {
      const ended = turn.result as ChildResult | undefined;
      if (ended?.kind === 'escalated') turn = await this.escalate(inner, ended);
      else if (ended?.kind === 'submitted')
        turn = await inner.beginDialog(DIALOG.handoff, { ticketId: ended.ticketId, position: ended.position, walk: ended.walk });
      else if (ended?.kind === 'new-request') turn = await this.start(inner, { text: ended.text });
      else return turn;
    }
    return turn;
  }

  private async continueTurn(inner: DialogContext): Promise<DialogTurnResult> {
    const { activity } = inner.context;
    const active = inner.activeDialog?.id;
    // With a person on the other end, every message is for them; the handoff dialog handles its own commands.
    if (active === DIALOG.handoff || activity.type !== 'message') return super.onContinueDialog(inner);
    const index = this.services.walker.tree.index;
    switch (detectInterrupt(activity.text ?? '')) {
      case 'start-over':
        await this.close(inner, 'abandoned');
        await inner.cancelAllDialogs();
        return this.walk(inner, { intro: "Sure, let's start again." });
      case 'help':
        await this.say(inner, index.help);
        await inner.repromptDialog();
        return ComponentDialog.EndOfTurn;
      case 'cancel':
        await this.close(inner, 'cancelled');
        await inner.cancelAllDialogs();
        await this.say(inner, "OK, I've stopped here. Whenever you want to pick it up again, just send me a message.");
        return inner.endDialog();
      case 'person': {
        if (active === DIALOG.ticket) {
          await this.say(inner, "I'm already getting your request to a person: just a few more details.");
          await inner.repromptDialog();
          return ComponentDialog.EndOfTurn;
        }
        // The walk continues into escalation, so it is recorded once, as escalated, with its whole path.
        const resume = this.currentWalk(inner);
        await inner.cancelAllDialogs();
        return this.walk(inner, { resume, startAt: index.defaults.escalate, reason: 'asked for a person' });
      }
      default:
        return super.onContinueDialog(inner);
    }
  }

  /** Records the walk of the active dialog (tree or ticket) as ended by the user. */
  private async close(inner: DialogContext, outcome: Outcome): Promise<void> {
    const walk = this.currentWalk(inner);
    if (walk)
      await recordOutcome(
        this.services,
        turnOf(inner.context),
        walk,
        walk.outcome && walk.outcome !== 'escalated' ? walk.outcome : outcome,
      );
  }

  private currentWalk(inner: DialogContext): WalkOptions['resume'] {
    return (inner.activeDialog?.state as { walk?: WalkOptions['resume'] } | undefined)?.walk;
  }

  /**
   * A walk reached the help desk. One open ticket per user: when they already have one (from this conversation
   * or another), they rejoin it instead of answering every question again for a second ticket behind it.
   */
  private async escalate(inner: DialogContext, ended: { walk: WalkState; spotted?: SpottedFields }): Promise<DialogTurnResult> {
    const spotted = this.known(inner, ended);
    const turn = turnOf(inner.context);
    const { handoff } = this.services;
    const open = turn.userKey ? await handoff.openTicketOfUser(turn.userKey) : undefined;
    const ticket = open ? await handoff.rejoin(open.id, turn.link) : undefined;
    if (!ticket) return inner.beginDialog(DIALOG.ticket, { walk: ended.walk, spotted });
    await recordOutcome(this.services, turn, ended.walk, 'escalated', { ticketId: ticket.id });
    return inner.beginDialog(DIALOG.handoff, {
      ticketId: ticket.id,
      position: await handoff.positionOf(ticket.id),
      walk: ended.walk,
      rejoined: ticket.assignedTo ? { assignedTo: ticket.assignedTo } : {},
    });
  }

  /** Everything the user told us in the conversation, for the ticket: it asks only for the rest. */
  private known(inner: DialogContext, ended: { walk: WalkState; spotted?: SpottedFields }): SpottedFields {
    const { memory } = this.services;
    const record = memoryOf(inner.context);
    memory.noteFields(record, ended.spotted);
    memory.noteWalk(record, ended.walk);
    return memory.ticketValues(record);
  }

  private walk(inner: DialogContext, options: WalkOptions): Promise<DialogTurnResult> {
    const facts = this.services.memory.factsOf(memoryOf(inner.context));
    return inner.beginDialog(DIALOG.walk, Object.keys(facts).length ? { ...options, facts } : options);
  }

  private async say(inner: DialogContext, text: string): Promise<void> {
    await inner.context.sendActivity(renderOutput({ kind: 'text', text }, inner.context.activity.channelId));
  }
}
