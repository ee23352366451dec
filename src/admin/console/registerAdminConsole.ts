import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response, Server } from 'restify';
import { projectRoot } from '../../paths.js';

/**
 * The admin page is plain files from this origin: no inline script or style, no frames, and fetch() may only
 * talk to this server (the /api/admin JSON API, docs/admin-api.md). Exports are fetched with the bearer token and
 * saved from a blob: URL through a download link, which needs no CSP source. `form-action 'none'`: the forms are
 * handled in script, so a page whose script failed to load can never submit the admin token in a URL.
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

/** The assets live beside this module in src/, or under the project root when running from dist/. */
function consoleAsset(name: string): Buffer {
  const beside = path.join(path.dirname(fileURLToPath(import.meta.url)), name);
  const file = existsSync(beside) ? beside : path.join(projectRoot(), 'src', 'admin', 'console', name);
  return readFileSync(file);
}

/**
 * `GET /admin` serves the admin page (conversation transcripts, outcomes, analytics and export), a static page
 * over the admin API, with its script and styles at `/admin/admin.js` and `/admin/admin.css`. The page holds no
 * data itself; the admin's token stays in the tab's sessionStorage and goes to the API as a bearer token.
 */
export function registerAdminConsole(server: Server): void {
  const page = consoleAsset('index.html');
  const script = consoleAsset('admin.js');
  const styles = consoleAsset('admin.css');

  const sendPage = async (_req: Request, res: Response) => {
    res.sendRaw(200, page, {
      ...COMMON_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': 'no-store',
    });
  };
  server.get('/admin', sendPage);
  server.get('/admin/', sendPage);

  server.get('/admin/admin.js', async (_req: Request, res: Response) => {
    res.sendRaw(200, script, {
      ...COMMON_HEADERS,
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    });
  });

  server.get('/admin/admin.css', async (_req: Request, res: Response) => {
    res.sendRaw(200, styles, {
      ...COMMON_HEADERS,
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'no-cache',
    });
  });
}
