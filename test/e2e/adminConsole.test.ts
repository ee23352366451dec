import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Request, Response, Server } from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAdminConsole } from '../../src/web/pages.js';
import { projectRoot } from '../../src/paths.js';
import type { BranchStats, ConversationOutcome, ConversationSummary, TranscriptEntry } from '../../src/transcripts/types.js';
import { skipBrowserTests } from '../helpers/browser.js';
import { pageScripts, serveConsoleWithFakeApi } from './helpers/fakeApiPage.js';

// Only the admin page's own routes plus a small in-test fake of the admin API (docs/admin-api.md), so the page is
// tested on its own while the real API and the rest of the app change around it.

const ADMIN = 'carol-admin-token-0123456789';
const AGENT = 'alice-agent-token-0123456789';
const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
const CSV =
  '\uFEFFconversationId,userId,role,text\r\nc-gamma,pat@contoso.com,user,"I got a new number, ""help"""\r\nc-gamma,pat@contoso.com,user,\'=1+1\r\n';
const JSONL = '{"conversation":{"conversationId":"c-gamma"},"entries":[]}\n';

type Fixture = { conversation: ConversationSummary; entries: TranscriptEntry[] };

function entry(
  seq: number,
  at: string,
  role: TranscriptEntry['role'],
  text: string | undefined,
  more: Partial<TranscriptEntry> = {},
): TranscriptEntry {
  return { seq, at, role, type: 'message', ...(text === undefined ? {} : { text }), ...more };
}

function conversation(id: string, more: Partial<ConversationSummary>): ConversationSummary {
  return {
    conversationId: id,
    channelId: 'webchat',
    userId: `${id}@contoso.com`,
    startedAt: '2025-05-10T09:00:00.000Z',
    lastActivityAt: '2025-05-10T09:05:00.000Z',
    messageCount: 4,
    preview: 'My code never arrives',
    outcome: 'resolved',
    branch: 'no-code',
    path: [
      { node: 'main-menu', answer: 'Code never arrives' },
      { node: 'sync-time', answer: 'fixed' },
    ],
    rating: 4,
    ticketId: null,
    sessions: [],
    ...more,
  };
}

