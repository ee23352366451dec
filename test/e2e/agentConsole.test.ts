import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Request, Response, Server } from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAgentConsole } from '../../src/web/pages.js';
import { projectRoot } from '../../src/paths.js';
import type { TicketFieldName } from '../../src/tickets/fields.js';
import type { CaseSummary } from '../../src/tickets/summary.js';
import type { Priority, Ticket, TicketMessage } from '../../src/tickets/ticket.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { pageScripts, serveConsoleWithFakeApi } from './helpers/fakeApiPage.js';

// Only the console's own routes plus a small in-test fake of the agent API (docs/agent-api.md), so the page is
// tested on its own while the real API and the rest of the app change around it.

const TOKEN = 'alice-token-0123456789';
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

type FakeSummary = CaseSummary;

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

function message(seq: number, from: TicketMessage['from'], text: string, agent?: string): TicketMessage {
  return { seq, from, text, at: new Date().toISOString(), ...(agent ? { agent } : {}) };
}

function makeTicket(
  id: string,
  priority: Priority,
  categoryTitle: string,
  userId: string,
  errorMessage: string,
  ageMin: number,
  more: Partial<Ticket> = {},
): Ticket {
  return {
    id,
    status: 'queued',
    priority,
    category: categoryTitle.toLowerCase().replace(/\W+/g, '-'),
    categoryTitle,
    fields: { userId, errorMessage, errorCode: 'AADSTS50076', accountType: 'work' },
    extras: {},
    stepsTried: [{ node: 'check-phone', title: 'Check the phone is nearby', outcome: 'not fixed' }],
    escalatedFrom: 'asked for a person',
    conversation: { channelId: 'webchat', serviceUrl: 'http://localhost', conversationId: `c-${id}`, reference: {} },
    createdAt: minutesAgo(ageMin),
    updatedAt: minutesAgo(ageMin),
    userWaiting: true,
    messages: [message(1, 'bot', 'Connecting you to a person.')],
    ...more,
  };
}

function summaryOf(t: Ticket): FakeSummary {
  const labels: Record<string, string> = {
    userId: 'User ID',
    errorMessage: 'Error message',
    errorCode: 'Error code',
    sessionId: 'Session ID',
    accountType: 'Account type',
  };
  const fields = t.fields as Record<string, string | undefined>;
  return {
    ticketId: t.id,
    status: t.status,
    priority: t.priority,
    priorityLabel: t.priority === 'urgent' ? 'Urgent: possible security issue' : t.priority === 'high' ? 'High' : 'Normal',
    category: t.category,
    categoryTitle: t.categoryTitle,
    headline: `${t.categoryTitle}: ${t.fields.errorMessage}`,
    who: { userId: t.fields.userId, ...(t.userName ? { userName: t.userName } : {}), accountType: 'work', channel: 'webchat' },
    problem: { errorMessage: t.fields.errorMessage, errorCode: t.fields.errorCode, escalatedBecause: t.escalatedFrom },
    stepsTried: t.stepsTried.map((s) => ({ title: s.title, outcome: s.outcome })),
    fields: Object.entries(labels).map(([name, label]) => ({ name: name as TicketFieldName, label, value: fields[name] ?? null })),
    extras: Object.entries(t.extras).map(([label, value]) => ({ label, value })),
    createdAt: t.createdAt,
    waitingMinutes: Math.round((Date.now() - Date.parse(t.createdAt)) / 60_000),
    ...(t.assignedTo ? { assignedTo: t.assignedTo } : {}),
    suggestedNextStep: 'Verify the user by phone, then reset their MFA methods.',
  };
}

/** The fake agent API's data and what it was sent. */
function fixtures() {
  const tickets: Ticket[] = [
    makeTicket('MFA-URG001', 'urgent', 'Lost or stolen phone', 'sam@contoso.com', 'My phone was stolen', 12, {
      messages: [message(1, 'bot', 'Connecting you to a person.'), message(2, 'user', 'Please hurry, my phone is gone')],
    }),
    makeTicket('MFA-XSS002', 'high', 'Code never arrives', 'mallory@contoso.com', XSS, 7, {
      userName: '<b>Mallory</b>',
      extras: { 'App name': '<script>window.__xss=3</script>' },
      stepsTried: [{ node: 'x', title: '<img src=x onerror="window.__xss=4">', outcome: 'not fixed' }],
    }),
    makeTicket('MFA-TAKEN3', 'normal', 'New phone', 'pat@contoso.com', 'Authenticator shows no accounts', 3),
    makeTicket('MFA-BOB004', 'urgent', 'Lost or stolen phone', 'lee@contoso.com', 'Phone lost on a train', 30, {
      status: 'assigned',
      assignedTo: 'bob',
    }),
  ];
  return {
    tickets,
    revoked: false,
    claims: [] as string[],
    replies: [] as { id: string; text: string }[],
    resolves: [] as { id: string; note?: string }[],
  };
}
type Fake = ReturnType<typeof fixtures>;

