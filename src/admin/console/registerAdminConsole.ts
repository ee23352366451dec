import type { Server } from 'restify';
import { registerStaticPage } from '../../http/staticPages.js';

/**
 * `GET /admin` serves the admin page (conversation transcripts, outcomes, analytics and export), a static page
 * over the admin API (docs/admin-api.md), with its script and styles at `/admin/admin.js` and `/admin/admin.css`
 * (after the shared ones under /assets/). The page holds no data itself; the admin's token stays in the tab's
 * sessionStorage and goes to the API as a bearer token. Exports are fetched with that token and saved from a
 * blob: URL.
 */
export function registerAdminConsole(server: Server): void {
  registerStaticPage(server, {
    route: '/admin',
    moduleUrl: import.meta.url,
    srcFolder: 'admin/console',
    script: 'admin.js',
    styles: 'admin.css',
  });
}
