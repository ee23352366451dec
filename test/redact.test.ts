import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redact, redactEntryText } from '../src/privacy/redact.js';
import { rawTextUnder } from './helpers/files.js';
import { EmbeddedTranscriptStore } from '../src/stores/embedded/transcriptStore.js';

// [input, expected output]: each masking rule, then the shapes admins need, which must come through unchanged.
const MASKED: Array<[rule: string, input: string, expected: string]> = [
  ['phone +1 spaced', 'call me on +1 425 555 0100 please', 'call me on [phone] please'],
  ['phone (area)', 'my number is (425) 555-0100.', 'my number is [phone].'],
  ['phone dashed', '425-555-0100', '[phone]'],
  ['phone local', 'or 555-0100', 'or [phone]'],
  ['phone UK', '+44 7700 900123', '[phone]'],
  ['phone UK national', 'text 07700900123', 'text [phone]'],
  ['phone DE compact', '+4915112345678', '[phone]'],
  ['phone dotted', '425.555.0100 or 06.12.34.56.78', '[phone] or [phone]'],
  ['code', 'my code is 482193', 'my code is [code]'],
  ['code in halves', 'it shows 123 456.', 'it shows [code].'],
  ['code 4+4', 'my code is 4821 9077', 'my code is [code]'],
  ['code 8 digits', 'code: 12345678, then nothing', 'code: [code], then nothing'],
  ['two codes', 'tried 123456 and 654321', 'tried [code] and [code]'],
  // Dates and IPs are set aside first, so a code next to them is not read as part of one long phone number.
  ['code after ISO date', 'on 2026-11-22 482193 failed', 'on 2026-11-22 [code] failed'],
  ['code after dotted date', 'on 22.11.2026 482193 failed', 'on 22.11.2026 [code] failed'],
  ['code after IP', 'from 203.0.113.7 482193 failed', 'from 203.0.113.7 [code] failed'],
  ['password is', 'my password is hunter2!', 'my password is [secret]'],
  ['app password groups', 'app password: abcd efgh ijkl mnop', 'app password: [secret]'],
  ['pwd=', 'pwd=Secr3t&x', 'pwd=[secret]'],
  ['pin', 'the PIN is 4821', 'the PIN is [secret]'],
  ['password for account', 'password for alice@contoso.com is P@ss.word1 ok', 'password for alice@contoso.com is [secret] ok'],
  ['password shaped like email', 'password: P@ss.word1', 'password: [secret]'],
  ['quoted password', 'passcode is "correct horse battery" thanks', 'passcode is [secret] thanks'],
  ['bare app password', 'here is the app password I made abcdefghijklmnop', 'here is the app password I made [secret]'],
  ['bare spaced app password', 'the password they gave me: none, but abcd efgh ijkl mnop', 'the password they gave me: none, but [secret]'],
  ['jwt', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abc_DEF-123 here', 'token [token] here'],
  ['bearer', 'Authorization: Bearer abc123def456', 'Authorization: Bearer [token]'],
  ['opaque hex', 'secret 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 end', 'secret [token] end'],
  ['opaque base64', 'cookie=AQABAAIAAAD--DLA3VO7QrddgJg7WevrAgDs_wQA9P', 'cookie=[token]'],
];

const KEPT: Array<[shape: string, input: string]> = [
  ['AADSTS error', 'AADSTS50076: Due to a configuration change made by your administrator'],
  ['bare error code', 'error code 50076'],
  ['six-digit error code', 'Error Code: 500121 again'],
  ['ISO date and time', 'it failed on 2026-11-22 at 14:05:33'],
  ['AADSTS with six digits', 'AADSTS500121 Authentication failed during strong authentication request'],
  ['ISO timestamp', 'Timestamp: 2026-11-22T14:05:33Z'],
  ['dates', 'between 22/11/2026 and 22.11.2026, or 2025-2026'],
  ['GUID', 'Correlation ID: 3fa85f64-5717-4562-b3fc-2c963f66afa6'],
  ['request id', 'Request Id: 0d3f4c2a-1b7e-4e55-9c1a-8f2b6d4e9a10 from 203.0.113.7'],
  ['IP address', 'sign-in from 203.0.113.7 was blocked'],
  ['UPN with digits', 'I am alice.482193@contoso.onmicrosoft.com'],
  ['UPN with a hex local part', 'signed in as 4f8a2c1e9b7d4e3fa1c2b3d4e5f60718@contoso.onmicrosoft.com'],
  ['ticket id', 'your ticket is MFA-234567'],
  ['versions', 'Authenticator 6.2408.5678 on iOS 17.5, Windows 10.0.19045.3693'],
  ['password talk', 'my password is not working and the PIN is wrong'],
  ['bearer talk', 'the bearer token expired'],
  ['long word', 'a very-long-kebab-case-identifier-without-any-digits'],
  ['four short words without password talk', 'this code does work'],
];

describe('redact', () => {
  it.each(MASKED)('masks %s', (_rule, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each(KEPT)('keeps %s', (_shape, input) => {
    expect(redact(input)).toBe(input);
  });

  it('masks around what it keeps in one message', () => {
    const text = 'alice@contoso.com got AADSTS50076 at 14:05 (id 3fa85f64-5717-4562-b3fc-2c963f66afa6), code 482193, phone +1 425 555 0100';
    expect(redact(text)).toBe(
      'alice@contoso.com got AADSTS50076 at 14:05 (id 3fa85f64-5717-4562-b3fc-2c963f66afa6), code [code], phone [phone]',
    );
  });

  it('leaves no placeholder behind, even for text that contains private-use characters', () => {
    expect(redact('odd \ue000 char, code 123456, at 203.0.113.7')).toBe('odd \ufffd char, code [code], at 203.0.113.7');
  });

  it('redactEntryText passes undefined through', () => {
    expect(redactEntryText(undefined)).toBeUndefined();
    expect(redactEntryText('code 123456')).toBe('code [code]');
  });
});

describe('redacted text in the store file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redact-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('never writes the seeded phone number or code to disk', async () => {
    const folder = path.join(dir, 'transcripts');
    const store = await EmbeddedTranscriptStore.open(folder);
    const who = { conversationId: 'r1', channelId: 'webchat', userId: 'alice@contoso.com' };
    const said = ['My number is +1 425 555 0100', 'the code 482193 did not work', 'AADSTS50076 at 2026-11-22 14:05'];
    for (const [i, text] of said.entries()) {
      await store.log(who, { at: `2026-11-22T14:0${i}:00.000Z`, role: 'user', type: 'message', text: redactEntryText(text) });
    }
    await store.log(who, {
      at: '2026-11-22T14:05:00.000Z',
      role: 'bot',
      type: 'message',
      card: redact('Ticket for +1 425 555 0100, code 482193'),
    });
    const raw = rawTextUnder(folder);
    // Guard against a vacuous pass: the file holds the messages, with their masks and the kept error code.
    expect(raw).toContain('[phone]');
    expect(raw).toContain('[code]');
    expect(raw).toContain('AADSTS50076');
    expect(raw).toContain('alice@contoso.com');
    for (const secret of ['+1 425 555 0100', '425 555 0100', '5550100', '482193']) expect(raw).not.toContain(secret);
  });
});
