import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import { projectRoot } from '../paths.js';

/**
 * The console pages (agent console, admin page) are plain files from this origin: no inline script or style, no
 * frames, and fetch() may only talk to this server (their JSON APIs under /api). Downloads are saved from a blob:
 * URL through a download link, which needs no CSP source. `form-action 'none'`: the forms are handled in script,
 * so a page whose script failed to load can never submit a token in a URL.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * A browser file under src/web/: read from the sources in every mode, since tsc emits the compiled modules only
 * (none of the HTML, CSS or browser scripts) and dist/ has no copy of them.
 */
export function webFile(folder: string, name: string): string {
  return path.join(projectRoot(), 'src', 'web', folder, name);
}

const ASSET_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** `GET route` answers `body`, a stylesheet or script (by the route's extension), revalidated on every load. */
function serveAsset(server: Server, route: string, body: Buffer): void {
  const contentType = ASSET_TYPES[path.extname(route)];
  if (!contentType) throw new Error(`Not a stylesheet or script: ${route}`);
  server.get(route, async (_req: Request, res: Response) => {
    res.sendRaw(200, body, { ...COMMON_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-cache' });
  });
}

/**
 * What every console page uses besides its own files, from src/web/shared/: `/assets/console-base.css` (layout,
 * controls, sign-in form, panels), and the modules its scripts import: `/assets/console-auth.js` (the sign-in form
 * and the token kept in sessionStorage) and `/assets/dom.js` (finding and building elements). Served once per
 * server, however many pages ask for them: restify refuses a route declared twice.
 */
const SHARED_ASSETS = ['console-base.css', 'console-auth.js', 'dom.js'] as const;
const withSharedAssets = new WeakSet<Server>();

function registerSharedAssets(server: Server): void {
  if (withSharedAssets.has(server)) return;
  withSharedAssets.add(server);
  for (const name of SHARED_ASSETS) serveAsset(server, `/assets/${name}`, readFileSync(webFile('shared', name)));
}

export interface StaticPage {
  /** Where the page is served, e.g. `/agent` (also with a trailing slash); its scripts and styles are under it. */
  route: string;
  /** The page's folder under src/web/, e.g. `agent`, holding its index.html, scripts and stylesheet. */
  folder: string;
  /**
   * The page's own scripts in that folder, served at `${route}/<name>`: the one its index.html loads and every
   * module that one imports. An allow-list: no other file of the folder is served.
   */
  scripts: readonly string[];
  /** Its stylesheet in that folder, served at `${route}/<name>`. */
  styles: string;
}

/**
 * Serves a console page: `GET route` (and `route/`) the page's index.html with a strict CSP and no-store, its
 * scripts and stylesheet at `route/<name>`, and the files all console pages share under /assets/. Every file is
 * read once, here, and served with nosniff and no-referrer. The page holds no data itself: it talks to its API
 * with a bearer token kept in the tab's sessionStorage.
 */
export function registerStaticPage(server: Server, { route, folder, scripts, styles }: StaticPage): void {
  const page = readFileSync(webFile(folder, 'index.html'));
  const assets = [...scripts, styles].map((name) => ({ name, body: readFileSync(webFile(folder, name)) }));
  registerSharedAssets(server);

  const sendPage = async (_req: Request, res: Response) => {
    res.sendRaw(200, page, {
      ...COMMON_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': 'no-store',
    });
  };
  server.get(route, sendPage);
  server.get(`${route}/`, sendPage);
  for (const { name, body } of assets) serveAsset(server, `${route}/${name}`, body);
}
