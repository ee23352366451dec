import * as chrono from 'chrono-node';
import { z } from 'zod';
import type { FieldResult, ParseContext } from './fieldResult.js';

/** Final shape of a stored timestamp: ISO 8601 with an explicit offset (never a bare local time). */
export const timestampSchema = z.iso.datetime({ offset: true, local: false });

/** Wall-clock reading as the user typed it; `partial` strings carry this with no offset. */
interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
}

const FUTURE_TOLERANCE_MS = 2 * 60_000;
const PARTIAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?$/;
const EXAMPLES = '"today at 14:05 CET", "yesterday at 9am UTC", "2026-11-22 14:05 +01:00" or "10 minutes ago"';
const ZONE_HELP = 'an offset like +01:00 or UTC-5, a zone like CET or PST, or a place like Europe/Paris';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function wallToPartial(w: Wall): string {
  const base = `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}`;
  return w.ms ? `${base}.${pad(w.ms, 3)}` : base;
}

function partialToWall(partial: string): Wall | undefined {
  const m = PARTIAL_RE.exec(partial.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number, number];
  return { y, mo, d, h, mi, s, ms };
}

const wallAsUtcMs = (w: Wall) => Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s, w.ms);

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function instantToWall(ms: number, offsetMinutes: number): Wall {
  const t = new Date(ms + offsetMinutes * 60_000);
  return {
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    s: t.getUTCSeconds(),
    ms: t.getUTCMilliseconds(),
  };
}

/** Canonical IANA name for a zone ("europe/paris" or even "Paris"), or undefined. */
export function canonicalTimeZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (!/^[A-Za-z][A-Za-z0-9_/+ -]*$/.test(trimmed)) return undefined;
  try {
    if (trimmed.includes('/')) return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  // A bare city ("Paris", "new york") is what people actually say; match it against IANA's last segment.
  const city = trimmed.toLowerCase().replace(/\s+/g, '_');
  return Intl.supportedValuesOf('timeZone').find((tz) => tz.toLowerCase().split('/').pop() === city);
}

/** Offset (minutes east of UTC) that `timeZone` had at `instantMs`, DST included. */
function zoneOffsetAt(timeZone: string, instantMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(instantMs));
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(parts.find((p) => p.type === 'timeZoneName')?.value ?? '');
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** Offset for a wall-clock time in a zone; the second pass settles times near a DST switch. */
function zoneOffsetForWall(timeZone: string, w: Wall): number {
  const guess = zoneOffsetAt(timeZone, wallAsUtcMs(w));
  return zoneOffsetAt(timeZone, wallAsUtcMs(w) - guess * 60_000);
}

/** The user's own zone from the channel: a valid IANA name wins over a bare offset because it knows DST. */
function userZone(ctx: ParseContext): { tz?: string; offset?: number } {
  const tz = ctx.userTimeZone ? canonicalTimeZone(ctx.userTimeZone) : undefined;
  return { tz, offset: ctx.userOffsetMinutes };
}

function userOffsetAt(ctx: ParseContext, instantMs: number): number | undefined {
  const { tz, offset } = userZone(ctx);
  return tz ? zoneOffsetAt(tz, instantMs) : offset;
}

function finish(w: Wall, offsetMinutes: number, ctx: ParseContext): FieldResult {
  const instant = wallAsUtcMs(w) - offsetMinutes * 60_000;
  if (instant > ctx.now.getTime() + FUTURE_TOLERANCE_MS) {
    const nowOffset = userOffsetAt(ctx, ctx.now.getTime()) ?? offsetMinutes;
    const nowText = wallToPartial({ ...instantToWall(ctx.now.getTime(), nowOffset), s: 0, ms: 0 })
      .slice(0, 16)
      .replace('T', ' ');
    return {
      ok: false,
      reason: `That time is in the future (it's ${nowText} ${formatOffset(nowOffset)} now). When did the error happen? For example "10 minutes ago" or "today at 9:30 CET".`,
    };
  }
  const value = wallToPartial(w) + formatOffset(offsetMinutes);
  const checked = timestampSchema.safeParse(value);
  return checked.success ? { ok: true, value } : { ok: false, reason: `I couldn't read that as a date and time. Try ${EXAMPLES}.` };
}

function zoneQuestion(partial: string, ctx: ParseContext, lead = 'Which time zone was that in? For example +01:00 or CET.'): FieldResult {
  const w = partialToWall(partial);
  const { tz, offset } = userZone(ctx);
  let hint = '';
  if (tz && w) hint = ` (Your browser says ${tz}, UTC${formatOffset(zoneOffsetForWall(tz, w))}: answer 'yes' to use it.)`;
  else if (offset !== undefined) hint = ` (Your browser says UTC${formatOffset(offset)}: answer 'yes' to use it.)`;
  return { ok: false, needsTimeZone: true, partial, reason: `${lead}${hint}` };
}

// "2026-11-22 13:05:10Z" (the error page's own format) is only read whole by chrono's ISO parser once it has its "T".
function joinIsoDateAndTime(text: string): string {
  return text.replace(
    /(\d{4}-\d{2}-\d{2})\s+(\d{1,2})(:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})(?![\w:])/gi,
    (_m, date: string, h: string, rest: string, zone: string) => `${date}T${h.padStart(2, '0')}${rest}${zone.toUpperCase()}`,
  );
}

