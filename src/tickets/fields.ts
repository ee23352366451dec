import { redact } from '../privacy/redact.js';
import { z } from 'zod';
import type { FieldResult, ParseContext } from './fieldResult.js';
import { applyZoneAnswer, parseTimestamp, timestampSchema } from './timestamp.js';

export type { FieldResult, ParseContext };

export type TicketFieldName =
  'userId' | 'errorMessage' | 'pageUrl' | 'errorCode' | 'sessionId' | 'correlationId' | 'timestamp' | 'accountType';

export interface FieldSpec {
  name: TicketFieldName;
  label: string;
  required: boolean;
  /** The question the dialog asks. */
  prompt: string;
  /** Where the user finds the value; most are on the sign-in error page under "View details". */
  whereToFind: string;
  /** Shown in re-prompts. */
  example: string;
}

const DETAILS = 'On the sign-in error page, select "View details" (or "Troubleshooting details")';

export const TICKET_FIELDS: readonly FieldSpec[] = [
  {
    name: 'userId',
    label: 'User ID',
    required: true,
    prompt: "What's the email address or sign-in name you use for your work or school account?",
    whereToFind: "It's the name you type on the Microsoft sign-in page, usually your work or school email address.",
    example: 'alex@contoso.com',
  },
  {
    name: 'errorMessage',
    label: 'Error message',
    required: true,
    prompt: "What does the error message say, exactly? If you didn't get one, describe what happened.",
    whereToFind: 'The text on the sign-in error page, under the heading. You can copy and paste it.',
    example: '"AADSTS50076: You must use multi-factor authentication to access this resource" or "The text with my code never arrives"',
  },
  {
    name: 'pageUrl',
    label: 'Page address',
    required: false,
    prompt: "What's the address (URL) of the page showing the error? You can say skip.",
    whereToFind: "Your browser's address bar while the error page is open; it often starts with login.microsoftonline.com.",
    example: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  },
  {
    name: 'errorCode',
    label: 'Error code',
    required: false,
    prompt: 'What\'s the error code? You can also paste everything under "View details" at once, or say skip.',
    whereToFind: `${DETAILS}: it's the "Error Code" line. It also appears in the message as AADSTS followed by a number.`,
    example: 'AADSTS50076',
  },
  {
    name: 'sessionId',
    label: 'Session ID',
    required: false,
    prompt: "What's the Request Id (older pages call it Session Id)? You can say skip.",
    whereToFind: `${DETAILS}: it's the "Request Id" line (or "Session Id").`,
    example: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  },
  {
    name: 'correlationId',
    label: 'Correlation ID',
    required: false,
    prompt: "What's the Correlation Id? You can say skip.",
    whereToFind: `${DETAILS}: it's the "Correlation Id" line.`,
    example: '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d',
  },
  {
    name: 'timestamp',
    label: 'Time of the error',
    required: false,
    prompt: 'When did the error happen? Please include your time zone, or copy the Timestamp line. You can say skip.',
    whereToFind: `${DETAILS}: it's the "Timestamp" line (in UTC). Otherwise, roughly when you saw the error.`,
    example: 'today at 14:05 CET',
  },
  {
    name: 'accountType',
    label: 'Account type',
    required: false,
    prompt: 'Is it a work or school account, or a personal Microsoft account?',
    whereToFind:
      'A work or school account is given to you by your organisation (you@yourcompany.com); a personal one you created yourself, such as an outlook.com or hotmail.com address.',
    example: 'work or school',
  },
];

const spec = (name: TicketFieldName): FieldSpec => TICKET_FIELDS.find((f) => f.name === name)!;
const ex = (name: TicketFieldName) => spec(name).example;

