import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import restify, { type Server } from 'restify';
import { launchChromium } from '../../helpers/browser.js';

/**
 * A console page served by its own register function beside a fake API, and a Chromium to look at it: the
 * setup the agent and admin console tests share. `close` stops both.
 */
export async function serveConsoleWithFakeApi(
  register: (server: Server) => void,
): Promise<{ url: string; browser: Browser; close(): Promise<void> }> {
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

export interface ServedScript {
  url: string;
  status: number;
  headers: Headers;
  source: string;
  /** Runs as a module (loaded with type="module" or imported by one), which makes it strict code. */
  module: boolean;
}

// Static imports and re-exports at the start of a line (names, braces, commas and `*` before `from`); JSDoc
// `@import` lines (types only, never loaded) start with a comment.
const IMPORTS = /^(?:import|export)\s[\w$*\s{},]*\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm;

/**
 * Every script the page at `pageUrl` runs, as served: those its HTML loads, and every module those import, each
 * fetched once.
 */
export async function pageScripts(pageUrl: string): Promise<ServedScript[]> {
  const html = await (await fetch(pageUrl)).text();
  const pending = [...html.matchAll(/<script\b([^>]*)>/g)].map(([, attrs = '']) => ({
    url: new URL(/\bsrc="([^"]+)"/.exec(attrs)?.[1] ?? '', pageUrl).href,
    module: /\btype="module"/.test(attrs),
  }));
  const scripts: ServedScript[] = [];
  for (let next = pending.shift(); next; next = pending.shift()) {
    const { url, module } = next;
    if (scripts.some((s) => s.url === url)) continue;
    const res = await fetch(url);
    const source = await res.text();
    scripts.push({ url, status: res.status, headers: res.headers, source, module });
    if (!module) continue;
    for (const [, from, bare] of source.matchAll(IMPORTS)) pending.push({ url: new URL(from ?? bare ?? '', url).href, module: true });
  }
  return scripts;
}
