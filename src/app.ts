import { nanoid } from 'nanoid';
import { registerAdminRoutes } from './admin/adminRoutes.js';
import { registerAgentRoutes } from './agent/agentRoutes.js';
import { createAssistant } from './assistant/createAssistant.js';
import { createAdapter } from './bot/adapter.js';
import { createBotEndpoint } from './bot/botEndpoint.js';
import { createBot } from './bot/createBot.js';
import { ProactiveChannel } from './bot/proactiveChannel.js';
import type { Config } from './config.js';
import { registerDirectLine } from './directline/registerDirectLine.js';
import { HandoffService } from './handoff/handoffService.js';
import type { TicketStore } from './handoff/ticketStore.js';
import { clientAddressOf } from './http/clientAddress.js';
import { ownHostNames } from './http/ownHosts.js';
import { RateLimits } from './http/rateLimits.js';
import { replyTargetPolicy } from './http/replyTargets.js';
import { createServer, type HttpServer } from './http/server.js';
import { newSecret } from './http/sharedSecret.js';
import { TokenAuth, type NamedToken } from './http/tokenAuth.js';
import { loadKnowledge, type KnowledgeTree } from './knowledge/loader.js';
import { createLogger, type Logger } from './logger.js';
import { createWebhookNotifier, noopNotifier } from './outbound/webhookNotifier.js';
import { LocalRecognizer } from './recognizer/localRecognizer.js';
import { openStores, type StateStorage, type Stores } from './stores/openStores.js';
import type { TranscriptStore } from './transcripts/types.js';
import { registerAdminConsole, registerAgentConsole, registerWebChat } from './web/pages.js';

export interface App {
  server: HttpServer['server'];
  /** Base URL the server listens on, e.g. http://127.0.0.1:3978. */
  url: string;
  tree: KnowledgeTree;
  /** Bot Framework state storage (ConversationState), for tools such as the benchmark's seeding. */
  storage: StateStorage;
  /** Which store the app runs on: the embedded one in DATA_DIR, or PostgreSQL (DATABASE_URL). */
  store: Stores['kind'];
  transcripts: TranscriptStore;
  tickets: TicketStore;
  handoff: HandoffService;
  logger: Logger;
  /** Tokens generated for a local "dev" agent and admin when none are configured and the local web chat is on. */
  devTokens?: { agent?: string; admin?: string };
  /**
   * The local Direct Line's connector as the bot reaches it: its base URL and the bot's credential, for tools in
   * this process that post to a conversation as the bot does (never sent to a client).
   */
  localConnector?: { serviceUrl: string; authorization: string };
  close(): Promise<void>;
}

/** Where this process listens, known only once it does; the local channel and the bot endpoint need it before. */
class ListeningAddress {
  url = '';
  /** Host headers that name this server (see ownHostNames). */
  ownHosts = new Set<string>();
}

/**
 * The composition root: config -> stores -> services -> bot -> HTTP, then listening. With src/bot/createBot.ts,
 * the only place that knows every layer.
 */