/** Reads a free-text time; see fields.ts for the forms accepted. */
export function parseTimestamp(text: string, ctx: ParseContext): FieldResult {
  let input = joinIsoDateAndTime(text.trim());
  // chrono knows abbreviations (CET, PST) but not IANA names, so those are lifted out and applied by hand.
  let namedZone: string | undefined;
  input = input.replace(/\b[A-Za-z]+(?:\/[A-Za-z0-9_+-]+){1,2}\b/, (m) => {
    namedZone = canonicalTimeZone(m);
    return namedZone ? ' ' : m;
  });
  // "today"/"yesterday" should mean the user's calendar day, so chrono's reference zone is theirs when known.
  const refOffset = userOffsetAt(ctx, ctx.now.getTime()) ?? 0;
  const result = chrono.parse(input, { instant: ctx.now, timezone: refOffset })[0];
  if (!result) return { ok: false, reason: `I couldn't read that as a date and time. Try ${EXAMPLES}.` };

  const c = result.start;
  const tags = c.tags();
  if (tags.has('result/relativeDateAndTime') || tags.has('casualReference/now')) {
    // "10 minutes ago" is an instant already; no zone question needed, only how to display it.
    const ms = Math.floor(c.date().getTime() / 1000) * 1000;
    const offset = userOffsetAt(ctx, ms) ?? 0;
    return finish(instantToWall(ms, offset), offset, ctx);
  }
  if (!c.isCertain('hour')) {
    return { ok: false, reason: `Please include the time of day too, for example ${EXAMPLES}.` };
  }
  const get = (k: chrono.Component) => c.get(k) ?? 0;
  const w: Wall = {
    y: get('year'),
    mo: get('month'),
    d: get('day'),
    h: get('hour'),
    mi: get('minute'),
    s: get('second'),
    ms: get('millisecond'),
  };
  if (namedZone) return finish(w, zoneOffsetForWall(namedZone, w), ctx);
  if (c.isCertain('timezoneOffset')) return finish(w, get('timezoneOffset'), ctx);
  // Guessing the zone would silently shift the time by hours, which ruins log correlation: ask instead.
  return zoneQuestion(wallToPartial(w), ctx);
}

const YES = new Set([
  'yes',
  'y',
  'yep',
  'yeah',
  'yup',
  'ok',
  'okay',
  'sure',
  'correct',
  'right',
  'mine',
  'my time',
  'my time zone',
  'my timezone',
  'local',
  'local time',
  'use it',
  'use mine',
  'that one',
]);

/** Minutes east of UTC for a zone answer at wall time `w`, or undefined if not understood. */
function zoneAnswerOffset(answer: string, w: Wall, ctx: ParseContext): number | undefined | 'no-user-zone' {
  const a = answer
    .trim()
    .replace(/[.!]+$/, '')
    .replace(/\s+(time|time ?zone)$/i, '')
    .trim();
  const lower = a.toLowerCase();
  if (YES.has(lower)) {
    const { tz, offset } = userZone(ctx);
    if (tz) return zoneOffsetForWall(tz, w);
    return offset ?? 'no-user-zone';
  }
  if (/^(utc|gmt|z|zulu)$/.test(lower)) return 0;
  const off = /^(?:utc|gmt)?\s*([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?$/i.exec(a);
  if (off) {
    const h = Number(off[2]);
    const m = Number(off[3] ?? 0);
    if (h > 14 || m > 59) return undefined;
    return (off[1] === '+' ? 1 : -1) * (h * 60 + m);
  }
  if (/^[A-Za-z]{2,5}$/.test(a)) {
    // Reuse chrono's abbreviation table (which knows CET/CEST, ET, etc. and their DST rules).
    const probe = chrono.parse(`${wallToPartial({ ...w, ms: 0 }).replace('T', ' ')} ${a.toUpperCase()}`, {
      instant: ctx.now,
      timezone: 0,
    })[0];
    if (probe?.start.isCertain('timezoneOffset')) return probe.start.get('timezoneOffset') ?? undefined;
  }
  const tz = canonicalTimeZone(a);
  return tz ? zoneOffsetForWall(tz, w) : undefined;
}

/** Second half of a timestamp whose zone was missing: `partial` is from a needsTimeZone result. */
export function applyZoneAnswer(partial: string, zoneAnswer: string, ctx: ParseContext): FieldResult {
  const w = partialToWall(partial);
  if (!w) return { ok: false, reason: `I lost track of the time you gave. When did the error happen? For example ${EXAMPLES}.` };
  const offset = zoneAnswerOffset(zoneAnswer, w, ctx);
  if (offset === 'no-user-zone') return zoneQuestion(partial, ctx, `I don't know your time zone, so please type it: ${ZONE_HELP}.`);
  if (offset === undefined)
    return zoneQuestion(partial, ctx, `I don't recognise "${zoneAnswer.trim()}" as a time zone. Please give ${ZONE_HELP}.`);
  return finish(w, offset, ctx);
}
