import type { TurnInfo } from './contracts.js';
import type { DialogServices, Outcome, WalkState } from './services.js';

/** Records how a walk ended, once, with the conversation it belongs to. */
export async function recordOutcome(
  services: DialogServices,
  turn: TurnInfo,
  walk: WalkState,
  outcome: Outcome,
  extra: { ticketId?: string; rating?: number | null } = {},
): Promise<void> {
  await services.outcomes.record({
    conversationId: turn.conversationId,
    channelId: turn.channelId,
    userId: turn.userId,
    startedAt: walk.startedAt,
    endedAt: services.clock().toISOString(),
    branch: walk.branch ?? null,
    path: walk.path,
    outcome,
    rating: extra.rating !== undefined ? extra.rating : (walk.rating ?? null),
    ...(extra.ticketId ? { ticketId: extra.ticketId } : {}),
  });
}