export async function startApp(config: Config, options: { logger?: Logger } = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const tree = loadKnowledge(config.knowledgeDir);
  const stores = await openStores(config, logger);
  const clock = (): Date => new Date();
  const address = new ListeningAddress();
  // Both halves of the local Direct Line live in this process; they trust each other through two secrets made now.
  const localChannel = config.localDirectLine ? { toBot: newSecret(), fromBot: newSecret() } : undefined;
  const adapter = createAdapter(
    config,
    localChannel && {
      get serviceUrl() {
        return address.url;
      },
      secret: localChannel.fromBot,
    },
  );

  const assistant = createAssistant(config, tree, new LocalRecognizer(tree), logger);
  const channel = new ProactiveChannel(adapter, config.app.id);
  const handoff = new HandoffService({
    tickets: stores.tickets,
    channel,
    notifier: config.escalationWebhookUrl ? createWebhookNotifier({ url: config.escalationWebhookUrl, logger }) : noopNotifier,
    logger,
    clock,
    unclaimedAfterMs: config.handoffUnclaimedMs,
    assistant,
  });
  const bot = createBot({
    adapter,
    storage: stores.storage,
    tree,
    assistant,
    handoff,
    transcripts: stores.transcripts,
    turnLock: stores.turnLock,
    signals: channel,
    logger,
    clock,
  });

  const clientOf = clientAddressOf(config.trustProxy);
  const rateLimits = new RateLimits(config.rateLimits, clientOf);
  const http = createServer({
    processActivity: createBotEndpoint({
      adapter,
      appId: config.app.id,
      localChannel: localChannel && {
        get serviceUrl() {
          return address.url;
        },
        secret: localChannel.toBot,
      },
      replyTargets: replyTargetPolicy(config.allowedServiceUrls),
      run: (context) => bot.run(context),
      logger,
    }),
    anonymousBotEndpoint: config.app.id === '' && !config.localDirectLine,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    requestTimeoutMs: config.requestTimeoutMs,
    rateLimits,
    health: () => ({ knowledgeNodes: tree.nodes.size, localDirectLine: config.localDirectLine }),
  });

  // Browsers reach the page at PUBLIC_URL, or at one of this machine's own names; never at whatever a Host
  // header claims (it is the client's to write).
  const publicBase = (host: string | undefined): string =>
    config.publicUrl ?? (host && address.ownHosts.has(host.toLowerCase()) ? `http://${host.toLowerCase()}` : address.url);
  const directLine = localChannel
    ? registerDirectLine(http, {
        logger,
        botEndpoint: () => `${address.url}/api/messages`,
        serviceUrl: () => address.url,
        publicBase,
        secrets: localChannel,
        clientOf,
        limits: config.directLine,
      })
    : undefined;
  if (config.localDirectLine) registerWebChat(http.server, publicBase);
  const devTokens = registerConsoles(http, config, { handoff, transcripts: stores.transcripts, tree, rateLimits, clock });
  const stopHousekeeping = startHousekeeping(config, { handoff, transcripts: stores.transcripts, logger, clock });

  try {
    await listen(http, config, address);
  } catch (err) {
    stopHousekeeping();
    await stores.close(); // an open pool would keep the failed process alive
    throw err;
  }
  const model = config.openai && { model: config.openai.model, baseUrl: config.openai.baseUrl ?? 'api.openai.com' };
  logger.info(
    {
      url: address.url,
      localDirectLine: config.localDirectLine,
      authenticated: config.app.id !== '',
      store: stores.kind,
      model: model || 'off',
    },
    'bot listening',
  );

  return {
    server: http.server,
    url: address.url,
    tree,
    storage: stores.storage,
    store: stores.kind,
    transcripts: stores.transcripts,
    tickets: stores.tickets,
    handoff,
    logger,
    devTokens,
    ...(localChannel ? { localConnector: { serviceUrl: address.url, authorization: `Bearer ${localChannel.fromBot}` } } : {}),
    close: async () => {
      stopHousekeeping();
      directLine?.close();
      await new Promise<void>((resolve) => http.server.close(() => resolve()));
      await stores.close();
    },
  };
}

/**
 * The agent console and the admin page with their APIs. Local runs get a throwaway agent and admin so the
 * consoles can be tried at once; deployments configure tokens. Returns the throwaway tokens, if any.
 */
function registerConsoles(
  { server }: HttpServer,
  config: Config,
  deps: { handoff: HandoffService; transcripts: TranscriptStore; tree: KnowledgeTree; rateLimits: RateLimits; clock: () => Date },
): App['devTokens'] {
  const devToken = (role: string, configured: NamedToken[]): string | undefined =>
    configured.length === 0 && config.localDirectLine ? `dev-${role}-${nanoid(24)}` : undefined;
  const devTokens = { agent: devToken('agent', config.agents), admin: devToken('admin', config.admins) };
  const agents = devTokens.agent ? [{ name: 'dev', token: devTokens.agent }] : config.agents;
  const admins = devTokens.admin ? [{ name: 'dev', token: devTokens.admin }] : config.admins;
  registerAgentRoutes(server, deps.handoff, new TokenAuth('agent', agents, admins, deps.rateLimits), deps.clock);
  registerAgentConsole(server);
  registerAdminRoutes(server, deps.transcripts, deps.tree, new TokenAuth('admin', admins, agents, deps.rateLimits), deps.clock);
  registerAdminConsole(server);
  return devTokens;
}

/** The periodic chores: telling users nobody claimed their ticket yet, and deleting old transcripts. */
function startHousekeeping(
  config: Config,
  { handoff, transcripts, logger, clock }: { handoff: HandoffService; transcripts: TranscriptStore; logger: Logger; clock: () => Date },
): () => void {
  const sweeper = setInterval(
    () => {
      handoff.sweepUnclaimed().catch((err: Error) => logger.error({ err: { message: err.message } }, 'unclaimed sweep failed'));
    },
    Math.min(30_000, Math.max(1_000, config.handoffUnclaimedMs / 4)),
  );
  const retentionMs = config.transcriptRetentionDays * 86_400_000;
  const purge = (): void => {
    transcripts
      .purgeBefore(new Date(clock().getTime() - retentionMs))
      .then((n) => n > 0 && logger.info({ purged: n, retentionDays: config.transcriptRetentionDays }, 'old transcripts deleted'))
      .catch((err: Error) => logger.error({ err: { message: err.message } }, 'transcript retention failed'));
  };
  purge();
  const retention = setInterval(purge, 60 * 60_000);
  // Chores never keep the process alive on their own.
  sweeper.unref();
  retention.unref();
  return () => {
    clearInterval(sweeper);
    clearInterval(retention);
  };
}

async function listen({ server }: HttpServer, config: Config, address: ListeningAddress): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address();
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  address.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  address.ownHosts = ownHostNames(port, config.host);
}
