import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { KnowledgeError } from './knowledge/loader.js';
import { startApp } from './app.js';
import { StoreUnavailableError } from './stores/postgres/database.js';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const app = await startApp(config);
  const base = app.url.replace('127.0.0.1', 'localhost');
  if (config.localDirectLine) console.log(`\n  Web chat ready: open ${base} in a browser`);
  // Printed to the terminal for the person who started the bot, never to the structured log.
  if (app.devTokens?.agent) console.log(`  Agent console: ${base}/agent  (sign in with token ${app.devTokens.agent})`);
  if (app.devTokens?.admin) console.log(`  Admin review:  ${base}/admin  (sign in with token ${app.devTokens.admin})`);
  console.log('');
  // Once: a second signal while draining gets Node's default (exit at once), for an operator who will not wait.
  const shutdown = (signal: NodeJS.Signals): void => {
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
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  // Configuration, knowledge and database errors are the user's to fix: print them plainly, without a stack.
  if (err instanceof ConfigError || err instanceof KnowledgeError || err instanceof StoreUnavailableError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
