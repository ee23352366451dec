import type { AddressInfo } from 'node:net';
import { ConversationState, type Storage } from 'botbuilder';
import type { Server } from 'restify';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { loadKnowledge, type KnowledgeTree } from './knowledge/loader.js';
import { LocalRecognizer } from './recognizer/localRecognizer.js';
import { openStores } from './stores/openStores.js';
import { createAssistant } from './assistant/createAssistant.js';
import type { TranscriptStore } from './transcripts/types.js';
import { TreeWalker } from './tree/walker.js';
import { createAdapter } from './bot/adapter.js';
import { HelpdeskBot } from './bot/helpdeskBot.js';
import { createServer } from './http/server.js';
import { RateLimits } from './http/rateLimits.js';
import { replyTargetPolicy } from './http/replyTargets.js';
import { clientAddressOf } from './http/clientAddress.js';
import { ownHostNames } from './http/ownHosts.js';
import { newSecret } from './http/sharedSecret.js';
import { createBotEndpoint } from './bot/botEndpoint.js';
import { registerDirectLine } from './directline/registerDirectLine.js';
import { registerAdminConsole, registerAgentConsole, registerWebChat } from './web/pages.js';
import { nanoid } from 'nanoid';
import { ShowTypingMiddleware, TranscriptLoggerMiddleware } from 'botbuilder';
import { TokenAuth, type NamedToken } from './http/tokenAuth.js';
import { registerAdminRoutes } from './admin/adminRoutes.js';
import { StoreTranscriptLogger } from './bot/storeTranscriptLogger.js';
import { SerializeTurnsMiddleware } from './bot/serializeTurns.js';
import { registerAgentRoutes } from './agent/agentRoutes.js';
import { ProactiveChannel } from './bot/proactiveChannel.js';
import { HandoffService } from './handoff/handoffService.js';
import type { TicketStore } from './stores/ticketStore.js';
import { createWebhookNotifier, noopNotifier } from './tickets/webhookNotifier.js';

