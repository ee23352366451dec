import type { TurnContext } from 'botbuilder';
import type { Outcome, WalkState } from '../src/tree/types.js';
import type { DialogServices } from './services.js';

/** Records how a walk ended, once, with the conversation it belongs to. */
export async function recordOutcome(
  services: DialogServices,
  context: TurnContext,
  walk: WalkState,
  outcome: Outcome,
  extra: { ticketId?: string; rating?: number | null } = {},
): Promise<void> {
  const { activity } = context;
  await services.outcomes.record({
    conversationId: activity.conversation.id,
    channelId: activity.channelId,
    userId: activity.from?.id ?? 'unknown',
    startedAt: walk.startedAt,
    endedAt: services.clock().toISOString(),
    branch: walk.branch ?? null,
    path: walk.path,
    outcome,
    rating: extra.rating !== undefined ? extra.rating : (walk.rating ?? null),
    ...(extra.ticketId ? { ticketId: extra.ticketId } : {}),
  });
}
