import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { KnowledgeError } from './knowledge/loader.js';
import { startApp, type App } from './app.js';
import { StoreUnavailableError } from './stores/postgres/database.js';

/** Drains and closes the app, then exits: 0 when everything closed, 1 when closing failed. */
function stop(app: App, signal: NodeJS.Signals): void {
  app.logger.info({ signal }, 'shutting down: finishing turns under way');
  app.close().then(
    () => {
      app.logger.info('stopped');
      process.exit(0);
    },
    (err: unknown) => {
      app.logger.error({ err: { message: (err as Error).message } }, 'shutdown failed');
      process.exit(1);
    },
  );
}

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  // Listened for before start-up, so a stop that arrives while the store opens still drains and flushes once
  // it is open, rather than killing the process mid-open. Once: a second signal gets Node's default (exit at
  // once), for an operator who will not wait.
  const started: { app?: App; signal?: NodeJS.Signals } = {};
  const shutdown = (signal: NodeJS.Signals): void => {
    started.signal = signal;
    if (started.app) stop(started.app, signal);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  const app = await startApp(config);
  started.app = app;
  if (started.signal) return stop(app, started.signal);
  const base = app.url.replace('127.0.0.1', 'localhost');
  if (config.localDirectLine) console.log(`\n  Web chat ready: open ${base} in a browser`);
  // Printed to the terminal for the person who started the bot, never to the structured log.
  if (app.devTokens?.agent) console.log(`  Agent console: ${base}/agent  (sign in with token ${app.devTokens.agent})`);
  if (app.devTokens?.admin) console.log(`  Admin review:  ${base}/admin  (sign in with token ${app.devTokens.admin})`);
  console.log('');
}

main().catch((err: unknown) => {
  // Configuration, knowledge and database errors are the user's to fix: print them plainly, without a stack.
  if (err instanceof ConfigError || err instanceof KnowledgeError || err instanceof StoreUnavailableError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