function lastSeq(t: Ticket): number {
  return t.messages.reduce((max, m) => Math.max(max, m.seq), 0);
}

/** Routes of the agent API that answer from `fake`, with the documented statuses and error bodies. */
function registerFakeAgentApi(server: Server, fake: Fake): void {
  const fail = (res: Response, status: number, code: string, message: string): void => {
    res.send(status, { code, message });
  };
  const authed = (req: Request, res: Response) => {
    const ok = !fake.revoked && req.headers.authorization === `Bearer ${TOKEN}`;
    if (!ok) fail(res, 401, 'Unauthorized', 'A valid agent token is required.');
    return ok;
  };
  const find = (req: Request, res: Response) => {
    const ticket = fake.tickets.find((t) => t.id === req.params.id);
    if (!ticket) fail(res, 404, 'NotFound', 'No such ticket.');
    return ticket;
  };
  const open = (t: Ticket) => t.status === 'queued' || t.status === 'assigned';

  server.get('/api/agent/me', async (req: Request, res: Response) => {
    if (authed(req, res)) res.send({ name: 'alice' });
  });
  server.get('/api/agent/queue', async (req: Request, res: Response) => {
    if (!authed(req, res)) return;
    let position = 0;
    // Fixture order as-is, not the order the console might sort by: the page must keep the server's order.
    const items = fake.tickets.filter(open).map((t) => ({
      id: t.id,
      status: t.status,
      priority: t.priority,
      categoryTitle: t.categoryTitle,
      userId: t.fields.userId,
      headline: summaryOf(t).headline,
      createdAt: t.createdAt,
      lastMessageSeq: lastSeq(t),
      ...(t.assignedTo ? { assignedTo: t.assignedTo } : {}),
      ...(t.status === 'queued' ? { position: ++position } : {}),
    }));
    res.send({ tickets: items });
  });
  server.get('/api/agent/tickets/:id', async (req: Request, res: Response) => {
    const t = authed(req, res) && find(req, res);
    if (t) res.send({ ticket: t, summary: summaryOf(t), markdown: '' });
  });
  server.post('/api/agent/tickets/:id/claim', async (req: Request, res: Response) => {
    const t = authed(req, res) && find(req, res);
    if (!t) return;
    fake.claims.push(t.id);
    if (t.id === 'MFA-TAKEN3') return void fail(res, 409, 'AlreadyClaimed', 'Claimed by bob a moment ago.');
    if (!open(t)) return void fail(res, 409, 'Closed', 'This ticket is closed.');
    Object.assign(t, { status: 'assigned', assignedTo: 'alice', assignedAt: new Date().toISOString() });
    res.send({ ticket: t });
  });
  server.get('/api/agent/tickets/:id/messages', async (req: Request, res: Response) => {
    const t = authed(req, res) && find(req, res);
    if (!t) return;
    const after = Number((req.query as { after?: string }).after ?? 0);
    res.send({ messages: t.messages.filter((m) => m.seq > after), status: t.status, userWaiting: t.userWaiting });
  });
  server.post('/api/agent/tickets/:id/messages', async (req: Request, res: Response) => {
    const t = authed(req, res) && find(req, res);
    if (!t) return;
    if (t.assignedTo !== 'alice') return void fail(res, 403, 'NotAssignee', 'Claim the ticket first.');
    const text = String((req.body as { text?: unknown }).text);
    fake.replies.push({ id: t.id, text });
    // As the real API answers when the user's channel refuses the message (issue 15).
    const delivered = !text.includes('cannot reach you');
    const added = { ...message(lastSeq(t) + 1, 'agent', text, 'alice'), ...(delivered ? {} : { delivered: false }) };
    t.messages.push(added);
    res.send(delivered ? 201 : 202, { message: added, delivered });
  });
  server.post('/api/agent/tickets/:id/resolve', async (req: Request, res: Response) => {
    const t = authed(req, res) && find(req, res);
    if (!t) return;
    if (t.assignedTo !== 'alice') return void fail(res, 403, 'NotAssignee', 'Claim the ticket first.');
    const note = (req.body as { note?: string }).note;
    fake.resolves.push({ id: t.id, ...(note ? { note } : {}) });
    Object.assign(t, { status: 'resolved', closedAt: new Date().toISOString(), ...(note ? { resolutionNote: note } : {}) });
    res.send({ ticket: t });
  });
}