export interface App {
  server: Server;
  /** Base URL the server listens on, e.g. http://127.0.0.1:3978. */
  url: string;
  tree: KnowledgeTree;
  /** Bot Framework state storage (ConversationState), for tools such as the benchmark's seeding. */
  storage: Storage;
  /** Which store the app runs on: the embedded lowdb store, or PostgreSQL (DATABASE_URL). */
  store: 'lowdb' | 'postgres';
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

/** Wires config -> stores -> services -> bot -> adapter -> HTTP, and starts listening. */
export async function startApp(config: Config, options: { logger?: Logger } = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const tree = loadKnowledge(config.knowledgeDir);
  const stores = await openStores(config, logger);
  const { storage, transcripts, tickets } = stores;
  const conversationState = new ConversationState(storage);
  const clock = (): Date => new Date();
  // Where this process listens (known once it does): the local Direct Line's serviceUrl, and the bot endpoint
  // it forwards to. Both halves of that channel live here; they trust each other through two secrets made now.
  let url = '';
  const localChannel = config.localDirectLine ? { serviceUrl: () => url, secrets: { toBot: newSecret(), fromBot: newSecret() } } : undefined;
  const adapter = createAdapter(
    config,
    logger,
    conversationState,
    localChannel && {
      get serviceUrl() {
        return url;
      },
      secret: localChannel.secrets.fromBot,
    },
  );
  // "Typing..." for any turn still running after 0.5 s (a slow store, model or help desk), repeated every 2 s;
  // quick turns answer before it would show. First, so a turn waiting behind another one shows it too.
  adapter.use(new ShowTypingMiddleware(500, 2_000));
  adapter.use(new SerializeTurnsMiddleware(stores.turnLock));
  // Every activity in and out of every turn (user, bot, agent) is redacted and stored for admins.
  adapter.use(new TranscriptLoggerMiddleware(new StoreTranscriptLogger(transcripts, logger)));
  // The channel needs the bot to run signal turns, and the bot needs the queue: bound late, used only later.
  let bot: HelpdeskBot | undefined;
  const handoff = new HandoffService({
    tickets,
    channel: new ProactiveChannel(adapter, config.app.id, (context) => bot!.run(context)),
    notifier: config.escalationWebhookUrl ? createWebhookNotifier({ url: config.escalationWebhookUrl, logger }) : noopNotifier,
    logger,
    clock,
    unclaimedAfterMs: config.handoffUnclaimedMs,
  });
  const recognizer = new LocalRecognizer(tree);
  bot = new HelpdeskBot(conversationState, {
    walker: new TreeWalker(tree),
    recognizer,
    outcomes: transcripts,
    handoff,
    threshold: config.recognizerThreshold,
    clock,
    // Local only unless OPENAI_API_KEY or OPENAI_BASE_URL is set.
    assistant: createAssistant(config, tree, recognizer, logger),
  });
  const clientOf = clientAddressOf(config.trustProxy);
  const rateLimits = new RateLimits(config.rateLimits, clientOf);
  const processActivity = createBotEndpoint({
    adapter,
    appId: config.app.id,
    localChannel: localChannel && {
      secret: localChannel.secrets.toBot,
      get serviceUrl() {
        return url;
      },
    },
    replyTargets: replyTargetPolicy(config.allowedServiceUrls),
    run: (context) => bot!.run(context),
    logger,
  });
  const http = createServer({
    processActivity,
    anonymousBotEndpoint: config.app.id === '' && !config.localDirectLine,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    requestTimeoutMs: config.requestTimeoutMs,
    rateLimits,
    health: () => ({ knowledgeNodes: tree.nodes.size, localDirectLine: config.localDirectLine }),
  });
  const { server } = http;

  // Browsers reach the page at PUBLIC_URL, or at one of this machine's own names; never at whatever a Host
  // header claims (it is the client's to write).
  let ownHosts = new Set<string>();
  const publicBase = (host: string | undefined): string =>
    config.publicUrl ?? (host && ownHosts.has(host.toLowerCase()) ? `http://${host.toLowerCase()}` : url);
  const directLine = localChannel
    ? registerDirectLine(http, {
        logger,
        botEndpoint: () => `${url}/api/messages`,
        serviceUrl: localChannel.serviceUrl,
        publicBase,
        secrets: localChannel.secrets,
        clientOf,
        limits: config.directLine,
      })
    : undefined;
  if (config.localDirectLine) registerWebChat(server, publicBase);

  // Local runs get a throwaway agent and admin so the consoles can be tried at once; deployments configure tokens.
  const devToken = (role: string, configured: NamedToken[]): string | undefined =>
    configured.length === 0 && config.localDirectLine ? `dev-${role}-${nanoid(24)}` : undefined;
  const devTokens = { agent: devToken('agent', config.agents), admin: devToken('admin', config.admins) };
  const agents = devTokens.agent ? [{ name: 'dev', token: devTokens.agent }] : config.agents;
  const admins = devTokens.admin ? [{ name: 'dev', token: devTokens.admin }] : config.admins;
  registerAgentRoutes(server, handoff, new TokenAuth('agent', agents, admins, rateLimits), clock);
  registerAgentConsole(server);
  registerAdminRoutes(server, transcripts, tree, new TokenAuth('admin', admins, agents, rateLimits), clock);
  registerAdminConsole(server);
  const sweeper = setInterval(() => {
    handoff.sweepUnclaimed().catch((err: Error) => logger.error({ err: { message: err.message } }, 'unclaimed sweep failed'));
  }, Math.min(30_000, Math.max(1_000, config.handoffUnclaimedMs / 4)));
  sweeper.unref();
  const retentionMs = config.transcriptRetentionDays * 86_400_000;
  const purge = (): void => {
    transcripts
      .purgeBefore(new Date(clock().getTime() - retentionMs))
      .then((n) => n > 0 && logger.info({ purged: n, retentionDays: config.transcriptRetentionDays }, 'old transcripts deleted'))
      .catch((err: Error) => logger.error({ err: { message: err.message } }, 'transcript retention failed'));
  };
  purge();
  const retention = setInterval(purge, 60 * 60_000);
  retention.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  }).catch(async (err: unknown) => {
    await stores.close(); // an open pool would keep the failed process alive
    throw err;
  });
  const address = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  ownHosts = ownHostNames(address.port, config.host);
  const model = config.openai && { model: config.openai.model, baseUrl: config.openai.baseUrl ?? 'api.openai.com' };
  logger.info({ url, localDirectLine: config.localDirectLine, authenticated: config.app.id !== '', store: stores.kind, model: model || 'off' }, 'bot listening');

  return {
    server,
    url,
    tree,
    storage,
    store: stores.kind,
    transcripts,
    tickets,
    handoff,
    logger,
    devTokens,
    ...(localChannel ? { localConnector: { serviceUrl: url, authorization: `Bearer ${localChannel.secrets.fromBot}` } } : {}),
    close: async () => {
      clearInterval(sweeper);
      clearInterval(retention);
      directLine?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stores.close();
    },
  };
}