/** The fake admin API's data (in the server's order, which is not sorted by any column) and what it was sent. */
function fixtures() {
  const alpha: Fixture = {
    conversation: conversation('c-alpha', {
      userId: 'sam@contoso.com',
      userName: 'Sam Lee',
      startedAt: '2025-06-20T10:00:00.000Z',
      lastActivityAt: '2025-06-20T10:09:00.000Z',
      messageCount: 8,
      preview: 'My phone was stolen yesterday',
      outcome: 'escalated',
      branch: 'lost-phone',
      rating: 2,
      ticketId: 'MFA-ABC123',
      path: [
        { node: 'main-menu', answer: 'Lost or stolen phone' },
        { node: 'lost-phone', answer: 'not fixed' },
        { node: 'escalate-help-desk' },
      ],
      sessions: [
        {
          conversationId: 'c-alpha',
          channelId: 'webchat',
          userId: 'sam@contoso.com',
          startedAt: '2025-06-20T09:50:00.000Z',
          endedAt: '2025-06-20T09:55:00.000Z',
          branch: 'no-code',
          path: [],
          outcome: 'abandoned',
          rating: null,
        },
        {
          conversationId: 'c-alpha',
          channelId: 'webchat',
          userId: 'sam@contoso.com',
          startedAt: '2025-06-20T10:00:00.000Z',
          endedAt: '2025-06-20T10:09:00.000Z',
          branch: 'lost-phone',
          path: [],
          outcome: 'escalated',
          rating: 2,
          ticketId: 'MFA-ABC123',
        },
      ],
    }),
    entries: [
      entry(1, '2025-06-20T10:00:00.000Z', 'bot', undefined, { type: 'conversationUpdate' }),
      entry(2, '2025-06-20T10:00:05.000Z', 'bot', 'Hi! What is **keeping you out**?\n\n_Pick one_, or type 2\\*3 or snake_case', {
        buttons: ['Lost or stolen phone', 'Code never arrives'],
      }),
      entry(3, '2025-06-20T10:00:30.000Z', 'user', 'My phone was stolen yesterday'),
      entry(4, '2025-06-20T10:03:00.000Z', 'bot', 'Here is your ticket.', { card: 'Ticket MFA-ABC123: Lost or stolen phone' }),
      entry(5, '2025-06-20T10:03:01.000Z', 'bot', undefined, { type: 'event', name: 'handoff.requested' }),
      entry(6, '2025-06-20T10:05:00.000Z', 'agent', 'Hello Sam, I am looking at your account now.', { name: 'Dana' }),
      entry(7, '2025-06-20T10:06:00.000Z', 'user', 'Thanks! **really** _so_'),
      entry(8, '2025-06-20T10:09:00.000Z', 'bot', undefined, { type: 'event', name: 'handoff.resolved' }),
    ],
  };
  const xss: Fixture = {
    conversation: conversation('c-xss', {
      userId: 'mallory@contoso.com',
      userName: '<b>Mallory</b>',
      startedAt: '2025-06-10T08:00:00.000Z',
      lastActivityAt: '2025-06-10T08:02:00.000Z',
      preview: XSS,
      outcome: 'abandoned',
      branch: 'no-code',
      rating: null,
      path: [{ node: 'main-menu', answer: '<i>Code</i>' }, { node: '<img src=x onerror="window.__xss=3">' }],
    }),
    entries: [
      entry(1, '2025-06-10T08:00:00.000Z', 'user', XSS),
      entry(2, '2025-06-10T08:00:02.000Z', 'bot', 'Did a code arrive?', {
        buttons: ['<i>Yes</i>', 'No'],
        card: '<script>window.__xss=4</script>',
      }),
      entry(3, '2025-06-10T08:01:00.000Z', 'agent', '<img src=x onerror="window.__xss=5">', { name: '<b>Eve</b>' }),
    ],
  };
  const gamma: Fixture = {
    conversation: conversation('c-gamma', {
      userId: 'pat@contoso.com',
      startedAt: '2025-06-25T14:00:00.000Z',
      lastActivityAt: '2025-06-25T14:04:00.000Z',
      preview: 'I got a new number',
      outcome: 'resolved',
      branch: 'changed-number',
      rating: 5,
    }),
    entries: [entry(1, '2025-06-25T14:00:00.000Z', 'user', 'I got a new number')],
  };
  const fillers = Array.from({ length: 27 }, (_, i): Fixture => {
    const n = String(i + 1).padStart(2, '0');
    return { conversation: conversation(`c-filler-${n}`, { lastActivityAt: `2025-05-${n}T12:00:00.000Z` }), entries: [] };
  });
  return {
    conversations: [alpha, xss, gamma, ...fillers],
    revoked: false,
    /** Every API call the page made: path and raw query string. */
    calls: [] as { method: string; path: string; query: string }[],
    deleted: [] as string[],
  };
}
type Fake = ReturnType<typeof fixtures>;

const BRANCHES = [
  { id: 'lost-phone', title: 'Lost or stolen phone' },
  { id: 'no-code', title: 'Code never arrives' },
  { id: 'changed-number', title: 'Changed phone number' },
];
const TITLES: Record<string, string> = {
  'main-menu': 'Main menu',
  'lost-phone': 'Lost or stolen phone',
  'no-code': 'Code never arrives',
  'changed-number': 'Changed phone number',
  'escalate-help-desk': 'Pass to the help desk',
  'sync-time': 'Sync the phone clock',
  'check-phone-nearby': 'Check the phone is nearby',
};
const ANALYTICS: BranchStats[] = [
  {
    branch: 'lost-phone',
    conversations: 12,
    resolved: 4,
    escalated: 6,
    abandoned: 2,
    resolutionRate: 4 / 12,
    escalationRate: 0.5,
    averageRating: 3.5,
    ratings: 4,
    topDropOff: { node: 'check-phone-nearby', count: 3 },
  },
  {
    branch: 'no-code',
    conversations: 8,
    resolved: 6,
    escalated: 1,
    abandoned: 1,
    resolutionRate: 0.75,
    escalationRate: 0.125,
    averageRating: 4.5,
    ratings: 4,
    topDropOff: { node: 'sync-time', count: 1 },
  },
  {
    branch: 'changed-number',
    conversations: 3,
    resolved: 3,
    escalated: 0,
    abandoned: 0,
    resolutionRate: 1,
    escalationRate: 0,
    averageRating: null,
    ratings: 0,
    topDropOff: null,
  },
];

