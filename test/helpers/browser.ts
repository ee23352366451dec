import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium: tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** `SKIP_BROWSER_TESTS=1` skips the tests that need a browser (e.g. on machines without chromium). */
export const skipBrowserTests = process.env.SKIP_BROWSER_TESTS === '1';

/** Launches headless Chromium with everything that phones home switched off; fails with how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No browser at ${CHROMIUM}: run \`apt-get install chromium\` (or set SKIP_BROWSER_TESTS=1 to skip).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
