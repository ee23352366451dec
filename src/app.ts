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
import { createServer, type HttpServer, type ProcessActivity } from './http/server.js';
import { bearerMatches, newSecret } from './http/sharedSecret.js';
import { TokenAuth, type NamedToken } from './http/tokenAuth.js';
import { loadKnowledge, type KnowledgeTree } from './knowledge/loader.js';
import { chooseLogFormat, createLogger, type Logger } from './logger.js';
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

/** Time a shutdown gives requests in flight (turns and their replies) before closing anyway; under systemd's TimeoutStopSec. */
export const DRAIN_MS = 20_000;
/** What a client refused while the bot starts or drains is told to wait, in seconds. */
const RETRY_AFTER_S = 5;

/** Opening the store (listening already, for the health checks), taking turns, or finishing them before exit. */
type Phase = 'opening' | 'ready' | 'draining';

/**
 * The composition root: config -> HTTP (listening, health checks only) -> stores -> services -> bot, then
 * ready. With src/bot/createBot.ts, the only place that knows every layer.
 */
export async function startApp(config: Config, options: { logger?: Logger } = {}): Promise<App> {
  const logger =
    options.logger ??
    createLogger(config.logLevel, undefined, chooseLogFormat(config.logFormat, process.stdout.isTTY === true, config.production));
  const tree = loadKnowledge(config.knowledgeDir);
  const clock = (): Date => new Date();
  const address = new ListeningAddress();
  // Both halves of the local Direct Line live in this process; they trust each other through two secrets made now.
  const localChannel = config.localDirectLine ? { toBot: newSecret(), fromBot: newSecret() } : undefined;
  let phase: Phase = 'opening';
  // Set once the stores are open and the bot is built; until then the admission below keeps every turn out.
  const live: { running?: { endpoint: ProcessActivity; stores: Stores } } = {};

  const clientOf = clientAddressOf(config.trustProxy);
  const rateLimits = new RateLimits(config.rateLimits, clientOf);
  const http = createServer({
    processActivity: (request) =>
      live.running ? live.running.endpoint(request) : Promise.resolve({ status: 503, retryAfterS: RETRY_AFTER_S }),
    anonymousBotEndpoint: config.app.id === '' && !config.localDirectLine,
    logger,
    maxBodyBytes: config.maxBodyBytes,
    requestTimeoutMs: config.requestTimeoutMs,
    rateLimits,
    health: () => ({ knowledgeNodes: tree.nodes.size, localDirectLine: config.localDirectLine }),
    readiness: async () => {
      if (phase === 'draining') return { ready: false, reason: 'shutting down' };
      const { running } = live;
      if (!running) return { ready: false, reason: 'opening the store' };
      const store = await running.stores.health();
      return store.ok ? { ready: true, store: running.stores.kind } : { ready: false, reason: store.reason };
    },
    admission: ({ path, authorization }) => {
      if (phase === 'ready') return undefined;
      if (phase === 'opening') return { reason: 'The bot is starting; try again in a moment.', retryAfterS: RETRY_AFTER_S };
      // Draining: what finishes turns already under way still gets in: the local Direct Line forwarding a message
      // it took before, and the bot's replies to it (its connector routes check the bot's own secret).
      const finishing =
        localChannel && (path.startsWith('/v3/') || (path === '/api/messages' && bearerMatches(authorization, localChannel.toBot)));
      return finishing ? undefined : { reason: 'The bot is restarting; try again in a moment.', retryAfterS: RETRY_AFTER_S };
    },
  });
  // Listening before the store opens, so a supervisor sees a live process that is not ready yet (/readyz).
  await listen(http, config, address);
  const closeServer = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      http.server.close(() => resolve());
      // Idle keep-alive sockets (and anything past the drain) would hold close() open.
      http.server.server.closeAllConnections();
    });
  };
  let stores: Stores;
  try {
    stores = await openStores(config, logger);
  } catch (err) {
    await closeServer();
    throw err;
  }

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
  const endpoint = createBotEndpoint({
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
  live.running = { endpoint, stores };
  phase = 'ready';

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

  let closing: Promise<void> | undefined;
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
    // Drains, then closes: new requests get 503 with Retry-After, turns under way finish (their replies sent,
    // their state and transcripts written), then the stores flush what they hold and close.
    close: () =>
      (closing ??= (async () => {
        phase = 'draining';
        stopHousekeeping();
        if (!(await http.settled(DRAIN_MS)))
          logger.warn({ inFlight: http.inFlight(), drainMs: DRAIN_MS }, 'requests still in flight; closing anyway');
        directLine?.close();
        await closeServer();
        // Turns are done; their transcript entries are written just after them. Bounded, like the drain.
        await Promise.race([bot.transcriptsWritten(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
        await stores.close();
      })()),
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
