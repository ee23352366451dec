/**
 * Masks what a locked-out user pastes into the chat before it reaches the transcript store: phone numbers,
 * one-time codes, passwords and tokens. Admins still need the shapes that explain the problem (error codes,
 * correlation ids, timestamps, IPs, the user's sign-in name), so those are set aside first and put back last.
 *
 * Order matters and is the point of the three tables:
 *  1. EARLY masks run on the raw text: a JWT or bearer token is unambiguous, and taking it out first stops a
 *     date- or GUID-looking run inside it from being "protected" and leaking the rest of the token.
 *  2. PROTECTED shapes are swapped for placeholders so the digit-hungry masks below cannot eat them.
 *  3. MASKS run on what is left, most specific first: a password phrase before phones and codes (so "pin is
 *     482193" reads [secret]), phones (9+ digits) before codes (6-8 digits), long opaque strings last.
 * Placeholders are single private-use characters: not digits, letters or spaces, so no mask matches them
 * except the password rule, which should (a password that looks like an email is still a password).
 */

type Mask = {
  name: string;
  pattern: RegExp;
  mask: (match: string, ...groups: string[]) => string;
  /** Only applied when the whole original message passes this test. */
  when?: (original: string) => boolean;
};

const HOLD_BASE = 0xe000;
const HOLD_MAX = 0x1900; // size of the BMP private-use area
const HELD = /[\ue000-\uf8ff]/g;

// Boundaries shared by the digit rules: a number glued to letters, dashes, dots, slashes, colons or "@" is
// part of something else, never a code or phone on its own. This alone keeps AADSTS500121 (six digits),
// ticket MFA-234567, times like 14:05:33 and URL paths, so they need no PROTECTED entry.
const NUM_START = String.raw`(?<![\w\-./:@+\ue000-\uf8ff])`;
const NUM_END = String.raw`(?![\w\-/:@\ue000-\uf8ff]|[.,]\d)`;

// Microsoft app passwords: 16 lowercase letters, shown in four groups of four.
const APP_PASSWORD = String.raw`[a-z]{4}(?:[ -][a-z]{4}){3}|[a-z]{16}`;

/** Words after "password is" that describe the password instead of being it ("my password is not working"). */
const DESCRIPTIVE = new Set(
  (
    'not no wrong incorrect invalid expired correct right ok okay fine good bad working locked blocked disabled ' +
    'reset changed the a an my your still also same too being been required missing empty rejected accepted ' +
    'forgotten lost new old different weak strong set saved there here it that this in on for and but or so ' +
    'just now never always asked needed mentioned above below shown'
  ).split(' '),
);

const EARLY: Mask[] = [
  // Three base64url parts starting with the encoded '{"': an ID or access token is a live credential.
  { name: 'jwt', pattern: /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, mask: () => '[token]' },
  // "Bearer <value>" pasted from a browser's network tab; the value needs a digit or length so that the
  // phrase "the bearer token expired" keeps its words.
  {
    name: 'bearer',
    pattern: /\bBearer\s+([\w\-.~+/]+=*)/gi,
    mask: (m, value = '') => (/\d/.test(value) || value.length >= 16 ? 'Bearer [token]' : m),
  },
];

