import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { DIALOG, memoryOf, turnOf, type WalkOptions, type WalkResult } from './contracts.js';
import { briefQuestion, glossaryQuestion, glossaryReply, otherLanguageReply, smallTalkReply } from './asides.js';
import { answerReply, turnCallContext } from './freeText.js';
import { recordOutcome } from './recordOutcome.js';
import { renderOutputs } from './renderOutputs.js';
import type { DialogServices, Output, SpottedFields, Step, WalkState } from './services.js';
import { detectSmallTalk } from './smallTalk.js';
import { understandAnswer } from './understandAnswer.js';

interface InstanceState {
  walk: WalkState;
  spotted?: SpottedFields;
}

/**
 * The one dialog that drives any tree: each turn it turns the user's text into an answer for the walker's
 * current prompt, or treats it as free text about a (possibly different) problem, and shows what comes next.
 */
export class TreeWalkerDialog extends Dialog<WalkOptions> {
  constructor(private readonly services: DialogServices) {
    super(DIALOG.walk);
  }

  override async beginDialog(dc: DialogContext, options: WalkOptions = {}): Promise<DialogTurnResult> {
    const { walker } = this.services;
    const now = this.services.clock();
    let step: Step;
    if (options.menuAnswer) {
      step = walker.answer(walker.start(walker.rootId, now, options.facts).state, options.menuAnswer);
    } else if (options.guesses?.length) {
      step = walker.offerGuesses(walker.start(walker.rootId, now, options.facts).state, options.guesses);
    } else if (options.resume) {
      step = walker.jump(options.resume, options.startAt ?? walker.rootId, options.reason);
    } else {
      step = walker.start(options.startAt ?? walker.rootId, now, options.facts);
    }
    if (options.spotted && Object.keys(options.spotted).length) (dc.activeDialog!.state as InstanceState).spotted = options.spotted;
    return this.apply(dc, step, options.intro);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const activity = dc.context.activity;
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const { walker, ui, assistant } = this.services;
    const instance = dc.activeDialog!.state as InstanceState;
    const state = instance.walk;
    const text = (activity.text ?? '').trim();

    const talk = detectSmallTalk(text);
    // After an instruction, "ok" or "not sure" is not "yes, that fixed it" (the yes/no recogniser would say so).
    if (talk && state.awaiting === 'fixed') return this.aside(dc, smallTalkReply(this.services, state, talk));
    const answer = understandAnswer(text, state.awaiting, walker.expected(state));
    if (answer) return this.apply(dc, walker.answer(state, answer));

    if (state.awaiting === 'rating') {
      // They moved on without rating: close this walk and let the caller treat the text as a new request.
      await this.record(dc.context, state);
      return dc.endDialog({ kind: 'new-request', text } satisfies WalkResult);
    }
    if (!text) return this.apply(dc, walker.reprompt(state, ui.notUnderstood));
    if (talk) return this.aside(dc, smallTalkReply(this.services, state, talk));
    const term = glossaryQuestion(text, walker.tree.glossary);
    if (term) return this.aside(dc, glossaryReply(this.services, state, term));
    const ctx = turnCallContext(dc.context);
    const routing = await assistant.route(text, ctx);
    instance.spotted = { ...instance.spotted, ...routing.fields };
    this.services.memory.noteFields(memoryOf(dc.context), routing.fields);
    if (routing.language) return this.aside(dc, otherLanguageReply(this.services, state, routing.language));
    if (routing.confident && routing.node && routing.node !== state.node) {
      const intro = `It sounds like this is about **${walker.node(routing.node).title}**.`;
      return this.apply(dc, walker.jump(state, routing.node, 'changed topic'), intro);
    }
    if (routing.question) {
      // A side question mid-walk: answer it, then the same prompt again (not counted as a miss).
      const reply = answerReply(await assistant.answer(text, ctx));
      if (reply) return this.apply(dc, walker.reprompt(state), reply);
    }
    if (state.node === walker.rootId && routing.vague && !routing.candidates.length) {
      return this.apply(dc, walker.reprompt(state), ui.vagueIntro);
    }
    // "I'm locked out" again mid-branch says how they feel, not a new problem: keep the step, say where the doors are.
    if (state.node !== walker.rootId && routing.vague && !routing.candidates.length) {
      return this.aside(dc, [briefQuestion(this.services, state, ui.vagueAtStep)]);
    }
    if (state.node === walker.rootId && routing.candidates.length) {
      return this.apply(
        dc,
        walker.offerGuesses(
          state,
          routing.candidates.filter((id) => id !== walker.rootId),
        ),
      );
    }
    return this.apply(dc, walker.reprompt(state, ui.notUnderstood));
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const { walk } = instance.state as InstanceState;
    await this.send(context, this.services.walker.reprompt(walk).outputs);
  }

  private async apply(dc: DialogContext, step: Step, intro?: string): Promise<DialogTurnResult> {
    this.services.memory.noteWalk(memoryOf(dc.context), step.state);
    const outputs: Output[] = intro ? [{ kind: 'text', text: intro }, ...step.outputs] : step.outputs;
    await this.send(dc.context, outputs);
    if (step.state.outcome === 'escalated') {
      // The ticket dialog records the walk once the ticket exists (or the user gives up on it).
      const { spotted } = dc.activeDialog!.state as InstanceState;
      return dc.endDialog({ kind: 'escalated', walk: step.state, ...(spotted ? { spotted } : {}) } satisfies WalkResult);
    }
    if (step.state.awaiting === 'none') {
      await this.record(dc.context, step.state);
      return dc.endDialog({ kind: 'finished', ...(step.state.outcome ? { outcome: step.state.outcome } : {}) } satisfies WalkResult);
    }
    (dc.activeDialog!.state as InstanceState).walk = step.state;
    // Only once a problem is chosen: someone who reads the menu and leaves has not abandoned a walk.
    if (step.state.branch) {
      const { conversationId, channelId, userId } = turnOf(dc.context);
      await this.services.outcomes.progress(
        { conversationId, channelId, userId },
        { branch: step.state.branch, path: step.state.path },
        this.services.clock().toISOString(),
      );
    }
    return Dialog.EndOfTurn;
  }

  /** A reply beside the current question: the walk stays where it is. */
  private async aside(dc: DialogContext, outputs: Output[]): Promise<DialogTurnResult> {
    await this.send(dc.context, outputs);
    return Dialog.EndOfTurn;
  }

  private async send(context: TurnContext, outputs: Output[]): Promise<void> {
    await context.sendActivities(renderOutputs(outputs, context.activity.channelId));
  }

  private async record(context: TurnContext, walk: WalkState): Promise<void> {
    if (walk.outcome) await recordOutcome(this.services, turnOf(context), walk, walk.outcome);
  }
}
