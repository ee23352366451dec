/** What parsing one ticket answer gives, and what it needs to know about the user's clock. */

export type FieldResult =
  | { ok: true; value: string }
  | { ok: true; skipped: true }
  | { ok: false; reason: string }
  /** An absolute time with no zone: ask `reason`, then call completeTimestamp(partial, answer, ctx). */
  | { ok: false; needsTimeZone: true; reason: string; partial: string };

export interface ParseContext {
  now: Date;
  /** The user's UTC offset in minutes EAST of UTC (+60 for CET; the opposite sign of Date#getTimezoneOffset), if the channel sent it. */
  userOffsetMinutes?: number;
  /** IANA zone from the channel (Web Chat's localTimezone), e.g. "Europe/Paris"; preferred over the offset since it knows DST. */
  userTimeZone?: string;
}