const PROTECTED: Array<{ name: string; pattern: RegExp }> = [
  // The sign-in name is how admins find the user: digits or a long hex local part in it are not codes or tokens.
  { name: 'email', pattern: /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g },
  // Correlation and request ids from the error page: the help desk looks them up in the sign-in logs.
  { name: 'guid', pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi },
  // Sign-in log IP: next to another number ("203.0.113.7 482193") the phone rule would swallow both. No leading
  // zeros and not inside a longer dotted run, or 06.12.34.56.78 (a French phone number) would pass for one.
  {
    name: 'ipv4',
    pattern: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)/g,
  },
  // Dates from the error page: beside a number ("2026-11-22 482193") the phone rule would read one long number.
  // ISO first so the time part stays attached to its date.
  {
    name: 'iso-date',
    pattern: /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w-])/g,
  },
  // Not part of a longer dotted run: 06.12.34.56.78 is a French phone number, 16.0.1234.5678 a version.
  {
    name: 'date',
    pattern: /(?<![\w./])(?:\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})|\d{4}\/\d{1,2}\/\d{1,2})(?!\w|[./]\d)/g,
  },
  // "error code 700016", "Error: 500121": the number after the word error is what support searches for.
  { name: 'error-code', pattern: /\berror(?:\s+code)?\s*(?:[:#=]|\s+is)?\s*(?:0x[0-9a-f]+|\d+)\b/gi },
];

const MASKS: Mask[] = [
  // A value right after a password word and "is", ":", "=" or " - ". Only the value goes: the phrase stays
  // so admins see a password was shared. Whole app-password groups and quoted values count as one value.
  {
    name: 'password-phrase',
    pattern: new RegExp(
      String.raw`(\b(?:app[ -]?password|password|passwd|passphrase|pass[ -]?code|pin(?:[ -]?code)?|pwd|pw)\b` +
        String.raw`(?:\s+(?:for|on|of)\s+(?:\S+\s+){0,2}?\S+)?` +
        String.raw`(?:\s*[:=]|\s+(?:is|was)(?:\s*:)?|\s+-)\s*)` +
        String.raw`(${APP_PASSWORD}|"[^"\n]*"|'[^'\n]*'|\S+)`,
      'gi',
    ),
    mask: (m, phrase = '', value = '') => (DESCRIPTIVE.has(value.toLowerCase().replace(/[.,!?;]+$/, '')) ? m : `${phrase}[secret]`),
  },
  // Phones: an optional +country code and (area) then digit groups; decided by digit count in mask() because
  // one regex cannot count digits across separators. 9-15 digits (E.164 max), 7+ with "+" or "(...)", or
  // the local 555-0100 shape; anything shorter is left for the code rule.
  {
    name: 'phone',
    pattern: new RegExp(NUM_START + String.raw`(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,5}(?:[ .-]?\d{1,5}){0,5}` + NUM_END, 'g'),
    mask: (m) => {
      // Dots alone usually separate version numbers (Authenticator 6.2408.5678, build 10.0.19045.3693);
      // only the US 425.555.0100 and French 06.12.34.56.78 shapes are dotted phone numbers.
      if (/^[\d.]+$/.test(m) && m.includes('.')) return /^(?:\d{3}\.\d{3}\.\d{4}|\d{2}(?:\.\d{2}){4})$/.test(m) ? '[phone]' : m;
      const digits = m.replace(/\D/g, '').length;
      const marked = m.startsWith('+') || m.includes('(');
      const isPhone = digits <= 15 && (digits >= 9 || (marked && digits >= 7) || /^\d{3}[-.]\d{4}$/.test(m));
      return isPhone ? '[phone]' : m;
    },
  },
  // One-time codes: 6-8 digits alone or in halves as authenticator apps show them ("123 456", "4821 9077").
  // Four-four only with a space: "2025-2026" is a span of years.
  {
    name: 'code',
    pattern: new RegExp(NUM_START + String.raw`(?:\d{6,8}|\d{3}[ -]\d{3}|\d{4} \d{4})` + NUM_END, 'g'),
    mask: () => '[code]',
  },
  // Session cookies, refresh tokens, client secrets, API keys: 32+ base64/hex characters with a digit in them.
  // Letter-only runs are long words or kebab-case names, not secrets. GUIDs were set aside above.
  {
    name: 'opaque',
    pattern: /(?<![\w+/-])[A-Za-z0-9+/_-]{32,}={0,2}(?![\w+/=-])/g, // "=" only as padding, so key=value keeps its key
    mask: (m) => (/\d/.test(m) ? '[token]' : m),
  },
  // A bare app password: only when the message talks about passwords, since four 4-letter words in a row
  // ("this code does work") are ordinary English otherwise. Lowercase only, as Microsoft shows them.
  {
    name: 'app-password',
    pattern: new RegExp(String.raw`(?<![\w-])(?:${APP_PASSWORD})(?![\w-])`, 'g'),
    mask: () => '[secret]',
    when: (original) => /pass\s?(?:word|wd|code)|\bpwd\b/i.test(original),
  },
];

function apply(text: string, rules: Mask[], original: string): string {
  let out = text;
  for (const rule of rules) {
    if (rule.when && !rule.when(original)) continue;
    out = out.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      // replace() passes the capture groups, then the offset (a number), then the whole string.
      const groups = rest
        .slice(
          0,
          rest.findIndex((arg) => typeof arg === 'number'),
        )
        .map((g) => (typeof g === 'string' ? g : ''));
      return rule.mask(match, ...groups);
    });
  }
  return out;
}

export function redact(text: string): string {
  // A user-typed private-use character would be mistaken for a placeholder on the way back; none are letters
  // anyone needs to read, so they become U+FFFD.
  let out = apply(text.replace(HELD, '\ufffd'), EARLY, text);
  const held: string[] = [];
  for (const { pattern } of PROTECTED) {
    out = out.replace(pattern, (match) => {
      if (held.length >= HOLD_MAX) return match;
      held.push(match);
      return String.fromCharCode(HOLD_BASE + held.length - 1);
    });
  }
  out = apply(out, MASKS, text);
  return out.replace(HELD, (c) => held[c.charCodeAt(0) - HOLD_BASE] ?? c);
}

export function redactEntryText(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redact(text);
}