/** Routes of the admin API that answer from `fake`, with the documented statuses and error bodies. */
function registerFakeAdminApi(server: Server, fake: Fake): void {
  const authed = (req: Request, res: Response) => {
    fake.calls.push({ method: req.method ?? 'GET', path: req.getPath(), query: req.getQuery() as unknown as string });
    const auth = req.headers.authorization;
    if (!fake.revoked && auth === `Bearer ${ADMIN}`) return true;
    if (auth === `Bearer ${AGENT}`) res.json(403, { code: 'Forbidden', message: 'This token is valid, but not for the admin API.' });
    else res.json(401, { code: 'Unauthorized', message: 'This admin token is not valid.' });
    return false;
  };
  const matching = (q: Record<string, string | undefined>) =>
    fake.conversations.filter(({ conversation: c, entries }) => {
      const day = c.lastActivityAt.slice(0, 10);
      const text = [c.preview, ...entries.map((e) => e.text ?? '')].join(' ').toLowerCase();
      return (
        (!q.from || day >= q.from) &&
        (!q.to || day <= q.to) &&
        (!q.outcome || c.outcome === (q.outcome as ConversationOutcome)) &&
        (!q.branch || c.branch === q.branch) &&
        (!q.rating || c.rating === Number(q.rating)) &&
        (!q.q ||
          q.q
            .toLowerCase()
            .split(/\s+/)
            .every((w) => text.includes(w)))
      );
    });

  server.get('/api/admin/me', async (req: Request, res: Response) => {
    if (authed(req, res)) res.json({ name: 'carol' });
  });
  server.get('/api/admin/branches', async (req: Request, res: Response) => {
    if (authed(req, res)) res.json({ branches: BRANCHES });
  });
  server.get('/api/admin/conversations', async (req: Request, res: Response) => {
    if (!authed(req, res)) return;
    const q = req.query as Record<string, string | undefined>;
    const offset = Number(q.offset ?? 0);
    const limit = Number(q.limit ?? 25);
    const found = matching(q);
    res.json({ total: found.length, items: found.slice(offset, offset + limit).map((f) => f.conversation) });
  });
  server.get('/api/admin/conversations/:id', async (req: Request, res: Response) => {
    if (!authed(req, res)) return;
    const found = fake.conversations.find((f) => f.conversation.conversationId === req.params.id);
    if (!found) return void res.json(404, { code: 'NotFound', message: 'No such conversation (it may have been deleted).' });
    res.json(found);
  });
  server.del('/api/admin/conversations/:id', async (req: Request, res: Response) => {
    if (!authed(req, res)) return;
    const index = fake.conversations.findIndex((f) => f.conversation.conversationId === req.params.id);
    if (index < 0) return void res.json(404, { code: 'NotFound', message: 'No such conversation.' });
    fake.conversations.splice(index, 1);
    fake.deleted.push(String(req.params.id));
    res.send(204);
  });
  server.get('/api/admin/analytics', async (req: Request, res: Response) => {
    if (authed(req, res)) res.json({ branches: ANALYTICS, titles: TITLES });
  });
  server.get('/api/admin/export', async (req: Request, res: Response) => {
    if (!authed(req, res)) return;
    const format = (req.query as { format?: string }).format === 'jsonl' ? 'jsonl' : 'csv';
    res.sendRaw(200, Buffer.from(format === 'csv' ? CSV : JSONL, 'utf8'), {
      'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="transcripts-2025-06-30.${format}"`,
      'Cache-Control': 'no-store',
    });
  });
}

