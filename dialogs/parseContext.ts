import type { Activity } from 'botbuilder';
import type { ParseContext } from '../src/tickets/fields.js';

/**
 * What the channel tells us about the user's clock: Web Chat stamps each activity with the browser's local
 * time (with its offset) and IANA zone, which lets "14:05 today" mean the user's 14:05.
 */
export function parseContextOf(activity: Partial<Activity>, now: Date): ParseContext {
  // botbuilder turns localTimestamp into a Date (losing the offset) and keeps the original as rawLocalTimestamp.
  const { rawLocalTimestamp } = activity as { rawLocalTimestamp?: unknown };
  const raw = typeof rawLocalTimestamp === 'string' ? rawLocalTimestamp : typeof activity.localTimestamp === 'string' ? activity.localTimestamp : undefined;
  const offset = raw ? /(?:([+-])(\d{2}):?(\d{2})|Z)$/.exec(raw) : null;
  const zone = (activity as { localTimezone?: unknown }).localTimezone;
  return {
    now,
    ...(offset ? { userOffsetMinutes: offset[1] ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0 } : {}),
    ...(typeof zone === 'string' && zone ? { userTimeZone: zone } : {}),
  };
}
