import { expect } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { screenshot, tabTo } from '../helpers/pages.js';
import type { App } from '../../../src/app.js';
import type { WebChatUser } from '../helpers/webChat.js';

export const AGENT_TOKEN = 'alice-agent-token-0123456789abcdef';
export const ADMIN_TOKEN = 'carol-admin-token-0123456789abcdef';

/** A screen the journeys run on: a desktop browser window, or a phone. */
export interface Device {
  name: 'desktop' | 'phone';
  context: BrowserContextOptions;
  /** Who the end user is on this run, so each run's conversation can be told apart by the admin. */
  person: { userId: string; phone: string; word: string };
}

export const DEVICES: Device[] = [
  {
    name: 'desktop',
    context: { viewport: { width: 1280, height: 900 } },
    person: { userId: 'alex.morgan@contoso.com', phone: '+1 425 555 0100', word: 'sunflower' },
  },
  {
    name: 'phone',
    // An iPhone 12-sized screen in Chromium: touch, mobile viewport rules, 390 CSS pixels wide.
    context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    person: { userId: 'sam.lee@contoso.com', phone: '+44 7700 900123', word: 'lighthouse' },
  },
];

export interface Opened {
  context: BrowserContext;
  page: Page;
  problems: string[];
  offsite: string[];
}

/** What one run of the three journeys shares: the server, the browser, and what each journey leaves behind. */
export interface World {
  app: App;
  browser: Browser;
  device: Device;
  /** How many runs (devices) have gone through the journeys before this one, on the same server. */
  earlierRuns: number;
  user?: Opened & { chat: WebChatUser; ticketId: string; conversationId: string };
  agent?: Opened;
}

/** The screenshots the README and docs/ show (docs/screenshots/, refreshed by `npm run screenshots`). */
const README_SHOTS = new Set([
  'desktop-1-user-welcome',
  'desktop-2-user-review-card',
  'desktop-4-user-ticket',
  'desktop-6-agent-chat',
  'desktop-7-user-agent-reply',
  'desktop-8-user-rated',
  'desktop-9-admin-list',
  'desktop-10-admin-transcript',
  'phone-1-user-welcome',
  'phone-2-user-review-card',
  'phone-6-agent-chat',
  'phone-9-admin-list',
]);

/** A screenshot of this run: the whole page on desktop when asked, the screen as a person sees it on a phone. */
export async function shoot(world: World, page: Page, name: string, fullPage = false): Promise<void> {
  const full = `${world.device.name}-${name}`;
  await screenshot(page, full, { fullPage: fullPage && world.device.name === 'desktop', docs: README_SHOTS.has(full) });
}

/**
 * Operates a control the way this run's person would: on desktop with the keyboard alone (Tab from the top of
 * the page until it has a visible focus, then Enter), on a phone with a tap.
 */
export async function press(world: World, page: Page, control: Locator): Promise<void> {
  await control.waitFor();
  if (world.device.name === 'phone') return control.tap();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  expect(await tabTo(page, control), `keyboard: ${await control.textContent()}`).toBe('');
  await page.keyboard.press('Enter');
}
