import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
 * A page's file: beside `dir` when running from src/ (tsx, tests), else in `src/<srcFolder>` under the project
 * root, for dist/, where tsc emits the compiled modules only and none of the HTML, CSS or browser scripts.
 */
function readAsset(dir: string, srcFolder: string, name: string): Buffer {
  const beside = path.join(dir, name);
  const file = existsSync(beside) ? beside : path.join(projectRoot(), 'src', ...srcFolder.split('/'), name);
  return readFileSync(file);
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

/** The folder of the files every console page shares, relative to src/. */
const SHARED_FOLDER = 'web/shared';

/**
 * What every console page links before its own files: `/assets/console-base.css` (layout, controls, sign-in form,
 * panels) and `/assets/console-auth.js` (the sign-in form and the token kept in sessionStorage). Served once
 * per server, however many pages ask for them: restify refuses a route declared twice.
 */
const SHARED_ASSETS = ['console-base.css', 'console-auth.js'] as const;
const withSharedAssets = new WeakSet<Server>();

function registerSharedAssets(server: Server): void {
  if (withSharedAssets.has(server)) return;
  withSharedAssets.add(server);
  const dir = fileURLToPath(new URL(`../${SHARED_FOLDER}/`, import.meta.url));
  for (const name of SHARED_ASSETS) serveAsset(server, `/assets/${name}`, readAsset(dir, SHARED_FOLDER, name));
}

export interface StaticPage {
  /** Where the page is served, e.g. `/agent` (also with a trailing slash); its script and styles are under it. */
  route: string;
  /** The registering module's `import.meta.url`: in src/, the page's files lie beside it. */
  moduleUrl: string;
  /** The same folder relative to src/, e.g. `agent/console`, for running from dist/. */
  srcFolder: string;
  /** The page's own script and stylesheet, beside its index.html, served at `${route}/${name}`. */
  script: string;
  styles: string;
}

/**
 * Serves a console page: `GET route` (and `route/`) the page's index.html with a strict CSP and no-store, its
 * script and stylesheet at `route/<name>`, and the files all console pages share under /assets/. Every file is
 * read once, here, and served with nosniff and no-referrer. The page holds no data itself: it talks to its API
 * with a bearer token kept in the tab's sessionStorage.
 */
export function registerStaticPage(server: Server, { route, moduleUrl, srcFolder, script, styles }: StaticPage): void {
  const dir = path.dirname(fileURLToPath(moduleUrl));
  const page = readAsset(dir, srcFolder, 'index.html');
  const scriptBody = readAsset(dir, srcFolder, script);
  const stylesBody = readAsset(dir, srcFolder, styles);
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
  serveAsset(server, `${route}/${script}`, scriptBody);
  serveAsset(server, `${route}/${styles}`, stylesBody);
}
