import type { TicketFieldName } from './fields.js';

const ACCOUNT_LABEL: Record<string, string> = { 'work-or-school': 'Work or school', personal: 'Personal' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A stored timestamp as a person reads it, in the offset it was given in ("22 Nov 2026, 14:05 (UTC+01:00)"):
 * the ISO form ("2026-11-22T14:05:00+01:00") reads like a machine's, or like the current time.
 */
export function friendlyTimestamp(iso: string): string {
  const m = ISO_RE.exec(iso);
  if (!m) return iso;
  const [, y, mo, d, h, mi, zone] = m as unknown as [string, string, string, string, string, string, string];
  const month = MONTHS[Number(mo) - 1] ?? mo;
  const offset = zone === 'Z' || zone === '+00:00' ? 'UTC' : `UTC${zone}`;
  return `${Number(d)} ${month} ${y}, ${h}:${mi} (${offset})`;
}

/** A ticket field's value in words a user recognises as their own answer. */
export function displayField(name: TicketFieldName, value: string): string {
  if (name === 'timestamp') return friendlyTimestamp(value);
  if (name === 'accountType') return ACCOUNT_LABEL[value] ?? value;
  return value;
}
