import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ConversationState } from 'botbuilder';
import type { Server } from 'restify';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { loadKnowledge, type KnowledgeTree } from './knowledge/loader.js';
import { LocalRecognizer } from './recognizer/localRecognizer.js';
import { LowdbStorage } from './stores/lowdbStorage.js';
import { LowdbOutcomeStore, type OutcomeStore } from './stores/outcomeStore.js';
import { TreeWalker } from './tree/walker.js';
import { createAdapter } from './bot/adapter.js';
import { HelpdeskBot } from './bot/helpdeskBot.js';
import { createServer } from './http/server.js';
import { registerDirectLine } from './directline/registerDirectLine.js';
import { registerWebChat } from './web/registerWebChat.js';

export interface App {
  server: Server;
  /** Base URL the server listens on, e.g. http://127.0.0.1:3978. */
  url: string;
  tree: KnowledgeTree;
  outcomes: OutcomeStore;
  logger: Logger;
  close(): Promise<void>;
}

/** Wires config -> stores -> services -> bot -> adapter -> HTTP, and starts listening. */
export async function startApp(config: Config, options: { logger?: Logger } = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const tree = loadKnowledge(config.knowledgeDir);
  const storage = await LowdbStorage.open(path.join(config.dataDir, 'state.json'));
  const outcomes = await LowdbOutcomeStore.open(path.join(config.dataDir, 'outcomes.json'));
  const conversationState = new ConversationState(storage);
  const bot = new HelpdeskBot(conversationState, {
    walker: new TreeWalker(tree),
    recognizer: new LocalRecognizer(tree),
    outcomes,
    threshold: config.recognizerThreshold,
    clock: () => new Date(),
  });
  const adapter = createAdapter(config, logger, conversationState);
  const server = createServer({
    adapter,
    bot,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    health: () => ({ knowledgeNodes: tree.nodes.size, localDirectLine: config.localDirectLine }),
  });

  let url = '';
  const baseUrl = (): string => config.publicUrl ?? url;
  const directLine = config.localDirectLine
    ? registerDirectLine(server, { logger, botEndpoint: () => `${url}/api/messages`, serviceUrl: baseUrl })
    : undefined;
  if (config.localDirectLine) registerWebChat(server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  logger.info({ url, localDirectLine: config.localDirectLine, authenticated: config.app.id !== '' }, 'bot listening');

  return {
    server,
    url,
    tree,
    outcomes,
    logger,
    close: async () => {
      directLine?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
