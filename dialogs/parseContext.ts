import type { TurnInfo } from './contracts.js';
import type { ParseContext } from './services.js';

/** The ticket parsers' view of the user's clock: now, and the offset and zone the channel reported. */
export function parseContextOf(turn: TurnInfo, now: Date): ParseContext {
  const { offsetMinutes, timeZone } = turn.userClock;
  return {
    now,
    ...(offsetMinutes !== undefined ? { userOffsetMinutes: offsetMinutes } : {}),
    ...(timeZone ? { userTimeZone: timeZone } : {}),
  };
}
