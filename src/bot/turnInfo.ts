import { TurnContext, type Activity } from 'botbuilder';
import type { TurnInfo } from '../../dialogs/contracts.js';
import type { QueueSignal } from '../handoff/userChannel.js';

/**
 * The user's clock from what the channel stamped on the activity: Web Chat sends the browser's local time
 * with its offset, and its IANA zone. botbuilder turns localTimestamp into a Date (losing the offset) and keeps
 * the original string as rawLocalTimestamp.
 */
function userClockOf(activity: Partial<Activity>): TurnInfo['userClock'] {
  const { rawLocalTimestamp } = activity as { rawLocalTimestamp?: unknown };
  const raw =
    typeof rawLocalTimestamp === 'string'
      ? rawLocalTimestamp
      : typeof activity.localTimestamp === 'string'
        ? activity.localTimestamp
        : undefined;
  const offset = raw ? /(?:([+-])(\d{2}):?(\d{2})|Z)$/.exec(raw) : null;
  const zone = (activity as { localTimezone?: unknown }).localTimezone;
  return {
    ...(offset ? { offsetMinutes: offset[1] ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0 } : {}),
    ...(typeof zone === 'string' && zone ? { timeZone: zone } : {}),
  };
}

/**
 * The user as the channel vouches for them. Teams sends the AAD object id, the same in every chat; Direct Line
 * binds the user id to the conversation's token (Web Chat here makes a random one per browser tab). A typed
 * email is never used: on the public chat anyone can type anyone's.
 */
function userKeyOf(activity: Partial<Activity>): string | undefined {
  const aad = (activity.from as { aadObjectId?: unknown } | undefined)?.aadObjectId;
  if (typeof aad === 'string' && aad) return `aad:${aad.toLowerCase()}`;
  const id = activity.from?.id;
  return id && activity.channelId ? `${activity.channelId}:${id}` : undefined;
}

/** What the dialogs need to know about this turn, read once from the activity. */
export function turnInfoOf(context: TurnContext, signal?: QueueSignal): TurnInfo {
  const { activity } = context;
  const reference = TurnContext.getConversationReference(activity);
  return {
    conversationId: activity.conversation.id,
    channelId: activity.channelId,
    userId: activity.from?.id ?? 'unknown',
    ...(activity.from?.name ? { userName: activity.from.name } : {}),
    ...(userKeyOf(activity) ? { userKey: userKeyOf(activity) } : {}),
    // Plain JSON: the ticket keeps it, and proactive messages replay it as the channel gave it.
    link: {
      channelId: activity.channelId,
      serviceUrl: activity.serviceUrl,
      conversationId: activity.conversation.id,
      reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
    },
    userClock: userClockOf(activity),
    ...(signal ? { signal } : {}),
  };
}