const SKIP_RE =
  /^(?:skip(?: it| this)?|pass|dunno|idk|n\/?a|none|nothing|no idea|no clue|not sure|i'?m not sure|unknown|not applicable|-+|(?:i )?(?:don'?t|do not) (?:know|have (?:it|one|that))|(?:i )?(?:can'?t|cannot) find (?:it|one))$/;

/** True for answers meaning "I don't have this" (optional fields take it as skipped). */
export function isSkipAnswer(text: string): boolean {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ');
  return SKIP_RE.test(t.replace(/(?<=\w)[.!?]+$/, ''));
}

const GUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const guidReason = (name: 'sessionId' | 'correlationId') =>
  `That doesn't look like a ${spec(name).label}. It's 32 letters and digits in five groups separated by dashes, for example ${ex(name)}.`;
const guidSchema = (name: 'sessionId' | 'correlationId') => z.guid({ error: guidReason(name) }).transform((g) => g.toLowerCase());

const words = (s: string) => s.match(/[\p{L}\p{N}]+/gu) ?? [];
const VAGUE = new Set([
  'help',
  'help me',
  'please help',
  'error',
  'an error',
  'i got an error',
  'problem',
  'issue',
  'mfa',
  'mfa error',
  'login error',
  'sign in error',
  'it doesnt work',
  'it does not work',
  'doesnt work',
  'not working',
  'its not working',
  'it is not working',
  'broken',
  'its broken',
  'same',
  'same as before',
  'see above',
  'cant sign in',
  'cant log in',
  'i cant sign in',
  'i cant log in',
]);
const normaliseForVague = (s: string) => words(s.toLowerCase().replace(/['\u2019]/g, '')).join(' ');

const notSignInName = `That doesn't look like a sign-in name. It's usually your work email address, for example ${ex('userId')}.`;

/** Final validation and normalisation of each field's (pre-cleaned) answer; `message`s are user-facing reasons. */
export const FIELD_SCHEMAS = {
  userId: z
    .string()
    .max(254, { error: notSignInName })
    .pipe(z.email({ error: notSignInName }))
    .transform((s) => s.toLowerCase()),
  errorMessage: z
    .string()
    .max(2000, { error: 'That message is too long (over 2,000 characters). Please paste just the error text and a short description.' })
    .refine((s) => s.length >= 8 && (words(s).length >= 3 || /AADSTS\d{4,}/i.test(s)), {
      error: `Please tell me a bit more: the exact error message, or a sentence about what happened, for example ${ex('errorMessage')}.`,
    })
    .refine((s) => !VAGUE.has(normaliseForVague(s)), {
      error: `I need something more specific to pass on: the exact error message, or what you see when you try to sign in, for example ${ex('errorMessage')}.`,
    }),
  pageUrl: z
    .string()
    .max(2048)
    .pipe(
      z.url({
        protocol: /^https?$/,
        hostname: z.regexes.domain,
        error: `That doesn't look like a web address. Copy it from your browser's address bar, for example ${ex('pageUrl')}.`,
      }),
    )
    .transform((u) => new URL(u).href),
  errorCode: z.string().regex(/^(?:AADSTS\d{2,8}|\d{3,10}|0x[0-9A-F]{1,8}|CAA[0-9A-F]{5})$/, {
    error: `That doesn't look like an error code. It's usually AADSTS followed by a number, for example ${ex('errorCode')} (or just 50076), or a code like 0x80070005.`,
  }),
  sessionId: guidSchema('sessionId'),
  correlationId: guidSchema('correlationId'),
  timestamp: timestampSchema,
  accountType: z.enum(['work-or-school', 'personal'], {
    error:
      "Is it a work or school account (given to you by your organisation, like alex@contoso.com) or a personal Microsoft account (like an outlook.com or hotmail.com address)? Please answer 'work or school' or 'personal'.",
  }),
} satisfies Record<TicketFieldName, z.ZodType<string, string>>;

const unquote = (s: string) =>
  s
    .trim()
    .replace(/^["'`<({[]+|["'`>)}\].,;]+$/g, '')
    .trim();
// A message's own punctuation matters (it is searched for verbatim), so only a matching pair of quotes goes.
const stripQuotePair = (s: string) =>
  s
    .trim()
    .replace(/^(["'`\u201c])([\s\S]*)(["'`\u201d])$/, (m, a: string, body: string, b: string) =>
      a === b || (a === '\u201c' && b === '\u201d') ? body.trim() : m,
    );

function prepareUserId(s: string): string {
  // "my email is alex@contoso.com" is a common answer; take the one address in it.
  const emails = s.replace(/^mailto:/i, '').match(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g) ?? [];
  return emails.length === 1 ? emails[0].replace(/\.+$/, '') : s;
}

function prepareErrorCode(s: string): string {
  const aadsts = [...new Set([...s.matchAll(/AADSTS\s*[:#-]?\s*(\d+)/gi)].map((m) => m[1]))];
  if (aadsts.length === 1) return `AADSTS${aadsts[0]}`; // also picks the code out of a pasted whole message
  const bare = unquote(s)
    .replace(/^(?:error\s*code|error|code)\s*[:#]?\s*/i, '')
    .replace(/^#/, '')
    .replace(/\s+/g, '');
  return /^0x/i.test(bare) ? `0x${bare.slice(2).toUpperCase()}` : bare.toUpperCase();
}

function prepareGuid(s: string): string {
  const t = unquote(s).replace(/^\{|\}$/g, '');
  if (/^[0-9a-f]{32}$/i.test(t)) return t.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  const found = [...new Set((s.match(GUID_RE) ?? []).map((g) => g.toLowerCase()))];
  // A labelled answer ("Correlation Id: ...") holds one GUID; several means a pasted block, which is not ours to guess.
  return found.length === 1 ? found[0]! : t;
}

const WORK_RE =
  /\b(?:work|school|office ?365|o365|microsoft ?365|m365|company|business|corporate|organi[sz]ation(?:al)?|employer|job|university|college|enterprise|entra|azure ad|edu|student|staff)\b/;
const PERSONAL_RE =
  /(?:\b(?:personal|private|home|hotmail|msn|my own|consumer|family|xbox|skype|microsoft account|gmail|yahoo)\b|outlook\.com|live\.com)/;

function prepareAccountType(s: string): string {
  const t = s.toLowerCase();
  const work = WORK_RE.test(t);
  const personal = PERSONAL_RE.test(t);
  // Both or neither is ambiguous; the enum rejects the raw text and the reason asks again.
  return work === personal ? t : work ? 'work-or-school' : 'personal';
}

const PREPARE: Record<Exclude<TicketFieldName, 'timestamp'>, (s: string) => string> = {
  userId: (s) => prepareUserId(unquote(s)),
  // Redacted as soon as it is accepted: the review card then shows what the help desk will get, and the raw
  // code or number never sits in the conversation's state either.
  errorMessage: (s) => redact(stripQuotePair(s.replace(/\s+/g, ' '))),
  pageUrl: (s) => {
    const u = unquote(s);
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : `https://${u}`;
  },
  errorCode: prepareErrorCode,
  sessionId: prepareGuid,
  correlationId: prepareGuid,
  accountType: prepareAccountType,
};

const REQUIRED_REASONS: Partial<Record<TicketFieldName, string>> = {
  userId: `I need your sign-in name so the support team can find your account, so this one can't be skipped. It's usually your work email address, for example ${ex('userId')}.`,
  errorMessage: `The support team needs to know what went wrong, so this one can't be skipped. If there was no message, describe what happened instead, for example ${ex('errorMessage')}.`,
};

/** Validates and normalises one answer; a failed result's `reason` is ready to show the user. */
export function parseField(name: TicketFieldName, text: string, ctx: ParseContext): FieldResult {
  const f = spec(name);
  const input = (text ?? '').trim();
  if (!input) {
    return { ok: false, reason: f.required ? REQUIRED_REASONS[name]! : `Please type your answer (for example ${f.example}), or say skip.` };
  }
  if (isSkipAnswer(input)) return f.required ? { ok: false, reason: REQUIRED_REASONS[name]! } : { ok: true, skipped: true };
  if (name === 'timestamp') return parseTimestamp(input, ctx);
  const parsed = FIELD_SCHEMAS[name].safeParse(PREPARE[name](input));
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, reason: parsed.error.issues[0]?.message ?? `That doesn't look right. For example: ${f.example}.` };
}

/**
 * Finishes a timestamp after a needsTimeZone result. Accepts "+01:00", "UTC+1", "CET", "Europe/Paris", "Paris",
 * or "yes"/"mine" for the channel's zone; a skip answer drops the timestamp (it is optional) rather than guessing.
 */
export function completeTimestamp(partial: string, zoneAnswer: string, ctx: ParseContext): FieldResult {
  if (isSkipAnswer(zoneAnswer)) return { ok: true, skipped: true };
  return applyZoneAnswer(partial, zoneAnswer, ctx);
}
