import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import restify, { type Server } from 'restify';
import { launchChromium } from '../../helpers/browser.js';

/**
 * A console page served by its own register function beside a fake API, and a Chromium to look at it: the
 * setup the agent and admin console tests share. `close` stops both.
 */
export async function serveConsoleWithFakeApi(register: (server: Server) => void): Promise<{ url: string; browser: Browser; close(): Promise<void> }> {
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  register(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  return {
    url,
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
