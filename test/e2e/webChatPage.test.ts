import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { projectRoot } from '../../src/paths.js';
import { ui } from '../../src/tree/messages.js';
import { launchChromium, skipBrowserTests } from '../helpers/browser.js';

/** Matches the start of a bot text as Web Chat shows it: its markdown renderer turns quotes into curly ones. */
function shown(text: string, length = 40): RegExp {
  const escaped = text.slice(0, length).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(escaped.replace(/'/g, "['\u2018\u2019]").replace(/"/g, '["\u201c\u201d]'));
}

describe.skipIf(skipBrowserTests)('Web Chat page in Chromium (local Direct Line, no network)', () => {
  let app: App;
  let tmpDir: string;
  let browser: Browser;

  beforeAll(async () => {
    tmpDir = await mkdtemp(path.join(os.tmpdir(), 'browser-test-'));
    app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tmpDir, LOG_LEVEL: 'silent' }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  });

  it('connects, greets, walks "phone at home" to a fix and asks for a rating, all from this server', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('websocket', (ws) => requested.push(ws.url()));
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    // A blocked style or script would only show up here (Web Chat swallows some failures).
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP blocked ${e.blockedURI} (${e.violatedDirective})`));
    });

    // A paragraph of a message bubble (Web Chat also keeps hidden copies of each text for screen readers).
    const said = (text: RegExp) => page.getByRole('paragraph').filter({ hasText: text }).last();
    // The visible buttons (a hidden live-region copy exists for screen readers).
    const button = (name: string) => page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name, exact: true });

    const response = await page.goto(`${app.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await page.title()).toBe('Sign-in help: two-step verification');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.getByRole('heading', { name: 'Sign-in help: two-step verification' }).isVisible()).resolves.toBe(true);

    // Connected over the WebSocket stream: the welcome and the menu's buttons arrive.
    const root = app.tree.nodes.get(app.tree.index.root) as { options: { label: string }[] };
    await said(shown(app.tree.index.welcome)).waitFor({ timeout: 10_000 });
    await button(root.options[0]!.label).waitFor();
    const labels = await page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button').allInnerTexts();
    expect(labels.map((l) => l.trim())).toEqual(root.options.map((o) => o.label));
    expect(requested.some((url) => /^ws:\/\/127\.0\.0\.1:\d+\/directline\/conversations\/[^/]+\/stream/.test(url))).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('signin-help.userId'))).toMatch(/^u_[0-9a-f]{18}$/);

    // Typed words, not a button: the recognizer picks the branch.
    const sendBox = page.getByPlaceholder('Describe the problem, or pick an option');
    await sendBox.fill('I left my phone at home');
    await sendBox.press('Enter');
    const yes = button(ui.fixedChoices[0]?.label ?? 'Yes, that worked');
    await yes.waitFor({ timeout: 10_000 });
    await said(shown(ui.fixedQuestion.replaceAll('*', ''))).waitFor();
    await yes.click();

    const resolved = app.tree.nodes.get(app.tree.index.defaults.resolved) as { text: string };
    await said(shown(resolved.text)).waitFor({ timeout: 10_000 });
    await said(shown(ui.ratingPrompt, 200)).waitFor();
    await button(ui.ratingChoices[4]?.label ?? '5').waitFor();

    // The bundle comes from node_modules, cacheable for a year (the page links it with its version).
    const bundle = await fetch(`${app.url}/webchat.js`);
    expect(bundle.headers.get('cache-control')).toContain('max-age=31536000');
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000);

    const screenshots = path.join(projectRoot(), 'test-results');
    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'browser-webchat.png') });

    const origin = new URL(app.url);
    const offsite = requested.filter((url) => {
      if (url.startsWith('data:') || url.startsWith('blob:')) return false;
      return new URL(url).hostname !== origin.hostname;
    });
    expect(offsite).toEqual([]);
    expect(requested.filter((url) => url.startsWith('http')).every((url) => url.startsWith(app.url))).toBe(true);
    expect(problems).toEqual([]);
  });
});
