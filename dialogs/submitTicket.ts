import { Channels, EventFactory, type TurnContext } from 'botbuilder';
import { memoryOf, turnOf, type Submitted } from './contracts.js';
import { recordOutcome } from './recordOutcome.js';
import type { DialogServices, TicketFieldName, TicketFields, WalkState } from './services.js';

const ASKED_FOR_PERSON = 'asked for a person';

/**
 * Opens the ticket, records the walk as escalated into it, and tells the channel a handoff started; the
 * caller hands the conversation to the waiting dialog with the result.
 */
export async function submitTicket(
  context: TurnContext,
  services: DialogServices,
  state: { walk: WalkState; values: Partial<Record<TicketFieldName, string>>; extras: Record<string, string> },
): Promise<Submitted> {
  const { walker, handoff, memory } = services;
  const turn = turnOf(context);
  const record = memoryOf(context);
  const { walk } = state;
  const branch = walk.branch && walker.tree.nodes.has(walk.branch) ? walk.branch : undefined;
  const last = walk.path.at(-1)?.node ?? walker.tree.index.defaults.escalate;
  const { ticket, position, handoffContext } = await handoff.openTicket({
    fields: state.values as TicketFields,
    extras: state.extras,
    category: branch ?? 'other',
    categoryTitle: branch ? walker.node(branch).title : 'Other problem',
    priority: walker.priorityOf(branch),
    // Every walk of the conversation: what the user tried before starting over counts too.
    stepsTried: memory.stepsTried(record, walk),
    escalatedFrom: walk.path.at(-2)?.answer === ASKED_FOR_PERSON ? ASKED_FOR_PERSON : last,
    conversation: turn.link,
    userName: turn.userName,
    ...(turn.userKey ? { userKey: turn.userKey } : {}),
  });
  memory.noteFields(record, state.values);
  await recordOutcome(services, turn, walk, 'escalated', { ticketId: ticket.id });
  // The Bot Framework handoff event, so a channel or an agent hub that understands it can route the
  // conversation. Teams accepts no event activities from bots, so it only gets the messages.
  if (turn.channelId !== Channels.Msteams) await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContext));
  return { kind: 'submitted', ticketId: ticket.id, position, walk };
}
