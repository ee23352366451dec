import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choiceCard } from '../../dialogs/choiceCard.js';
import { ticketReviewCard } from '../../src/cards/ticketReviewCard.js';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { summaryToAdaptiveCard } from '../../src/cards/summaryCard.js';
import { buildSummary } from '../../src/tickets/summary.js';
import type { Ticket } from '../../src/tickets/ticket.js';
import { ui } from '../../src/tree/messages.js';
import { cardProblems } from '../helpers/adaptiveCards.js';
import { tempDir } from '../helpers/botHarness.js';
import { launchChromium, skipBrowserTests } from '../helpers/browser.js';
import { screenshot, watchPage } from './helpers/pages.js';
import { WebChatUser } from './helpers/webChat.js';

const ticket: Ticket = {
  id: 'MFA-7K3Q9P',
  status: 'queued',
  priority: 'urgent',
  category: 'lost-phone',
  categoryTitle: 'Lost or stolen phone',
  fields: {
    userId: 'alex@contoso.com',
    errorMessage: 'The sign-in stopped at the second step <b>twice</b> *today*',
    errorCode: 'AADSTS50076',
    sessionId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    timestamp: '2026-11-22T09:52:00+01:00',
    accountType: 'work-or-school',
  },
  extras: { appName: 'Outlook on the web', ipAddress: '203.0.113.7' },
  stepsTried: [{ node: 'lost-phone-other-method', title: 'Sign in with your other phone', outcome: 'not fixed' }],
  escalatedFrom: 'lost-phone-admin-reset',
  conversation: { channelId: 'webchat', serviceUrl: 'http://localhost', conversationId: 'c1', reference: {} },
  createdAt: '2026-11-22T09:55:00.000Z',
  updatedAt: '2026-11-22T09:55:00.000Z',
  userWaiting: true,
  messages: [],
};

/** Each card the bot builds, with a text that shows it rendered. */
const cards: { name: string; card: unknown; shows: string }[] = [
  { name: 'ticket review', card: (ticketReviewCard(ticket.fields) as { card: unknown }).card, shows: 'Your request to the help desk' },
  { name: 'escalation summary', card: summaryToAdaptiveCard(buildSummary(ticket, new Date('2026-11-22T10:00:00Z'))), shows: 'Steps tried' },
  { name: 'Teams choices (five or fewer)', card: choiceCard(ui.fixedChoices), shows: 'No, still stuck' },
  { name: 'Teams choices (one per row)', card: choiceCard(ui.ratingChoices), shows: 'Skip' },
];

describe.skipIf(skipBrowserTests)("the bot's Adaptive Cards rendered by Web Chat", () => {
  let app: App;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir('cards-');
    app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('renders every card without errors, from the same connector route the bot replies through', async () => {
    for (const { name, card } of cards) expect(cardProblems(card), name).toEqual([]);
    const context = await browser.newContext({ viewport: { width: 900, height: 1400 } });
    const page = await context.newPage();
    const watched = await watchPage(page, app.url);
    let conversationId = '';
    page.on('websocket', (ws) => {
      conversationId ||= /\/conversations\/([^/]+)\/stream/.exec(ws.url())?.[1] ?? '';
    });
    await page.goto(`${app.url}/`);
    const chat = new WebChatUser(page);
    await chat.buttons.first().waitFor({ timeout: 10_000 });
    expect(conversationId).not.toBe('');

    for (const { name, card, shows } of cards) {
      // Posted as the bot posts its replies: to the connector, with the bot's credential.
      const res = await fetch(`${app.localConnector!.serviceUrl}/v3/conversations/${conversationId}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: app.localConnector!.authorization },
        body: JSON.stringify({
          type: 'message',
          from: { id: 'bot', role: 'bot' },
          text: name,
          attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
        }),
      });
      expect(res.status, name).toBe(200);
      await chat.cards.filter({ hasText: shows }).first().waitFor({ timeout: 10_000 });
    }
    expect(await chat.cards.count()).toBe(cards.length);
    // User text in a card shows as typed: neither its markdown nor its HTML is interpreted.
    expect(await chat.cards.nth(1).textContent()).toContain('second step <b>twice</b> *today*');
    expect(await page.locator('.webchat__adaptive-card-renderer :is(b, strong, em, script)', { hasText: /twice|today/ }).count()).toBe(0);
    await screenshot(page, 'cards-in-webchat', { fullPage: true });
    // Web Chat warns "Failed to render Adaptive Cards" (and renders nothing) when a card does not parse.
    expect(watched.problems).toEqual([]);
    expect(watched.offsite).toEqual([]);
    await context.close();
  });
});