describe.skipIf(skipBrowserTests)('admin page in Chromium (fake admin API)', () => {
  const fake = fixtures();
  let served: Awaited<ReturnType<typeof serveConsoleWithFakeApi>> | undefined;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    served = await serveConsoleWithFakeApi((server) => {
      registerAdminConsole(server);
      registerFakeAdminApi(server, fake);
    });
    ({ url, browser } = served);
  });

  afterAll(async () => {
    await served?.close();
  });

  /** The query string of the last call the page made to `path`. */
  const lastQuery = (p: string): string | undefined => fake.calls.filter((c) => c.path === `/api/admin/${p}`).at(-1)?.query;
  const callCount = (p: string): number => fake.calls.filter((c) => c.path === `/api/admin/${p}`).length;

  it('serves the page, its script and styles with a strict CSP', async () => {
    const page = await fetch(`${url}/admin`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/\sstyle=|<style/); // no inline style either
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline handlers
    expect((await fetch(`${url}/admin/`)).status).toBe(200);
    // The page's script and every module it imports: served as scripts, strict, and never writing HTML.
    const scripts = await pageScripts(`${url}/admin`);
    expect(scripts.map((s) => new URL(s.url).pathname)).toContain('/admin/admin.js');
    for (const { url: scriptUrl, status, headers, source, module } of scripts) {
      expect(status, scriptUrl).toBe(200);
      expect(headers.get('content-type'), scriptUrl).toMatch(/^text\/javascript/);
      expect(headers.get('x-content-type-options'), scriptUrl).toBe('nosniff');
      expect(module || source.includes("'use strict'"), `${scriptUrl} runs as strict code`).toBe(true);
      expect(source, scriptUrl).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
    const styles = await fetch(`${url}/admin/admin.css`);
    expect(styles.headers.get('content-type')).toMatch(/^text\/css/);
    expect(styles.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('signs in, lists, pages, filters, reads transcripts safely, exports, shows analytics and deletes', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const problems: string[] = [];
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (m) => {
      // 401/403 answers are expected here (wrong and agent tokens); anything else logged as an error is a failure.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP blocked ${e.blockedURI} (${e.violatedDirective})`));
    });
    const alert = page.locator('#alert');
    const rowIds = () => page.locator('#list-body tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id));
    const row = (id: string) => page.locator(`#list-body tr[data-id="${id}"]`);
    const xssValue = () => page.evaluate(() => (window as unknown as { __xss?: number }).__xss);

    const response = await page.goto(`${url}/admin`);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(await page.title()).toBe('Admin: sign-in help bot');
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    // An agent's token is valid but not an admin's: 403, said so, still signing in.
    const tokenBox = page.getByLabel('Admin token');
    await tokenBox.fill(AGENT);
    await tokenBox.press('Enter');
    await expect.poll(() => alert.textContent()).toContain('This token is not an admin token');
    expect(await page.locator('#signin').isVisible()).toBe(true);
    expect(await page.locator('#console').isVisible()).toBe(false);

    // A wrong token: 401.
    await tokenBox.fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => alert.textContent()).toContain('not accepted');

    // The admin token: the name, the list in the server's order, the branch filter from /branches.
    await tokenBox.fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#admin-name', { hasText: 'carol' }).waitFor();
    expect(await alert.textContent()).toBe('');
    await row('c-alpha').waitFor();
    const firstPage = fake.conversations.slice(0, 25).map((f) => f.conversation.conversationId);
    expect(await rowIds()).toEqual(firstPage);
    expect(lastQuery('conversations')).toBe('offset=0&limit=25');
    expect(await page.locator('#list-count').textContent()).toBe('(30)');
    expect(await page.locator('#range').textContent()).toBe('1-25 of 30');
    expect(await page.locator('#prev').isDisabled()).toBe(true);
    expect(await page.locator('#f-branch option').allTextContents()).toEqual(['Any branch', ...BRANCHES.map((b) => b.title)]);
    const alphaCells = await row('c-alpha').locator('td').allInnerTexts();
    expect(alphaCells.slice(1)).toEqual([
      'Sam Lee\nsam@contoso.com',
      'Lost or stolen phone',
      'Escalated',
      '2/5',
      'MFA-ABC123',
      'My phone was stolen yesterday',
    ]);
    expect(await row('c-alpha').locator('.badge').getAttribute('class')).toContain('outcome-escalated');
    // A list cell with markup stays text.
    expect(await row('c-xss').locator('.preview').textContent()).toBe(XSS);
    expect(await row('c-xss').locator('.user').textContent()).toContain('<b>Mallory</b>');

    // Analytics per branch, with titles, rates, average rating and the top drop-off node.
    await page.locator('#analytics-body tr').first().waitFor();
    expect(lastQuery('analytics')).toBe('');
    const analyticsRows = await page
      .locator('#analytics-body tr')
      .evaluateAll((rows) => rows.map((r) => Array.from((r as HTMLTableRowElement).cells, (c) => c.textContent)));
    expect(analyticsRows).toEqual([
      ['Lost or stolen phone', '12', '33%', '50%', '2', '3.5 (4 ratings)', 'Check the phone is nearby (3)'],
      ['Code never arrives', '8', '75%', '13%', '1', '4.5 (4 ratings)', 'Sync the phone clock (1)'],
      ['Changed phone number', '3', '100%', '0%', '0', '—no ratings', '—none'], // a dash on screen, words for screen readers
    ]);
    expect(await page.locator('#analytics-foot tr').innerText()).toMatch(/All branches\s+23\s+57%\s+30%\s+3\s+4\.0 \(8 ratings\)/);

    // Paging asks for the next offset and says where we are.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#range', { hasText: '26-30 of 30' }).waitFor();
    expect(lastQuery('conversations')).toBe('offset=25&limit=25');
    expect(await rowIds()).toEqual(fake.conversations.slice(25).map((f) => f.conversation.conversationId));
    expect(await page.locator('#next').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.locator('#range', { hasText: '1-25 of 30' }).waitFor();
    expect(lastQuery('conversations')).toBe('offset=0&limit=25');

    const screenshots = path.join(projectRoot(), 'test-results');
    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'admin-console.png'), fullPage: true });

    // Open a transcript from the keyboard: roles, the agent's name, buttons as chips, card text, events, the path.
    await row('c-alpha').locator('button').focus();
    await page.keyboard.press('Enter');
    await page.locator('#transcript-title', { hasText: 'Conversation with Sam Lee' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('transcript-title');
    expect(await page.locator('#list-view').isVisible()).toBe(false);
    const meta = await page.locator('#transcript-meta').textContent();
    expect(meta).toContain('Escalated');
    expect(meta).toContain('Lost or stolen phone');
    expect(meta).toContain('Rated 2/5');
    expect(meta).toContain('Ticket MFA-ABC123');
    expect(await page.locator('#path-list li .node').allTextContents()).toEqual([
      'Main menu',
      'Lost or stolen phone',
      'Pass to the help desk',
    ]);
    expect(await page.locator('#path-list li').first().textContent()).toBe('Main menu (Lost or stolen phone)');
    expect(await page.locator('#sessions-list li').count()).toBe(2);
    const entries = page.locator('#entries');
    expect(await entries.locator('.from-user').count()).toBe(2);
    expect(await entries.locator('.from-bot').count()).toBe(2);
    expect(await entries.locator('.from-agent').count()).toBe(1);
    expect(await entries.locator('.system').count()).toBe(3);
    expect(await entries.locator('.from-agent .author').textContent()).toBe('Dana');
    expect(await entries.locator('.from-agent .msg-text').textContent()).toBe('Hello Sam, I am looking at your account now.');
    expect(await entries.locator('.from-bot').first().locator('.chip').allTextContents()).toEqual([
      'Lost or stolen phone',
      'Code never arrives',
    ]);
    // The bot's markdown reads as it did in the chat (bold, italics, escapes); a user's asterisks stay as typed.
    const greeting = entries.locator('.from-bot .msg-text').first();
    expect(await greeting.textContent()).toBe('Hi! What is keeping you out?\n\nPick one, or type 2*3 or snake_case');
    expect(await greeting.locator('strong').allTextContents()).toEqual(['keeping you out']);
    expect(await greeting.locator('em').allTextContents()).toEqual(['Pick one']);
    expect(await entries.locator('.from-user .msg-text').last().textContent()).toBe('Thanks! **really** _so_');
    expect(await entries.locator('.from-user strong, .from-user em').count()).toBe(0);
    expect(await entries.locator('.from-bot .card-text').textContent()).toBe('Ticket MFA-ABC123: Lost or stolen phone');
    expect(await entries.locator('.system').nth(1).textContent()).toContain('Event: handoff.requested');
    // User on the right, bot and agent on the left, events centred; the agent's bubble looks different from the bot's.
    const box = async (selector: string) => (await entries.locator(selector).first().boundingBox())!;
    const list = (await entries.boundingBox())!;
    const [user, bot, agent, system] = [await box('.from-user'), await box('.from-bot'), await box('.from-agent'), await box('.system')];
    expect(user.x + user.width).toBeGreaterThan(list.x + list.width - 20);
    expect(bot.x).toBeLessThan(list.x + 20);
    expect(agent.x).toBeLessThan(list.x + 20);
    expect(Math.abs(system.x + system.width / 2 - (list.x + list.width / 2))).toBeLessThan(5);
    const background = (selector: string) =>
      entries
        .locator(selector)
        .first()
        .evaluate((n) => getComputedStyle(n).backgroundColor);
    expect(await background('.from-agent')).not.toBe(await background('.from-bot'));
    await page.screenshot({ path: path.join(screenshots, 'admin-console-transcript.png'), fullPage: true });

    // Back to the list: focus returns to the row that was opened.
    await page.getByRole('button', { name: 'Back to conversations' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('tr')?.dataset.id)).toBe('c-alpha');

    // Markup in a transcript shows as text and runs nothing.
    await row('c-xss').locator('.preview').click(); // a click anywhere on the row opens it too
    await page.locator('#transcript-title', { hasText: 'Conversation with <b>Mallory</b>' }).waitFor();
    expect(await entries.locator('.from-user .msg-text').textContent()).toBe(XSS);
    expect(await entries.locator('.from-agent .author').textContent()).toBe('<b>Eve</b>');
    expect(await entries.locator('.from-agent .msg-text').textContent()).toBe('<img src=x onerror="window.__xss=5">');
    expect(await entries.locator('.chip').allTextContents()).toEqual(['<i>Yes</i>', 'No']);
    expect(await entries.locator('.card-text').textContent()).toBe('<script>window.__xss=4</script>');
    expect(await page.locator('#path-list').textContent()).toContain('<img src=x onerror="window.__xss=3">');
    expect(await page.locator('#transcript-view img, #transcript-view script, #transcript-view b, #transcript-view i').count()).toBe(0);
    expect(await page.locator('#list-body img, #list-body script, #list-body b').count()).toBe(0);
    expect(await xssValue()).toBeUndefined();

    // Delete asks in the page first; "Keep it" deletes nothing.
    await page.getByRole('button', { name: 'Delete conversation' }).click();
    await page.locator('#confirm-delete').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirm-no');
    await page.getByRole('button', { name: 'Keep it' }).click();
    expect(await page.locator('#confirm-delete').isVisible()).toBe(false);
    expect(fake.calls.some((c) => c.method === 'DELETE')).toBe(false);
    // Escape closes the confirm step too.
    await page.getByRole('button', { name: 'Delete conversation' }).click();
    await page.keyboard.press('Escape');
    expect(await page.locator('#confirm-delete').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Delete conversation' }).click();
    await page.getByRole('button', { name: 'Yes, delete it' }).click();
    await page.locator('#status', { hasText: 'Conversation deleted.' }).waitFor();
    expect(fake.deleted).toEqual(['c-xss']);
    expect(fake.calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/api/admin/conversations/c-xss']);
    expect(await page.locator('#list-view').isVisible()).toBe(true);
    await expect.poll(rowIds).not.toContain('c-xss');
    expect(await page.locator('#range').textContent()).toBe('1-25 of 29');

    // Filters: the list and analytics calls carry exactly what was picked (analytics: dates, outcome, rating only).
    await page.getByLabel('From', { exact: true }).fill('2025-06-01');
    await page.getByLabel('To (inclusive)').fill('2025-06-30');
    await page.getByLabel('Outcome', { exact: true }).selectOption('resolved');
    await page.getByLabel('Branch', { exact: true }).selectOption('changed-number');
    await page.getByLabel('Rating', { exact: true }).selectOption('5');
    await page.getByLabel('Words in the transcript').fill('new number');
    const analyticsCalls = callCount('analytics');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('#range', { hasText: '1-1 of 1' }).waitFor();
    expect(lastQuery('conversations')).toBe(
      'from=2025-06-01&to=2025-06-30&outcome=resolved&branch=changed-number&rating=5&q=new+number&offset=0&limit=25',
    );
    await expect.poll(() => callCount('analytics')).toBe(analyticsCalls + 1);
    expect(lastQuery('analytics')).toBe('from=2025-06-01&to=2025-06-30&outcome=resolved&rating=5');
    expect(await rowIds()).toEqual(['c-gamma']);

    // Export with those filters: fetched with the token, saved as the file the server sent, byte for byte.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(csvDownload.suggestedFilename()).toBe('transcripts-2025-06-30.csv');
    expect(await readFile((await csvDownload.path())!)).toEqual(Buffer.from(CSV, 'utf8'));
    expect(lastQuery('export')).toBe(
      'format=csv&from=2025-06-01&to=2025-06-30&outcome=resolved&branch=changed-number&rating=5&q=new+number',
    );
    const [jsonlDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSONL' }).click()]);
    expect(jsonlDownload.suggestedFilename()).toBe('transcripts-2025-06-30.jsonl');
    expect(await readFile((await jsonlDownload.path())!, 'utf8')).toBe(JSONL);
    expect(lastQuery('export')).toMatch(/^format=jsonl&from=2025-06-01&/);
    await page.locator('#status', { hasText: 'Downloaded transcripts-2025-06-30.jsonl.' }).waitFor();

    // A backwards date range is refused in the page.
    await page.getByLabel('From', { exact: true }).fill('2025-07-01');
    const listCalls = callCount('conversations');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => alert.textContent()).toContain('"From" date is after the "To" date');
    expect(callCount('conversations')).toBe(listCalls);

    // Reset clears every filter.
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.locator('#range', { hasText: '1-25 of 29' }).waitFor();
    expect(lastQuery('conversations')).toBe('offset=0&limit=25');
    expect(await page.getByLabel('Outcome', { exact: true }).inputValue()).toBe('');
    expect(await alert.textContent()).toBe('');

    // Phone-sized: nothing scrolls the page sideways; the wide tables scroll inside their own boxes.
    await page.setViewportSize({ width: 390, height: 844 });
    const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    const wrap = await page.locator('#list-wrap').evaluate((n) => ({ scroll: n.scrollWidth, client: n.clientWidth }));
    expect(wrap.scroll).toBeGreaterThan(wrap.client);
    await page.screenshot({ path: path.join(screenshots, 'admin-console-phone.png'), fullPage: true });
    await row('c-alpha').locator('button').click();
    await page.locator('#transcript-title', { hasText: 'Sam Lee' }).waitFor();
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(screenshots, 'admin-console-phone-transcript.png'), fullPage: true });

    // Still signed in after a reload (sessionStorage); a 401 later goes back to the sign-in form.
    await page.reload();
    await page.locator('#admin-name', { hasText: 'carol' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('admin-console.token'))).toBe(ADMIN);
    await row('c-alpha').waitFor();
    fake.revoked = true;
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('#signin').waitFor();
    expect(await alert.textContent()).toContain('not accepted');
    expect(await page.locator('#console').isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('admin-console.token'))).toBeNull();

    expect(await xssValue()).toBeUndefined();
    expect(requested.filter((u) => !u.startsWith(url) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 25_000);
});
