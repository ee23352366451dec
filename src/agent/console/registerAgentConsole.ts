import type { Server } from 'restify';
import { registerStaticPage } from '../../http/staticPages.js';

/**
 * `GET /agent` serves the agent console, a static page over the agent API (docs/agent-api.md), with its
 * script and styles at `/agent/console.js` and `/agent/console.css` (after the shared ones under /assets/).
 * The page holds no data itself; the agent's token stays in the tab's sessionStorage and goes to the API as a
 * bearer token.
 */
export function registerAgentConsole(server: Server): void {
  registerStaticPage(server, {
    route: '/agent',
    moduleUrl: import.meta.url,
    srcFolder: 'agent/console',
    script: 'console.js',
    styles: 'console.css',
  });
}
