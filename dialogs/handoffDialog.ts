import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { DIALOG, turnOf, type HandoffOptions, type HandoffResult } from './contracts.js';
import { detectInterrupt } from './interrupts.js';
import { renderOutputs } from './renderOutputs.js';
import type { DialogServices, Output, QueueSignal } from './services.js';
import { understandAnswer } from './understandAnswer.js';

interface HandoffState {
  ticketId: string;
  phase: 'waiting' | 'rating';
  agent?: string;
}

const placeText = (position: number): string =>
  position === 1 ? "You're next in the queue." : position > 1 ? `You're number ${position} in the queue.` : '';

/**
 * The conversation while a person has it: the tree stays quiet, what the user types goes onto the ticket for
 * the agent, and signals from the queue (resolved, nobody free) arrive as events from proactive turns.
 */
export class HandoffDialog extends Dialog<HandoffOptions> {
  constructor(private readonly services: DialogServices) {
    super(DIALOG.handoff);
  }

  override async beginDialog(dc: DialogContext, options: HandoffOptions): Promise<DialogTurnResult> {
    dc.activeDialog!.state = { ticketId: options.ticketId, phase: 'waiting' } satisfies HandoffState;
    const { rejoined } = options;
    const status = rejoined?.assignedTo
      ? `**${rejoined.assignedTo}** from the help desk is working on it and will answer you here.`
      : `It's waiting for someone from the help desk. ${placeText(options.position)}`.trim();
    const text = [
      rejoined
        ? `You already have ticket **${options.ticketId}** open with the help desk, so I haven't opened another one. ${status}`
        : `Done. Your ticket number is **${options.ticketId}**. ${placeText(options.position)}`,
      `${rejoined ? '' : 'Someone from the help desk will join this chat. '}Anything else you type here goes straight to them.`,
      'Type **cancel** to withdraw the request, or **menu** to go back to me (the help desk keeps your ticket).',
    ].join('\n\n');
    await this.send(dc.context, [{ kind: 'text', text }]);
    if (rejoined) await this.deliverMissed(dc.context, options.ticketId);
    return Dialog.EndOfTurn;
  }

  /** Agent messages the user's channel refused earlier (connector 404), handed over in the user's own turn. */
  private async deliverMissed(context: TurnContext, ticketId: string): Promise<void> {
    const missed = await this.services.handoff.takeMissedMessages(ticketId);
    if (missed.length === 0) return;
    const lead =
      missed.length === 1
        ? 'A message from the help desk did not reach you earlier:'
        : 'Messages from the help desk did not reach you earlier:';
    await this.send(context, [{ kind: 'text', text: [lead, ...missed].join('\n\n') }]);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as HandoffState;
    const { activity } = dc.context;
    if (activity.type === 'event') {
      const { signal } = turnOf(dc.context);
      return signal ? this.onSignal(dc, state, signal) : Dialog.EndOfTurn;
    }
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    const text = (activity.text ?? '').trim();
    if (state.phase === 'rating') return this.onRating(dc, state, text);
    await this.deliverMissed(dc.context, state.ticketId);

    const { handoff } = this.services;
    const command = detectInterrupt(text);
    if (command === 'cancel' || command === 'start-over') {
      const ticket = await handoff.userLeft(state.ticketId, command === 'cancel');
      // The admin's record: a withdrawn ticket ends the conversation's request as cancelled.
      if (ticket?.status === 'closed-without-agent')
        await this.services.outcomes.closeTicket(turnOf(dc.context).conversationId, state.ticketId, 'withdrawn');
      const said =
        ticket?.status === 'closed-without-agent'
          ? `OK, I've withdrawn ticket **${state.ticketId}**.`
          : `OK. The help desk still has ticket **${state.ticketId}** and will follow up with you at ${ticket?.fields.userId ?? 'your user ID'}.`;
      await this.send(dc.context, [{ kind: 'text', text: said }]);
      return dc.endDialog(
        (command === 'start-over' ? { kind: 'new-request', text: 'menu' } : { kind: 'finished' }) satisfies HandoffResult,
      );
    }
    const ticket = await handoff.userMessage(state.ticketId, text);
    if (!ticket || ticket.status === 'resolved' || ticket.status === 'closed-without-agent') {
      // The ticket closed while the signal was lost (e.g. the bot restarted): the bot takes the text itself.
      if (ticket)
        await this.services.outcomes.closeTicket(
          turnOf(dc.context).conversationId,
          ticket.id,
          ticket.status === 'resolved' ? 'resolved' : 'withdrawn',
        );
      return dc.endDialog({ kind: 'new-request', text } satisfies HandoffResult);
    }
    if (ticket.status === 'queued') {
      const place = placeText(await handoff.positionOf(ticket.id));
      await this.send(dc.context, [{ kind: 'text', text: `I've added that to your ticket. ${place}`.trim() }]);
    }
    return Dialog.EndOfTurn;
  }

  private async onSignal(dc: DialogContext, state: HandoffState, { name, value }: QueueSignal): Promise<DialogTurnResult> {
    const { ui } = this.services;
    if (name === 'handoff.resolved' && value.ticketId === state.ticketId) {
      state.phase = 'rating';
      state.agent = typeof value.agent === 'string' ? value.agent : 'The help desk';
      // The admin's record: resolved, by an agent (the walk itself stays escalated for the branch figures).
      await this.services.outcomes.closeTicket(turnOf(dc.context).conversationId, state.ticketId, 'resolved');
      await this.send(dc.context, [
        { kind: 'text', text: `**${state.agent}** marked your request as resolved, so you're back with me, the sign-in help bot.` },
        { kind: 'prompt', text: ui.agentRatingPrompt, choices: ui.ratingChoices },
      ]);
    } else if (name === 'handoff.unclaimed' && value.ticketId === state.ticketId) {
      const ticket = await this.services.handoff.get(state.ticketId);
      const text = `Everyone at the help desk is busy right now. Your ticket **${state.ticketId}** stays in the queue, and they'll follow up with you at ${ticket?.fields.userId ?? 'your user ID'}. You can keep this chat open, or type **menu** to go back to me.`;
      await this.send(dc.context, [{ kind: 'text', text }]);
    }
    return Dialog.EndOfTurn;
  }

  private async onRating(dc: DialogContext, state: HandoffState, text: string): Promise<DialogTurnResult> {
    const { ui } = this.services;
    const answer = understandAnswer(text, 'rating', ui.ratingChoices);
    if (answer?.kind !== 'rating') return dc.endDialog({ kind: 'new-request', text } satisfies HandoffResult);
    if (answer.rating !== null) {
      await this.services.handoff.rate(state.ticketId, answer.rating);
      // The walk ended escalated into this ticket: its rating is this one, for the admin's list and analytics.
      await this.services.outcomes.rateTicket(turnOf(dc.context).conversationId, state.ticketId, answer.rating);
    }
    const thanks = answer.rating === null ? ui.ratingSkipped : ui.agentRatingThanks(answer.rating);
    await this.send(dc.context, [{ kind: 'text', text: thanks }, ui.anythingElse(ui.startOverLabel)]);
    return dc.endDialog({ kind: 'finished' } satisfies HandoffResult);
  }

  private async send(context: TurnContext, outputs: Output[]): Promise<void> {
    await context.sendActivities(renderOutputs(outputs, context.activity.channelId));
  }
}
