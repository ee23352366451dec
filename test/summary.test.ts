import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { AdaptiveCard, CardElement, FactSet, TextBlock } from '../src/cards/adaptiveCard.js';
import { summaryToAdaptiveCard } from '../src/cards/summaryCard.js';
import { buildSummary, labelFromKey, summaryToJson, summaryToMarkdown, summaryToText } from '../src/tickets/summary.js';
import type { Ticket } from '../src/tickets/ticket.js';

const now = new Date('2026-11-22T10:17:30Z');
const SESSION = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

function ticket(over: Partial<Ticket> & Pick<Ticket, 'fields'>): Ticket {
  return {
    id: 'MFA-7K3Q9P',
    status: 'queued',
    priority: 'normal',
    category: 'no-code',
    categoryTitle: 'No code, text or call arrives',
    extras: {},
    stepsTried: [],
    escalatedFrom: 'asked for a person',
    conversation: { channelId: 'webchat', serviceUrl: 'http://localhost', conversationId: 'c1', reference: {} },
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    userWaiting: true,
    messages: [],
    ...over,
  };
}

const lostPhone = ticket({
  priority: 'urgent',
  category: 'lost-phone',
  categoryTitle: 'Lost or stolen phone',
  userName: 'Alex Wilber',
  escalatedFrom: 'lost-phone-admin-reset',
  conversation: { channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/', conversationId: 'c2', reference: {} },
  fields: {
    userId: 'alex@contoso.com',
    errorMessage: 'AADSTS50076: You must use multi-factor authentication to access this resource',
    pageUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    errorCode: 'AADSTS50076',
    sessionId: SESSION,
    correlationId: '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d',
    timestamp: '2026-11-22T09:52:00Z',
    accountType: 'work-or-school',
  },
  extras: { appName: 'Microsoft Office', ipAddress: '203.0.113.7', requestId: SESSION, devicePlatform: 'Windows 10' },
  stepsTried: [
    { node: 'main-menu', title: 'Main menu', outcome: 'My phone is lost or stolen' },
    { node: 'lost-phone', title: 'Lost or stolen phone', outcome: 'Yes, I have another phone or method' },
    { node: 'lost-phone-other-method', title: 'Sign in with your other phone', outcome: 'not fixed' },
    { node: 'lost-phone-update-security-info', title: 'Replace the lost phone', outcome: 'not fixed' },
    { node: 'lost-phone-admin-reset', title: 'Ask your admin to reset your setup', outcome: '' },
  ],
});

const minimal = ticket({ fields: { userId: 'sam@contoso.com', errorMessage: 'The text with my code never arrives' } });

const XSS = '<script>alert(1)</script> **x** [link](javascript:alert(2))';
const hostile = ticket({
  userName: '_Eve_ <img src=x onerror=alert(3)>',
  assignedTo: 'alice',
  fields: { userId: 'eve@contoso.com', errorMessage: XSS },
  extras: { noteField: '[click me](https://evil.example)' },
  stepsTried: [{ node: 'no-code', title: 'No code, text or call arrives', outcome: 'fixed' }],
  escalatedFrom: 'escalate-help-desk',
});

describe('buildSummary', () => {
  const s = buildSummary(lostPhone, now);

  it('labels an urgent lost-phone case and says who, what and where', () => {
    expect(s.priorityLabel).toBe('Urgent: security case (lost or stolen phone)');
    expect(s.headline).toBe('alex@contoso.com is locked out: Lost or stolen phone (AADSTS50076)');
    expect(s.who).toEqual({
      userId: 'alex@contoso.com',
      userName: 'Alex Wilber',
      accountType: 'Work or school',
      channel: 'Microsoft Teams',
    });
    expect(s.problem).toEqual({
      errorMessage: lostPhone.fields.errorMessage,
      errorCode: 'AADSTS50076',
      escalatedBecause: 'Phone lost or stolen: only an admin can reset the verification methods',
    });
    expect(s.waitingMinutes).toBe(17);
    expect(s.suggestedNextStep).toMatch(
      /verify the caller's identity.*MFA methods.*revoke sign-in sessions and app passwords.*forget remembered MFA devices/i,
    );
    expect(s.suggestedNextStep).not.toMatch(/No correlation/);
  });

  it('lists the steps tried without the root menu or the escalate node, with readable outcomes', () => {
    expect(s.stepsTried).toEqual([
      { title: 'Lost or stolen phone', outcome: 'Chose "Yes, I have another phone or method"' },
      { title: 'Sign in with your other phone', outcome: 'Did not help' },
      { title: 'Replace the lost phone', outcome: 'Did not help' },
    ]);
  });

  it('gives every field in asking order and labels camelCase extras, dropping a Request Id that repeats the Session ID', () => {
    expect(s.fields.map((f) => [f.name, f.label, f.value])).toEqual([
      ['userId', 'User ID', 'alex@contoso.com'],
      ['errorMessage', 'Error message', lostPhone.fields.errorMessage],
      ['pageUrl', 'Page address', 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize'],
      ['errorCode', 'Error code', 'AADSTS50076'],
      ['sessionId', 'Session ID', SESSION],
      ['correlationId', 'Correlation ID', '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d'],
      ['timestamp', 'Time of the error', '2026-11-22T09:52:00Z'],
      ['accountType', 'Account type', 'Work or school'],
    ]);
    expect(s.extras).toEqual([
      { label: 'App name', value: 'Microsoft Office' },
      { label: 'IP address', value: '203.0.113.7' },
      { label: 'Device platform', value: 'Windows 10' },
    ]);
    expect(labelFromKey('tenantId')).toBe('Tenant ID');
  });

  it('fills a minimal ticket with nulls and explains a "talk to a person" escalation', () => {
    const m = buildSummary(minimal, now);
    expect(m.fields.filter((f) => f.value !== null).map((f) => f.name)).toEqual(['userId', 'errorMessage']);
    expect(m.fields).toHaveLength(8);
    expect(m.priorityLabel).toBe('Normal');
    expect(m.who).toEqual({ userId: 'sam@contoso.com', channel: 'Web Chat' });
    expect(m.problem).toEqual({ errorMessage: 'The text with my code never arrives', escalatedBecause: 'Asked for a person' });
    expect(m.stepsTried).toEqual([]);
    expect(m.extras).toEqual([]);
    expect(m.suggestedNextStep).toMatch(/phone number on file.*No correlation or request ID was given/);
    expect('assignedTo' in m).toBe(false);
  });

  it('keeps user text verbatim in the summary itself (escaping belongs to each rendering)', () => {
    const h = buildSummary(hostile, now);
    expect(h.problem.errorMessage).toBe(XSS);
    expect(h.stepsTried).toEqual([{ title: 'No code, text or call arrives', outcome: 'Worked' }]);
    expect(h.problem.escalatedBecause).toBe('Troubleshooting steps did not help');
    expect(h.assignedTo).toBe('alice');
  });

  it('does not mistake keys like "constructor" for known ones', () => {
    const odd = buildSummary(
      ticket({
        fields: { userId: 'a@b.co', errorMessage: 'nothing arrives at all' },
        extras: { constructor: 'x' },
        escalatedFrom: 'toString',
        category: '__proto__',
        stepsTried: [{ node: 'n', title: 'T', outcome: 'toString' }],
        conversation: { channelId: 'constructor', serviceUrl: '', conversationId: 'c', reference: {} },
      }),
      now,
    );
    expect(odd.stepsTried).toEqual([{ title: 'T', outcome: 'Chose "toString"' }]);
    expect(odd.extras).toEqual([{ label: 'Constructor', value: 'x' }]);
    expect(odd.who.channel).toBe('constructor');
    expect(odd.problem.escalatedBecause).toBe('Troubleshooting steps did not help');
    expect(typeof odd.suggestedNextStep).toBe('string');
  });
});

describe('summaryToMarkdown', () => {
  it('has the headline, priority, numbered steps and a fields table', () => {
    const md = summaryToMarkdown(buildSummary(lostPhone, now));
    expect(md).toMatch(/^### alex@contoso\.com is locked out: Lost or stolen phone \\\(AADSTS50076\\\)$/m);
    expect(md).toContain('**Priority:** Urgent: security case \\(lost or stolen phone\\)');
    expect(md).toContain(
      '1. Lost or stolen phone: Chose "Yes, I have another phone or method"\n2. Sign in with your other phone: Did not help\n3. Replace the lost phone: Did not help',
    );
    expect(md).toContain('| Field | Value |\n|---|---|\n| User ID | alex@contoso.com |');
    expect(md).toContain('| IP address | 203.0.113.7 |');
    expect(summaryToMarkdown(buildSummary(minimal, now))).toContain('| Correlation ID | _not given_ |');
  });

  it('escapes user-written markdown and HTML so nothing renders as a link, emphasis or tag', () => {
    const md = summaryToMarkdown(buildSummary(hostile, now));
    expect(md).toContain('&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\*\\*x\\*\\* \\[link\\]\\(javascript:alert\\(2\\)\\)');
    expect(md).toContain('\\_Eve\\_ &lt;img src=x onerror=alert\\(3\\)&gt;');
    expect(md).toContain('| Note field | \\[click me\\]\\(https://evil.example\\) |');
    expect(md).not.toMatch(/<script|<img|\]\(javascript|\]\(https/);
  });
});

describe('summaryToText', () => {
  it('is plain text with every field and no markdown escapes, one line per value', () => {
    const text = summaryToText(buildSummary(hostile, now));
    expect(text).toContain(`Problem: ${XSS}\n`);
    expect(text).toMatch(/^ {2}Correlation ID +\(not given\)$/m);
    expect(text).not.toContain('\\');
    const evil = summaryToText(buildSummary(ticket({ fields: { userId: 'a@b.co', errorMessage: 'line one\nFAKE: injected\u202e' } }), now));
    expect(evil).toContain('Problem: line one FAKE: injected\n');
  });
});

const allElements = (els: CardElement[]): CardElement[] =>
  els.flatMap((e) => (e.type === 'Container' ? [e, ...allElements(e.items)] : [e]));
const byId = <T extends CardElement>(card: AdaptiveCard, id: string) => allElements(card.body).find((e) => e.id === id) as T;

describe('summaryToAdaptiveCard', () => {
  const card = summaryToAdaptiveCard(buildSummary(lostPhone, now));

  it('is an Adaptive Card 1.5 with the priority in attention colour, every given field and the steps', () => {
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(byId<TextBlock>(card, 'priority')).toMatchObject({ text: 'Urgent: security case (lost or stolen phone)', color: 'Attention' });
    expect(byId<FactSet>(card, 'fields').facts.map((f) => f.title)).toEqual([
      'User ID',
      'Error message',
      'Page address',
      'Error code',
      'Session ID',
      'Correlation ID',
      'Time of the error',
      'Account type',
    ]);
    expect(byId<FactSet>(card, 'fields').facts[4]).toEqual({ title: 'Session ID', value: SESSION });
    expect(byId<FactSet>(card, 'extras').facts.map((f) => f.title)).toEqual(['App name', 'IP address', 'Device platform']);
    const steps = allElements(byId<CardElement & { type: 'Container' }>(card, 'steps').items).map((e) => (e as TextBlock).text);
    expect(steps).toEqual([
      '1\\. Lost or stolen phone: Chose "Yes, I have another phone or method"',
      '2\\. Sign in with your other phone: Did not help',
      '3\\. Replace the lost phone: Did not help',
    ]);
    expect(JSON.stringify(card)).not.toMatch(/"Action\./);
    expect('actions' in card).toBe(false);
  });

  it('shows only the given fields of a minimal ticket and a normal priority in the default colour', () => {
    const m = summaryToAdaptiveCard(buildSummary(minimal, now));
    expect(byId<FactSet>(m, 'fields').facts.map((f) => f.title)).toEqual(['User ID', 'Error message']);
    expect(byId<TextBlock>(m, 'priority').color).toBe('Default');
    expect(byId(m, 'extras')).toBeUndefined();
  });

  it('escapes user strings in text blocks and facts', () => {
    const h = summaryToAdaptiveCard(buildSummary(hostile, now));
    // Adaptive Cards render no HTML, so only markdown emphasis and link brackets need escaping.
    const escaped = '<script>alert(1)</script> \\*\\*x\\*\\* \\[link\\](javascript:alert(2))';
    expect(byId<TextBlock>(h, 'errorMessage').text).toBe(escaped);
    expect(byId<FactSet>(h, 'fields').facts[1]).toEqual({ title: 'Error message', value: escaped });
    expect(byId<FactSet>(h, 'who').facts[0]!.value).toBe('\\_Eve\\_ <img src=x onerror=alert(3)> (eve@contoso.com)');
    expect(byId<FactSet>(h, 'extras').facts).toEqual([{ title: 'Note field', value: '\\[click me\\](https://evil.example)' }]);
    expect(JSON.stringify(h)).not.toMatch(/[^\\]\]\(javascript/);
  });

  it('escapes list and rule markers only at the start of a text block', () => {
    const lines = (msg: string) =>
      byId<TextBlock>(summaryToAdaptiveCard(buildSummary(ticket({ fields: { userId: 'a@b.co', errorMessage: msg } }), now)), 'errorMessage')
        .text;
    expect(lines('1. it failed at 10.30')).toBe('1\\. it failed at 10.30');
    expect(lines('--- gone')).toBe('\\--- gone');
    expect(lines('203.0.113.7 blocked - again')).toBe('203.0.113.7 blocked - again');
  });

  // adaptivecards' ESM build imports without file extensions, so Node needs its UMD bundle; parsing needs no DOM.
  interface AcLib {
    AdaptiveCard: new () => {
      parse(json: unknown, ctx: AcContext): void;
      toJSON(): unknown;
      validateProperties(): { validationEvents: { message: string }[] };
    };
    SerializationContext: new () => AcContext;
  }
  interface AcContext {
    eventCount: number;
    getEventAt(i: number): { message: string };
  }
  const ac = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AcLib;

  const parse = (json: unknown) => {
    const ctx = new ac.SerializationContext();
    const parsed = new ac.AdaptiveCard();
    parsed.parse(json, ctx);
    const events = Array.from({ length: ctx.eventCount }, (_, i) => ctx.getEventAt(i).message);
    return { parsed, events };
  };

  it('parses without warnings in the adaptivecards SDK, losing no element', () => {
    for (const t of [lostPhone, minimal, hostile]) {
      const json = summaryToAdaptiveCard(buildSummary(t, now));
      const { parsed, events } = parse(json);
      expect(events).toEqual([]);
      expect(parsed.validateProperties().validationEvents.map((e) => e.message)).toEqual([]);
      const back = parsed.toJSON() as AdaptiveCard;
      expect(allElements(back.body).length).toBe(allElements(json.body).length);
      expect(back.version).toBe('1.5');
    }
  });

  it('the SDK check can fail: it reports unknown element types and invalid property values', () => {
    const { events } = parse({ ...card, body: [...card.body, { type: 'Input.Bogus' }, { type: 'TextBlock', text: 'x', color: 'Purple' }] });
    expect(events.join('\n')).toMatch(/Unknown element type "Input\.Bogus"[\s\S]*Invalid value "Purple" for property "color"/);
  });
});

describe('summaryToJson', () => {
  it('round-trips through JSON and is a copy, not the same object', () => {
    for (const t of [lostPhone, minimal, hostile]) {
      const s = buildSummary(t, now);
      const j = summaryToJson(s);
      expect(JSON.parse(JSON.stringify(j))).toStrictEqual(j);
      expect(j).toStrictEqual(s);
      expect(j).not.toBe(s);
      expect(j.fields).not.toBe(s.fields);
    }
  });
});
