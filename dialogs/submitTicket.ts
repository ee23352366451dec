import { Channels, EventFactory } from 'botbuilder';
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import type { TicketFieldName } from '../src/tickets/fields.js';
import { buildSummary, summaryToJson } from '../src/tickets/summary.js';
import type { StepTried, TicketFields } from '../src/tickets/ticket.js';
import type { WalkState } from '../src/tree/types.js';
import { caseFactsOf } from '../src/assistant/caseFacts.js';
import { conversationLink } from './conversationLink.js';
import { assistantFor } from './freeText.js';
import { HANDOFF_DIALOG, type HandoffOptions } from './handoffDialog.js';
import { recordOutcome } from './recordOutcome.js';
import type { DialogServices } from './services.js';

const ASKED_FOR_PERSON = 'asked for a person';

/** What the user tried on the way, from the walk's path (the menu and the escalation itself left out). */
function stepsTried(services: DialogServices, walk: WalkState): StepTried[] {
  const { walker } = services;
  return walk.path
    .slice(0, -1)
    .filter((p) => p.node !== walker.rootId)
    .map((p) => ({ node: p.node, title: walker.node(p.node).title, outcome: p.answer ?? '' }));
}

/** Opens the ticket, tells the channel a handoff started, and hands the conversation to the waiting dialog. */
export async function submitTicket(
  dc: DialogContext,
  services: DialogServices,
  state: { walk: WalkState; values: Partial<Record<TicketFieldName, string>>; extras: Record<string, string> },
): Promise<DialogTurnResult> {
  const { walker, handoff } = services;
  const { walk } = state;
  const branch = walk.branch && walker.tree.nodes.has(walk.branch) ? walk.branch : undefined;
  const last = walk.path.at(-1)?.node ?? walker.tree.index.defaults.escalate;
  const { ticket, position } = await handoff.openTicket({
    fields: state.values as TicketFields,
    extras: state.extras,
    category: branch ?? 'other',
    categoryTitle: branch ? walker.node(branch).title : 'Other problem',
    priority: walker.priorityOf(branch),
    stepsTried: stepsTried(services, walk),
    escalatedFrom: walk.path.at(-2)?.answer === ASKED_FOR_PERSON ? ASKED_FOR_PERSON : last,
    conversation: conversationLink(dc.context),
    userName: dc.context.activity.from?.name,
  }, {
    // In the background: the confirmation below does not wait for the model.
    summarise: (summary) => assistantFor(services).summarise(caseFactsOf(summary), { conversationId: dc.context.activity.conversation.id }),
  });
  await recordOutcome(services, dc.context, walk, 'escalated', { ticketId: ticket.id });
  // The Bot Framework handoff event, so a channel or an agent hub that understands it can route the
  // conversation. Teams accepts no event activities from bots, so it only gets the messages.
  if (dc.context.activity.channelId !== Channels.Msteams) {
    const summary = summaryToJson(buildSummary(ticket, services.clock()));
    await dc.context.sendActivity(EventFactory.createHandoffInitiation(dc.context, summary));
  }
  return dc.replaceDialog(HANDOFF_DIALOG, { ticketId: ticket.id, position, walk } satisfies HandoffOptions);
}
