import { describe, expect, it } from 'vitest';
import { parseErrorDetails } from '../src/tickets/errorDetails.js';
import {
  completeTimestamp,
  isSkipAnswer,
  parseField,
  TICKET_FIELDS,
  type FieldResult,
  type ParseContext,
  type TicketFieldName,
} from '../src/tickets/fields.js';

// 23:30 in Paris on 22 Nov 2026, so "today" is the 22nd for the user and for UTC alike.
const now = new Date('2026-11-22T22:30:00Z');
const ctx: ParseContext = { now, userOffsetMinutes: 60, userTimeZone: 'Europe/Paris' };
const offsetOnly: ParseContext = { now, userOffsetMinutes: 60 };
const noZone: ParseContext = { now };

type Good = [TicketFieldName, string, string];
type Bad = [TicketFieldName, string, RegExp, string];
const value = (r: FieldResult) => (r.ok && 'value' in r ? r.value : `not a value: ${JSON.stringify(r)}`);
const reason = (r: FieldResult) => (!r.ok ? r.reason : `no reason: ${JSON.stringify(r)}`);

describe('TICKET_FIELDS', () => {
  it('lists every field once, in asking order, with only userId and errorMessage required', () => {
    expect(TICKET_FIELDS.map((f) => f.name)).toEqual([
      'userId',
      'errorMessage',
      'pageUrl',
      'errorCode',
      'sessionId',
      'correlationId',
      'timestamp',
      'accountType',
    ]);
    expect(TICKET_FIELDS.filter((f) => f.required).map((f) => f.name)).toEqual(['userId', 'errorMessage']);
  });

  it.each(TICKET_FIELDS.map((f) => [f.name, f] as const))('%s has texts and an example that is itself accepted', (_n, f) => {
    for (const text of [f.label, f.prompt, f.whereToFind, f.example]) expect(text.trim().length).toBeGreaterThan(1);
    expect(parseField(f.name, f.example, ctx)).toMatchObject({ ok: true });
  });
});

describe('parseField: good answers are normalised', () => {
  it.each<Good>([
    ['userId', '  Alex@Contoso.COM ', 'alex@contoso.com'],
    ['userId', 'my email is Bob.Smith@Fabrikam.onmicrosoft.com.', 'bob.smith@fabrikam.onmicrosoft.com'],
    ['errorMessage', "  We couldn't   verify your identity  ", "We couldn't verify your identity"],
    ['errorMessage', 'AADSTS50076', 'AADSTS50076'],
    ['errorMessage', '"Your sign-in was blocked."', 'Your sign-in was blocked.'],
    // Redacted on the way in: what the review card shows is what the help desk gets.
    [
      'errorMessage',
      'I typed the code 482193 and my number +1 425 555 0100, both refused',
      'I typed the code [code] and my number [phone], both refused',
    ],
    ['pageUrl', 'login.microsoftonline.com/common/oauth2', 'https://login.microsoftonline.com/common/oauth2'],
    ['pageUrl', 'https://login.microsoftonline.com/common/login?x=1', 'https://login.microsoftonline.com/common/login?x=1'],
    ['pageUrl', 'http://mysignins.microsoft.com/', 'http://mysignins.microsoft.com/'],
    ['errorCode', 'AADSTS50076', 'AADSTS50076'],
    ['errorCode', 'aadsts 50076', 'AADSTS50076'],
    ['errorCode', 'Error code: AADSTS500121', 'AADSTS500121'],
    ['errorCode', '50076', '50076'],
    ['errorCode', '0x80070005', '0x80070005'],
    ['errorCode', '0x8007000e', '0x8007000E'],
    ['errorCode', 'AADSTS50076: Due to a configuration change...', 'AADSTS50076'],
    ['sessionId', '3fa85f64-5717-4562-b3fc-2c963f66afa6', '3fa85f64-5717-4562-b3fc-2c963f66afa6'],
    ['sessionId', '{3FA85F64-5717-4562-B3FC-2C963F66AFA6}', '3fa85f64-5717-4562-b3fc-2c963f66afa6'],
    ['correlationId', 'Correlation ID: 9C3E2B1A-4D5F-4A6B-8C7D-1E2F3A4B5C6D', '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d'],
    ['correlationId', '9c3e2b1a4d5f4a6b8c7d1e2f3a4b5c6d', '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d'],
    ...['Work', 'my school account', 'Office 365', 'company'].map((a): Good => ['accountType', a, 'work-or-school']),
    ...['personal', 'it is an outlook.com address', 'Hotmail', 'home'].map((a): Good => ['accountType', a, 'personal']),
  ])('%s %j -> %j', (name, input, expected) => {
    expect(value(parseField(name, input, ctx))).toBe(expected);
  });
});

