import { ComponentDialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { detectInterrupt } from './interrupts.js';
import { renderOutput } from './renderOutputs.js';
import { understandAnswer } from './understandAnswer.js';
import type { DialogServices } from './services.js';
import { TREE_WALKER_DIALOG, TreeWalkerDialog, type WalkOptions } from './treeWalkerDialog.js';
import { HANDOFF_DIALOG, HandoffDialog } from './handoffDialog.js';
import { recordOutcome } from './recordOutcome.js';
import { TICKET_DIALOG, TicketDialog } from './ticketDialog.js';
import type { Outcome } from '../src/tree/types.js';
import type { Assistant } from '../src/assistant/types.js';
import { answerReply, assistantFor, turnCallContext } from './freeText.js';

export const MAIN_DIALOG = 'main';

export interface MainOptions {
  /** The message that started the conversation, if any: it may already describe the problem. */
  text?: string;
  /** Say the welcome before the menu (a user just joined). */
  welcome?: boolean;
}

const GREETING = /^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|howdy|greetings)\b[\s!.,]*$/i;
const THANKS = /^(?:thanks|thank you|thx|ty|cheers|great|ok|okay|cool|perfect)\b[\s!.,a-z]*$/i;

/**
 * Entry point of every conversation: decides where a walk starts (menu, a branch named in free text, the
 * help desk) and handles the commands that work at any turn (start over, help, cancel, talk to a person).
 */
export class MainDialog extends ComponentDialog {
  private readonly assistant: Assistant;

  constructor(private readonly services: DialogServices) {
    super(MAIN_DIALOG);
    this.assistant = assistantFor(services);
    this.addDialog(new TreeWalkerDialog(services));
    this.addDialog(new TicketDialog(services));
    this.addDialog(new HandoffDialog(services));
    this.initialDialogId = TREE_WALKER_DIALOG;
  }

  protected override async onBeginDialog(inner: DialogContext, options: MainOptions = {}): Promise<DialogTurnResult> {
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
    if (interrupt || text === '' || GREETING.test(text)) return this.walk(inner, {});
    if (THANKS.test(text)) {
      await this.say(inner, "You're welcome! If anything else comes up, I'm here.");
      return inner.endDialog();
    }
    const rootState = walker.start(walker.rootId).state;
    const menuAnswer = understandAnswer(text, 'choice', walker.expected(rootState));
    if (menuAnswer) return this.walk(inner, { menuAnswer });
    return this.freeText(inner, text);
  }

  /** A first message in the user's own words: a branch, a question to answer, guesses, or the menu. */
  private async freeText(inner: DialogContext, text: string): Promise<DialogTurnResult> {
    const { walker } = this.services;
    const ctx = turnCallContext(inner.context);
    const routing = await this.assistant.route(text, ctx);
    const spotted = routing.fields;
    if (routing.confident && routing.node) {
      return this.walk(inner, { startAt: routing.node, reason: 'free text', intro: `Let's look at **${walker.node(routing.node).title}**.`, spotted });
    }
    if (routing.question) {
      const reply = answerReply(await this.assistant.answer(text, ctx));
      const more = "If that doesn't settle it, pick a topic below or type **talk to a person** to ask the help desk.";
      if (reply) return this.walk(inner, { intro: `${reply}\n\n${more}`, spotted });
    }
    if (routing.candidates.length) return this.walk(inner, { guesses: routing.candidates, spotted });
    return this.walk(inner, { intro: "I couldn't tell what the problem is from that. Here's what I can help with:", spotted });
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const { activity } = inner.context;
    const active = inner.activeDialog?.id;
    // With a person on the other end, every message is for them; the handoff dialog handles its own commands.
    if (active === HANDOFF_DIALOG || activity.type !== 'message') return super.onContinueDialog(inner);
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
        if (active === TICKET_DIALOG) {
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
    if (walk) await recordOutcome(this.services, inner.context, walk, walk.outcome && walk.outcome !== 'escalated' ? walk.outcome : outcome);
  }

  private currentWalk(inner: DialogContext): WalkOptions['resume'] {
    return (inner.activeDialog?.state as { walk?: WalkOptions['resume'] } | undefined)?.walk;
  }

  private walk(inner: DialogContext, options: WalkOptions): Promise<DialogTurnResult> {
    return inner.beginDialog(TREE_WALKER_DIALOG, options);
  }

  private async say(inner: DialogContext, text: string): Promise<void> {
    await inner.context.sendActivity(renderOutput({ kind: 'text', text }, inner.context.activity.channelId));
  }
}
