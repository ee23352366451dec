import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import { registerStaticPage, webFile } from '../http/staticPages.js';

// The browser pages, one folder each beside this module: chat/ (the Web Chat page at /), agent/ (/agent),
// admin/ (/admin), and shared/ (what both consoles use, under /assets/). Their scripts are served as written;
// tsconfig.web.json type-checks them.

/**
 * Web Chat styles itself with emotion (<style> tags) and inline style attributes, hence 'unsafe-inline' for
 * styles only. Scripts come from this origin alone, and connections go to this server only: 'self' covers
 * the same-origin WebSocket in current browsers, the explicit ws:/wss: entries (the host stream URLs are
 * built on) cover older Safari.
 */
function contentSecurityPolicy(base: string): string {
  const host = new URL(base).host;
  const sameHostSockets = ` ws://${host} wss://${host}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' blob:",
    `connect-src 'self'${sameHostSockets}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The installed botframework-webchat (its package.json is not exported, so walk up from its entry point). */
function findWebChat(): { bundle: string; version: string } | undefined {
  let dir: string;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('botframework-webchat'));
  } catch {
    return undefined;
  }
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'botframework-webchat') {
        return { bundle: path.join(dir, 'dist', 'webchat.js'), version: pkg.version ?? '0' };
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

interface Bundle {
  raw: Buffer;
  gzipped: Buffer;
}

/**
 * `GET /` serves the chat page, `/webchat.js` the Web Chat bundle from node_modules (no CDN), `/chat.js` the
 * few lines that connect it to the local Direct Line. The page links the bundle with its version in the query
 * string, so the bundle can be cached for a year and an upgrade still reaches browsers at once.
 */
export function registerWebChat(server: Server, publicBase: (host: string | undefined) => string): void {
  const webChat = findWebChat();
  const version = encodeURIComponent(webChat?.version ?? 'missing');
  const page = readFileSync(webFile('chat', 'index.html'), 'utf8').replaceAll('{{WEBCHAT_VERSION}}', version);
  const chatScript = readFileSync(webFile('chat', 'chat.js'));
  // Read and compressed on first request: 3.9 MB that tests and bot-only deployments never ask for.
  let bundle: Promise<Bundle> | undefined;

  server.get('/', async (req: Request, res: Response) => {
    res.sendRaw(200, page, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': contentSecurityPolicy(publicBase(req.headers.host)),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
  });

  server.get('/chat.js', async (_req: Request, res: Response) => {
    res.sendRaw(200, chatScript, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  server.get('/webchat.js', async (req: Request, res: Response) => {
    if (!webChat) {
      res.sendRaw(503, 'botframework-webchat is not installed: run npm ci.', { 'Content-Type': 'text/plain' });
      return;
    }
    bundle ??= readFile(webChat.bundle).then(async (raw) => ({ raw, gzipped: await promisify(gzip)(raw) }));
    let loaded: Bundle;
    try {
      loaded = await bundle;
    } catch {
      bundle = undefined;
      res.sendRaw(503, `Could not read ${webChat.bundle}.`, { 'Content-Type': 'text/plain' });
      return;
    }
    const useGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    res.sendRaw(200, useGzip ? loaded.gzipped : loaded.raw, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      Vary: 'Accept-Encoding',
      ...(useGzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
  });
}

/**
 * `GET /agent` serves the agent console, a static page over the agent API (docs/agent-api.md), with its
 * modules under `/agent/` (the page loads `console.js`, which imports the rest and the shared ones under
 * /assets/) and its styles at `/agent/console.css`. The page holds no data itself; the agent's token stays in the
 * tab's sessionStorage and goes to the API as a bearer token.
 */
export function registerAgentConsole(server: Server): void {
  registerStaticPage(server, {
    route: '/agent',
    folder: 'agent',
    scripts: ['console.js', 'api.js', 'state.js', 'format.js', 'queue.js', 'summary.js', 'chat.js', 'ticket.js', 'actions.js'],
    styles: 'console.css',
  });
}

/**
 * `GET /admin` serves the admin page (conversation transcripts, outcomes, analytics and export), a static page
 * over the admin API (docs/admin-api.md), with its modules under `/admin/` (the page loads `admin.js`, which
 * imports the rest and the shared ones under /assets/) and its styles at `/admin/admin.css`. The page holds no
 * data itself; the admin's token stays in the tab's sessionStorage and goes to the API as a bearer token. Exports
 * are fetched with that token and saved from a blob: URL.
 */
export function registerAdminConsole(server: Server): void {
  registerStaticPage(server, {
    route: '/admin',
    folder: 'admin',
    scripts: [
      'admin.js',
      'api.js',
      'state.js',
      'format.js',
      'markdown.js',
      'transcript.js',
      'list.js',
      'analytics.js',
      'filters.js',
      'delete.js',
      'export.js',
    ],
    styles: 'admin.css',
  });
}