describe('parseField: bad answers get a reason with an example', () => {
  it.each<Bad>([
    ...['john', 'CONTOSO\\alex', 'alex@contoso'].map((a): Bad => ['userId', a, /doesn't look like a sign-in name/, 'alex@contoso.com']),
    ['errorMessage', 'help', /a bit more/, 'AADSTS50076'],
    ['errorMessage', 'it broke', /a bit more/, 'AADSTS50076'],
    ['errorMessage', "I can't sign in", /more specific/, 'AADSTS50076'],
    ['errorMessage', 'x '.repeat(1001), /too long/, '2,000'],
    ['pageUrl', 'not a url', /doesn't look like a web address/, 'https://login.microsoftonline.com/'],
    ['pageUrl', 'ftp://files.contoso.com/x', /web address/, 'https://'],
    ['pageUrl', 'localhost:3000', /web address/, 'https://'],
    ['errorCode', 'hello', /doesn't look like an error code/, 'AADSTS50076'],
    ['errorCode', 'AADSTS', /error code/, 'AADSTS50076'],
    ['sessionId', '123', /doesn't look like a Session ID/, '3fa85f64-5717-4562-b3fc-2c963f66afa6'],
    ['correlationId', '9c3e2b1a-4d5f-4a6b-8c7d', /Correlation ID/, '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d'],
    ['correlationId', 'zzzzzzzz-4d5f-4a6b-8c7d-1e2f3a4b5c6d', /Correlation ID/, '9c3e2b1a-'],
    ['accountType', 'banana', /work or school account/, 'outlook.com'],
    ['accountType', 'my personal work account', /work or school account/, 'outlook.com'],
  ])('%s %j', (name, input, what, example) => {
    const r = parseField(name, input, ctx);
    expect(r.ok).toBe(false);
    expect(reason(r)).toMatch(what);
    expect(reason(r)).toContain(example);
  });
});

describe('skip answers', () => {
  const skips = ['skip', 'I don\u2019t know', "don't know", 'dunno', 'N/A', 'none', 'No idea.', 'not sure', '-', 'idk'];
  const optional = TICKET_FIELDS.filter((f) => !f.required).map((f) => f.name);

  it.each(skips)('optional fields take %j as skipped', (s) => {
    for (const name of optional) expect(parseField(name, s, ctx)).toEqual({ ok: true, skipped: true });
  });
  it.each(skips)('required fields refuse %j and say why', (s) => {
    expect(reason(parseField('userId', s, ctx))).toMatch(/can't be skipped.*alex@contoso\.com/);
    expect(reason(parseField('errorMessage', s, ctx))).toMatch(/can't be skipped.*describe what happened/);
  });
  it('does not take real answers for skips', () => {
    for (const s of ['no', 'skipper', 'nonexistent', 'none of it worked yesterday']) expect(isSkipAnswer(s)).toBe(false);
  });
  it('asks again on an empty answer', () => {
    expect(reason(parseField('pageUrl', '   ', ctx))).toMatch(/type your answer.*skip/);
  });
});

describe('timestamps', () => {
  it.each<[string, ParseContext, string]>([
    ['2026-11-22 14:05 +01:00', ctx, '2026-11-22T14:05:00+01:00'],
    ['2026-11-22T13:05:10Z', ctx, '2026-11-22T13:05:10+00:00'],
    ['2026-11-22 13:05:10Z', ctx, '2026-11-22T13:05:10+00:00'],
    ['2026-11-22T13:05:10.123Z', ctx, '2026-11-22T13:05:10.123+00:00'],
    ['22/11/2026 14:05 CET', ctx, '2026-11-22T14:05:00+01:00'],
    ['14:05 CET today', ctx, '2026-11-22T14:05:00+01:00'],
    ['yesterday at 9am UTC', ctx, '2026-11-21T09:00:00+00:00'],
    ['Nov 22, 2026 2:05 PM PST', ctx, '2026-11-22T14:05:00-08:00'],
    ['14:05 UTC+05:30', ctx, '2026-11-22T14:05:00+05:30'],
    ['10 minutes ago', ctx, '2026-11-22T23:20:00+01:00'],
    ['10 minutes ago', noZone, '2026-11-22T22:20:00+00:00'],
    ['just now', offsetOnly, '2026-11-22T23:30:00+01:00'],
    ['an hour ago', { now, userOffsetMinutes: -300 }, '2026-11-22T16:30:00-05:00'],
  ])('%j', (input, c, expected) => {
    expect(value(parseField('timestamp', input, c))).toBe(expected);
  });

  it('uses DST for a named zone in the text', () => {
    expect(value(parseField('timestamp', '2026-07-01 14:05 Europe/Paris', ctx))).toBe('2026-07-01T14:05:00+02:00');
    expect(value(parseField('timestamp', '2026-11-01 14:05 Europe/Paris', ctx))).toBe('2026-11-01T14:05:00+01:00');
  });

  it('asks for the zone of an absolute time instead of assuming, suggesting the browser zone', () => {
    const r = parseField('timestamp', '2026-11-22 14:05', ctx);
    expect(r).toMatchObject({ ok: false, needsTimeZone: true, partial: '2026-11-22T14:05:00' });
    expect(reason(r)).toMatch(/Which time zone.*\+01:00 or CET.*Europe\/Paris, UTC\+01:00.*'yes'/);
    expect(reason(parseField('timestamp', 'today at 9:15', offsetOnly))).toMatch(/browser says UTC\+01:00/);
    const blind = parseField('timestamp', 'today at 9:15', noZone);
    expect(blind).toMatchObject({ needsTimeZone: true, partial: '2026-11-22T09:15:00' });
    expect(reason(blind)).not.toMatch(/browser/);
  });

  it.each<[string, string, ParseContext, string]>([
    ['2026-11-22T14:05:00', 'CET', ctx, '2026-11-22T14:05:00+01:00'],
    ['2026-11-22T14:05:00', '+05:30', ctx, '2026-11-22T14:05:00+05:30'],
    ['2026-11-22T14:05:00', 'UTC+1', ctx, '2026-11-22T14:05:00+01:00'],
    ['2026-11-22T14:05:00', 'gmt-5', ctx, '2026-11-22T14:05:00-05:00'],
    ['2026-11-22T14:05:00', 'yes', ctx, '2026-11-22T14:05:00+01:00'],
    ['2026-11-22T14:05:00', 'mine', offsetOnly, '2026-11-22T14:05:00+01:00'],
    ['2026-11-22T14:05:00', 'Europe/Paris', ctx, '2026-11-22T14:05:00+01:00'],
    ['2026-11-22T14:05:00', 'new york', ctx, '2026-11-22T14:05:00-05:00'],
    // Summer: the channel's +60 is the winter offset, but its IANA zone knows July is +02:00.
    ['2026-07-01T14:05:00', 'yes', ctx, '2026-07-01T14:05:00+02:00'],
    ['2026-07-01T14:05:00', 'CET', ctx, '2026-07-01T14:05:00+02:00'],
    // Either side of New York's 2026 spring-forward (8 March, 02:00).
    ['2026-03-08T01:30:00', 'America/New_York', ctx, '2026-03-08T01:30:00-05:00'],
    ['2026-03-08T03:30:00', 'America/New_York', ctx, '2026-03-08T03:30:00-04:00'],
  ])('completeTimestamp(%j, %j)', (partial, answer, c, expected) => {
    expect(value(completeTimestamp(partial, answer, c))).toBe(expected);
  });

  it('keeps asking when the zone answer is not understood or the user zone is unknown', () => {
    const r = completeTimestamp('2026-11-22T14:05:00', 'Narnia', ctx);
    expect(r).toMatchObject({ ok: false, needsTimeZone: true, partial: '2026-11-22T14:05:00' });
    expect(reason(r)).toMatch(/don't recognise "Narnia".*\+01:00/);
    expect(reason(completeTimestamp('2026-11-22T14:05:00', 'yes', noZone))).toMatch(/don't know your time zone/);
    expect(completeTimestamp('2026-11-22T14:05:00', "don't know", ctx)).toEqual({ ok: true, skipped: true });
  });

  it.each<[string, ParseContext, string]>([
    ['tomorrow at 9am CET', ctx, "it's 2026-11-22 23:30 +01:00 now"],
    ['in 10 minutes', ctx, "it's 2026-11-22 23:30 +01:00 now"],
    ['2026-11-22 23:59 UTC', ctx, "it's 2026-11-22 23:30 +01:00 now"],
    ['2027-01-01T00:00:00Z', noZone, "it's 2026-11-22 22:30 +00:00 now"],
  ])('refuses the future: %j', (input, c, nowText) => {
    const r = parseField('timestamp', input, c);
    expect(reason(r)).toMatch(/^That time is in the future/);
    expect(reason(r)).toContain(nowText);
  });

  it('refuses a completed time in the future but allows 2 minutes of clock skew', () => {
    expect(reason(completeTimestamp('2026-11-22T23:59:00', 'UTC', ctx))).toMatch(/future/);
    expect(value(completeTimestamp('2026-11-22T22:31:30', 'UTC', ctx))).toBe('2026-11-22T22:31:30+00:00');
  });

  it.each(['banana', 'when it broke', 'yesterday', 'this morning'])('explains what to type for %j', (input) => {
    expect(reason(parseField('timestamp', input, ctx))).toMatch(/yesterday at 9am UTC.*10 minutes ago/);
  });
});

const BLOCK = `Error Code: 50076
Request Id: 5a1f0c2e-7b9d-4c1e-9f3a-2d8e6b4a1c70
Correlation Id: 9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d
Timestamp: 2026-11-22T13:05:10.123Z
Message: AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.
App name: Microsoft Office
App id: d3590ed6-52b3-4102-aeff-aad2292ab01c
IP address: 203.0.113.7
Device identifier: Not available
Device platform: Windows 10
Device state: Unregistered
Flag sign-in errors for review: Enable flagging
If you plan on getting help for this problem, enable flagging and try to reproduce the error within 20 minutes.`;

const EXPECTED_FOUND = {
  errorCode: '50076',
  sessionId: '5a1f0c2e-7b9d-4c1e-9f3a-2d8e6b4a1c70',
  correlationId: '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d',
  timestamp: '2026-11-22T13:05:10.123+00:00',
  errorMessage: expect.stringMatching(/^AADSTS50076: Due to a configuration change .*c000-000000000000'\.$/),
};
const EXPECTED_EXTRAS = {
  requestId: '5a1f0c2e-7b9d-4c1e-9f3a-2d8e6b4a1c70',
  appName: 'Microsoft Office',
  appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c',
  ipAddress: '203.0.113.7',
  deviceIdentifier: 'Not available',
  devicePlatform: 'Windows 10',
  deviceState: 'Unregistered',
};

describe('parseErrorDetails', () => {
  it('reads every field and extra of the page block', () => {
    expect(parseErrorDetails(BLOCK, ctx)).toEqual({ found: EXPECTED_FOUND, extras: EXPECTED_EXTRAS, problems: [] });
  });

  it('finds the block inside other text, and when flattened onto one line', () => {
    const wrapped = `Hi, I got this error:\n\n${BLOCK}\n\nThanks for your help!`;
    expect(parseErrorDetails(wrapped, ctx)).toEqual({ found: EXPECTED_FOUND, extras: EXPECTED_EXTRAS, problems: [] });
    const flat = `here you go ${BLOCK.replace(/\n/g, ' ')} thanks`;
    expect(parseErrorDetails(flat, ctx)?.found).toEqual(EXPECTED_FOUND);
    expect(parseErrorDetails(flat, ctx)?.extras).toMatchObject({ appName: 'Microsoft Office', ipAddress: '203.0.113.7' });
  });

  it('accepts other labels, tabs and case, and prefers an explicit Session Id over Request Id', () => {
    const text = [
      'SIGN-IN NAME:\tAlex@Contoso.com',
      'session ID\t{3FA85F64-5717-4562-B3FC-2C963F66AFA6}',
      'Request Id: 5A1F0C2E-7B9D-4C1E-9F3A-2D8E6B4A1C70',
      'Error code: AADSTS50074',
      'Page URL: login.microsoftonline.com/common/login',
      'Timestamp: 2026-11-22 13:05:10Z',
      'Error: Strong authentication is required.',
    ].join('\n');
    expect(parseErrorDetails(text, ctx)).toEqual({
      found: {
        userId: 'alex@contoso.com',
        sessionId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
        errorCode: 'AADSTS50074',
        pageUrl: 'https://login.microsoftonline.com/common/login',
        timestamp: '2026-11-22T13:05:10+00:00',
        errorMessage: 'Strong authentication is required.',
      },
      extras: { requestId: '5a1f0c2e-7b9d-4c1e-9f3a-2d8e6b4a1c70' },
      problems: [],
    });
  });

  it('leaves out and reports invalid values', () => {
    const text = BLOCK.replace('Correlation Id: 9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d', 'Correlation Id: 9c3e2b1a-nope');
    const r = parseErrorDetails(text, ctx);
    expect(r?.found.correlationId).toBeUndefined();
    expect(r?.found.sessionId).toBe(EXPECTED_FOUND.sessionId);
    expect(r?.problems).toHaveLength(1);
    expect(r?.problems[0]).toMatch(/^Correlation Id "9c3e2b1a-nope" was left out: .*Correlation ID/);
  });

  it('takes a zone-less page timestamp as UTC and fills the error code from the message', () => {
    const r = parseErrorDetails('Timestamp: 2026-11-22T13:05:10\nMessage: AADSTS50158: External security challenge not satisfied.', ctx);
    expect(r?.found).toEqual({
      timestamp: '2026-11-22T13:05:10+00:00',
      errorCode: 'AADSTS50158',
      errorMessage: 'AADSTS50158: External security challenge not satisfied.',
    });
  });

  it.each(['I cannot sign in, the app keeps asking for a code.', 'Error Code: 50076', 'My phone: a new one. Note that I tried twice.', ''])(
    'returns undefined for text that is not a block: %j',
    (text) => {
      expect(parseErrorDetails(text, ctx)).toBeUndefined();
    },
  );
});