describe.skipIf(skipBrowserTests)('agent console page in Chromium (fake agent API)', () => {
  const fake = fixtures();
  let served: Awaited<ReturnType<typeof serveConsoleWithFakeApi>> | undefined;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    served = await serveConsoleWithFakeApi((server) => {
      registerAgentConsole(server);
      registerFakeAgentApi(server, fake);
    });
    ({ url, browser } = served);
  });

  afterAll(async () => {
    await served?.close();
  });

  it('serves the page, its script and styles with a strict CSP', async () => {
    const page = await fetch(`${url}/agent`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    for (const directive of ["script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "default-src 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/\sstyle=|<style/); // no inline style either
    // The page's script and every module it imports: served as scripts, strict, and never writing HTML.
    const scripts = await pageScripts(`${url}/agent`);
    expect(scripts.map((s) => new URL(s.url).pathname)).toContain('/agent/console.js');
    for (const { url: scriptUrl, status, headers, source, module } of scripts) {
      expect(status, scriptUrl).toBe(200);
      expect(headers.get('content-type'), scriptUrl).toMatch(/^text\/javascript/);
      expect(headers.get('x-content-type-options'), scriptUrl).toBe('nosniff');
      expect(module || source.includes("'use strict'"), `${scriptUrl} runs as strict code`).toBe(true);
      expect(source, scriptUrl).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
    const styles = await fetch(`${url}/agent/console.css`);
    expect(styles.headers.get('content-type')).toMatch(/^text\/css/);
    expect(styles.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('signs in, shows the queue, renders tickets safely, claims, chats and resolves', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const problems: string[] = [];
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP blocked ${e.blockedURI} (${e.violatedDirective})`));
    });
    const alert = page.locator('#alert');
    const queueIds = () => page.locator('#queue-list button').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.ticket));

    const response = await page.goto(`${url}/agent`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.title()).toBe('Agent console: sign-in help desk');
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    // A wrong token: an error, and still the sign-in form.
    const tokenBox = page.getByLabel('Agent token');
    await tokenBox.fill('not-the-token');
    await tokenBox.press('Enter');
    await expect.poll(() => alert.textContent()).toContain('not accepted');
    expect(await page.locator('#signin').isVisible()).toBe(true);

    // The right one: the agent's name and the queue in the server's order (an assigned urgent ticket stays last).
    await tokenBox.fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#agent-name', { hasText: 'alice' }).waitFor();
    expect(await alert.textContent()).toBe('');
    await page.locator('#queue-list button').first().waitFor();
    expect(await queueIds()).toEqual(['MFA-URG001', 'MFA-XSS002', 'MFA-TAKEN3', 'MFA-BOB004']);
    const first = page.locator('#queue-list button').first();
    expect(await first.locator('.badge-urgent').textContent()).toBe('Security');
    expect(await first.textContent()).toMatch(/Lost or stolen phone.*12 min.*sam@contoso\.com.*Queued, #1/);
    expect(await page.locator('#queue-list button').last().textContent()).toContain('Assigned to bob');

    // Still signed in after a reload (sessionStorage), never with the token in the page.
    await page.reload();
    await page.locator('#agent-name', { hasText: 'alice' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('agent-console.token'))).toBe(TOKEN);

    // User text with markup shows as text and runs nothing.
    await page.locator('#queue-list button[data-ticket="MFA-XSS002"]').click();
    await page.locator('#ticket').waitFor();
    const xssField = page.locator('#summary dt', { hasText: 'Error message' }).first().locator('xpath=following-sibling::dd[1]');
    expect(await xssField.textContent()).toBe(XSS);
    expect(await page.locator('#ticket-title').textContent()).toContain(XSS);
    expect(await page.locator('#summary').textContent()).toContain('<b>Mallory</b>');
    expect(await page.locator('#summary').textContent()).toContain('<script>window.__xss=3</script>');
    expect(await page.locator('#ticket img, #ticket script, #ticket b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    // Null fields read "not given"; steps tried come with their outcome; the next step is there.
    expect(await page.locator('#summary dt', { hasText: 'Session ID' }).locator('xpath=following-sibling::dd[1]').textContent()).toBe(
      'not given',
    );
    expect(await page.locator('#summary .steps li').first().textContent()).toMatch(/not fixed$/);
    expect(await page.locator('#summary').textContent()).toContain('Verify the user by phone');

    // Claimed by someone else in the meantime.
    await page.locator('#queue-list button[data-ticket="MFA-TAKEN3"]').click();
    await page.locator('#ticket-title', { hasText: 'Authenticator shows no accounts' }).waitFor();
    await page.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => alert.textContent()).toBe('Already claimed by another agent');
    expect(await page.locator('#chat').isVisible()).toBe(false);

    // Claim the urgent one: the chat opens with the conversation so far.
    await page.locator('#queue-list button[data-ticket="MFA-URG001"]').click();
    await page.locator('#ticket-title', { hasText: 'My phone was stolen' }).waitFor();
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.locator('#chat').waitFor();
    expect(fake.claims).toEqual(['MFA-TAKEN3', 'MFA-URG001']);
    expect(await page.locator('#ticket-state').textContent()).toBe('Assigned to you.');
    await page.locator('#messages .from-user', { hasText: 'Please hurry' }).waitFor();
    expect(await page.locator('#messages .from-bot').count()).toBe(1);

    // Shift+Enter is a new line, Enter sends.
    const reply = page.getByLabel('Reply to the user');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('reply');
    await reply.pressSequentially('Line one');
    await reply.press('Shift+Enter');
    await reply.pressSequentially('line two');
    await reply.press('Enter');
    await expect.poll(() => fake.replies).toEqual([{ id: 'MFA-URG001', text: 'Line one\nline two' }]);
    await page.locator('#messages .from-agent', { hasText: 'line two' }).waitFor();
    expect(await reply.inputValue()).toBe('');
    expect(await page.locator('#messages .undelivered').count()).toBe(0);

    // A reply the user's chat refused: the console says so, on the message and in the alert.
    await reply.pressSequentially('I cannot reach you');
    await reply.press('Enter');
    await page.locator('#messages .from-agent', { hasText: 'I cannot reach you' }).locator('.undelivered').waitFor();
    await page.locator('#alert', { hasText: 'they will get your message when they next write' }).waitFor();

    // The user answers: the poll brings it in; then the user leaves.
    const urgent = fake.tickets[0]!;
    urgent.messages.push(message(lastSeq(urgent) + 1, 'user', 'Thanks, <i>trying</i> now'));
    await page.locator('#messages .from-user .msg-text', { hasText: 'Thanks, <i>trying</i> now' }).waitFor({ timeout: 5_000 });
    urgent.userWaiting = false;
    await page.getByText("The user has left the chat; they'll be contacted by their user ID").waitFor({ timeout: 5_000 });

    // Elsewhere in the console, the claimed ticket counts its unread messages.
    await page.locator('#queue-list button[data-ticket="MFA-TAKEN3"]').click();
    await page.locator('#ticket-title', { hasText: 'Authenticator shows no accounts' }).waitFor();
    urgent.messages.push(message(lastSeq(urgent) + 1, 'user', 'Are you there?'));
    await page.locator('#queue-list button[data-ticket="MFA-URG001"] .unread', { hasText: '1 new' }).waitFor({ timeout: 5_000 });
    await page.locator('#queue-list button[data-ticket="MFA-URG001"]').click();
    await page.locator('#messages .from-user', { hasText: 'Are you there?' }).waitFor();

    // Resolve with a note: read-only from then on.
    await page.getByLabel('Resolution note (optional)').fill('Verified by phone, MFA methods reset');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('#ticket-state', { hasText: 'Resolved: Verified by phone, MFA methods reset' }).waitFor();
    expect(fake.resolves).toEqual([{ id: 'MFA-URG001', note: 'Verified by phone, MFA methods reset' }]);
    expect(await page.locator('#reply-form').isVisible()).toBe(false);
    expect(await page.locator('#resolve-form').isVisible()).toBe(false);
    expect(await page.locator('#messages .msg').count()).toBe(6);
    await expect.poll(queueIds, { timeout: 5_000 }).toEqual(['MFA-XSS002', 'MFA-TAKEN3', 'MFA-BOB004']);

    const screenshots = path.join(projectRoot(), 'test-results');
    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'agent-console.png'), fullPage: true });

    // Phone-sized: the panels stack and nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const queueBox = await page.locator('#queue-panel').boundingBox();
    const ticketBox = await page.locator('#ticket-panel').boundingBox();
    expect(queueBox!.y + queueBox!.height).toBeLessThanOrEqual(ticketBox!.y);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(screenshots, 'agent-console-phone.png'), fullPage: true });

    // A 401 anywhere (here: the token was revoked) goes back to the sign-in form.
    fake.revoked = true;
    await page.locator('#signin').waitFor({ timeout: 5_000 });
    expect(await alert.textContent()).toContain('not accepted');
    expect(await page.locator('#console').isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('agent-console.token'))).toBeNull();

    expect(requested.filter((u) => !u.startsWith(url) && !u.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
