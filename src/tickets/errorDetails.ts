import { completeTimestamp, parseField, type ParseContext, type TicketFieldName } from './fields.js';

export interface ErrorDetails {
  /** Validated, normalised ticket fields found in the block. */
  found: Partial<Record<TicketFieldName, string>>;
  /** Other labelled values (appName, appId, ipAddress, requestId, ...), trimmed, camelCase keys. */
  extras: Record<string, string>;
  /** One user-facing line per value that was present but invalid (and so left out of `found`). */
  problems: string[];
}

type Target = TicketFieldName | 'requestId' | 'extra' | 'ignore';

/** Known labels; a lower rank wins when two labels feed the same field. */
const LABELS: { label: string; target: Target; rank?: number }[] = [
  { label: 'error code', target: 'errorCode' },
  // The newer sign-in page labels the sign-in's session identifier "Request Id"; it becomes sessionId unless the
  // block also has an explicit Session Id, and is kept in extras.requestId either way.
  { label: 'request id', target: 'requestId' },
  { label: 'session id', target: 'sessionId' },
  { label: 'correlation id', target: 'correlationId' },
  { label: 'timestamp', target: 'timestamp' },
  { label: 'message', target: 'errorMessage' },
  { label: 'error message', target: 'errorMessage' },
  { label: 'error description', target: 'errorMessage', rank: 1 },
  { label: 'error', target: 'errorMessage', rank: 2 }, // also found in prose ("I got this error:"), so it loses to Message
  { label: 'user id', target: 'userId' },
  { label: 'user', target: 'userId', rank: 1 },
  { label: 'username', target: 'userId', rank: 1 },
  { label: 'user name', target: 'userId', rank: 1 },
  { label: 'sign-in name', target: 'userId' },
  { label: 'user principal name', target: 'userId' },
  { label: 'upn', target: 'userId' },
  { label: 'page url', target: 'pageUrl' },
  { label: 'url', target: 'pageUrl', rank: 1 },
  { label: 'account type', target: 'accountType' },
  ...['app name', 'app id', 'ip address', 'device identifier', 'device platform', 'device state', 'trace id', 'tenant id'].map((label) => ({
    label,
    target: 'extra' as const,
  })),
  // A toggle on the page, not data about the sign-in.
  { label: 'flag sign-in errors for review', target: 'ignore' },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const labelSource = LABELS.map((l) => l.label)
  .sort((a, b) => b.length - a.length) // longest first so "Error Code" beats "Error"
  .map((l) => escape(l).replace(/ /g, '[ \\t]+').replace(/-/g, '[- ]?'))
  .join('|');
const LINE_RE = new RegExp(`^[ \\t]*(?:[-*\\u2022][ \\t]*)?(${labelSource})[ \\t]*(?::|\\t)[ \\t]*(.*)$`, 'i');
// The chat box may flatten a pasted block into one line, so labels are also looked for mid-line.
const INLINE_RE = new RegExp(`(?<![A-Za-z])(${labelSource})[ \\t]*:`, 'gi');
const GENERIC_LINE_RE = /^[ \t]*([A-Za-z][A-Za-z0-9 -]{0,30}?)[ \t]*(?::|\t)[ \t]*(\S.*)$/;

const labelKey = (raw: string) =>
  raw
    .toLowerCase()
    .replace(/[\s-]+/g, ' ')
    .trim();
const byKey = new Map(LABELS.map((l) => [labelKey(l.label), l]));
const lookup = (raw: string) => byKey.get(labelKey(raw)) ?? byKey.get(labelKey(raw).replace('signin', 'sign in'));

export const camelCase = (label: string) =>
  label
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w, i) => (i ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('');

interface Pair {
  label: string;
  value: string;
}

function linePairs(lines: string[]): { pairs: Pair[]; generic: Pair[] } {
  const pairs: Pair[] = [];
  const generic: Pair[] = [];
  let first = -1;
  let last = -1;
  for (let i = 0; i < lines.length; i++) {
    const m = LINE_RE.exec(lines[i]!);
    if (!m) continue;
    let value = m[2]!.trim();
    // Copied from a two-column table, the value can land on the next line.
    const next = lines[i + 1];
    if (!value && next !== undefined && next.trim() && !LINE_RE.test(next)) value = next.trim();
    pairs.push({ label: m[1]!, value });
    if (first < 0) first = i;
    last = i;
  }
  // Unknown "Label: value" lines count only inside the block, so a chatty "Note: ..." around it is not swept in.
  for (let i = first + 1; i < last; i++) {
    const line = lines[i]!;
    const g = GENERIC_LINE_RE.exec(line);
    if (g && !LINE_RE.test(line)) generic.push({ label: g[1]!, value: g[2]!.trim() });
  }
  return { pairs, generic };
}

const SINGLE_TOKEN: ReadonlySet<Target> = new Set(['errorCode', 'requestId', 'sessionId', 'correlationId', 'pageUrl', 'userId']);

function inlinePairs(text: string): Pair[] {
  const hits = [...text.matchAll(INLINE_RE)];
  return hits.map((m, i) => {
    const start = m.index + m[0].length;
    const end = hits[i + 1]?.index ?? text.length;
    let value = text.slice(start, end).trim();
    // Prose after a flattened block's last value would otherwise stick to it; these values never contain spaces.
    if (SINGLE_TOKEN.has(lookup(m[1]!)?.target ?? 'ignore')) value = value.split(/\s+/)[0] ?? '';
    return { label: m[1]!, value };
  });
}

/**
 * Reads the sign-in error page's "View details" block, even when pasted amid other text or flattened onto one
 * line. Returns undefined unless at least two known `Label: value` pairs are present.
 */
export function parseErrorDetails(text: string, ctx: ParseContext): ErrorDetails | undefined {
  const lines = text.split(/\r?\n/);
  const byLine = linePairs(lines);
  const pairs = byLine.pairs.length >= 2 ? byLine.pairs : inlinePairs(text);
  if (pairs.length < 2) return undefined;

  const found: ErrorDetails['found'] = {};
  const extras: Record<string, string> = {};
  const problems: string[] = [];
  const rankOf: Partial<Record<TicketFieldName, number>> = {};
  let requestId: string | undefined;

  const accept = (field: TicketFieldName, label: string, value: string, rank: number) => {
    if (!value || (rankOf[field] ?? Infinity) <= rank) return;
    let result = parseField(field, value, ctx);
    // The page prints its timestamps in UTC, so a zone-less one from the block is UTC, not a guess.
    if (!result.ok && 'needsTimeZone' in result) result = completeTimestamp(result.partial, 'UTC', ctx);
    if (result.ok && 'value' in result) {
      found[field] = result.value;
      rankOf[field] = rank;
    } else if (!result.ok) {
      problems.push(`${label.trim()} "${value}" was left out: ${result.reason}`);
    }
  };

  for (const { label, value } of pairs) {
    const known = lookup(label);
    if (!known || known.target === 'ignore') continue;
    if (known.target === 'extra') extras[camelCase(known.label)] ??= value;
    else if (known.target === 'requestId') requestId ??= value;
    else accept(known.target, label, value, known.rank ?? 0);
  }
  if (requestId) {
    const asId = parseField('sessionId', requestId, ctx);
    extras.requestId = asId.ok && 'value' in asId ? asId.value : requestId;
    if (!pairs.some((p) => lookup(p.label)?.target === 'sessionId')) accept('sessionId', 'Request Id', requestId, 0);
  }
  for (const { label, value } of byLine.pairs.length >= 2 ? byLine.generic : []) extras[camelCase(label)] ??= value;

  // The message nearly always carries the code ("AADSTS50076: ..."), which helps when the Error Code line is missing.
  const code = found.errorMessage?.match(/AADSTS\d{4,}/i)?.[0];
  if (!found.errorCode && code) found.errorCode = code.toUpperCase();
  return { found, extras, problems };
}
