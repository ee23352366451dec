import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { projectRoot } from '../../../src/paths.js';

/**
 * Journeys save every screenshot to test-results/screenshots. With UPDATE_SCREENSHOTS=1 (`npm run screenshots`)
 * the ones marked for the README also go to docs/screenshots, which is committed: ticket ids and times differ on
 * every run, so writing docs/ on every `npm test` would leave changed images behind each time.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean; docs?: boolean } = {}): Promise<void> {
  const dirs = [path.join(projectRoot(), 'test-results', 'screenshots')];
  if (options.docs && process.env.UPDATE_SCREENSHOTS === '1') dirs.push(path.join(projectRoot(), 'docs', 'screenshots'));
  for (const dir of dirs) {
    await mkdir(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: options.fullPage ?? false });
  }
}

/**
 * What a page did that a person would see as broken: script errors, console errors and warnings (Web Chat warns
 * when it cannot render an Adaptive Card), CSP blocks, and requests to any other host than the server.
 */
export async function watchPage(page: Page, origin: string): Promise<{ problems: string[]; offsite: string[] }> {
  const problems: string[] = [];
  const offsite: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    // A 401 on a wrong token is the page doing its job; Chromium logs every failed fetch as an error.
    if ((m.type() === 'error' || m.type() === 'warning') && !m.text().startsWith('Failed to load resource')) {
      problems.push(`console ${m.type()}: ${m.text()}`);
    }
  });
  const note = (url: string) => {
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).host !== new URL(origin).host) offsite.push(url);
  };
  page.on('request', (r) => note(r.url()));
  page.on('websocket', (ws) => note(ws.url()));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP blocked ${e.blockedURI} (${e.violatedDirective})`));
  });
  return { problems, offsite };
}

/** Nothing sticks out sideways: the page does not scroll horizontally at this viewport. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * A control a person can reach: once scrolled to, all of it is inside the viewport and it is the topmost
 * element at its centre (not hidden under a header or another panel). Returns what is wrong, or ''.
 */
export async function unreachable(control: Locator): Promise<string> {
  await control.scrollIntoViewIfNeeded();
  return control.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const w = document.documentElement.clientWidth;
    const h = window.innerHeight;
    const label = (el.textContent || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 40);
    if (r.width === 0 || r.height === 0) return `${label}: not rendered`;
    if (r.left < -0.5 || r.right > w + 0.5 || r.top < -0.5 || r.bottom > h + 0.5) {
      return `${label}: cut off (${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)} in ${w}x${h})`;
    }
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!top || (top !== el && !el.contains(top))) return `${label}: covered by ${top?.tagName.toLowerCase() ?? 'nothing'}`;
    return '';
  });
}

/** `unreachable` for every control the locator matches; the list of problems, empty when all are fine. */
export async function unreachableAll(controls: Locator): Promise<string[]> {
  const problems: string[] = [];
  for (const control of await controls.all()) {
    const problem = await unreachable(control);
    if (problem) problems.push(problem);
  }
  return problems;
}

/**
 * Presses Tab (from where focus is now) until `control` has the focus, as a keyboard user would, and returns
 * what is wrong: never reached within `maxTabs`, or focused without a visible focus indicator. '' when fine.
 */
export async function tabTo(page: Page, control: Locator, maxTabs = 80): Promise<string> {
  const target = await control.elementHandle();
  if (!target) return 'no such control';
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement));
    if (!focused) continue;
    const indicator = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const own = getComputedStyle(el);
      const ring = (s: CSSStyleDeclaration) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
      // Web Chat draws its focus ring on a child element that is shown only while the button has keyboard focus.
      const drawn = Array.from(el.querySelectorAll('[class*="focus-indicator"]')).some((child) => {
        const c = getComputedStyle(child);
        return c.display !== 'none' && c.borderStyle !== 'none' && parseFloat(c.borderWidth) > 0;
      });
      return ring(own) || drawn || ring(getComputedStyle(el, '::after')) || ring(getComputedStyle(el, '::before'));
    });
    return indicator ? '' : `reached after ${i + 1} Tab presses, but shows no focus indicator`;
  }
  return `not reached with ${maxTabs} Tab presses`;
}
