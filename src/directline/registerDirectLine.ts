import type { ClientAddress } from '../http/clientAddress.js';
import type { HttpServer } from '../http/server.js';
import type { Logger } from '../logger.js';
import { BotForwarder } from './botForwarder.js';
import { DirectLineChannel } from './channel.js';
import { registerConnectorRoutes } from './connectorRoutes.js';
import { ConversationStore } from './conversationStore.js';
import { registerDirectLineRoutes } from './directLineRoutes.js';
import { attachStreaming } from './streaming.js';
import { defaultLimits, type ChannelAccount, type DirectLineLimits } from './types.js';

export interface DirectLineOptions {
  logger: Logger;
  /** Where the bot listens, e.g. http://127.0.0.1:3978/api/messages; read per call (the port is known late). */
  botEndpoint: () => string;
  /** The serviceUrl stamped on activities: the bot sends its replies to `{serviceUrl}/v3/conversations/...`. */
  serviceUrl: () => string;
  /** The base URL browsers reach this server at, given a request's Host header: stream URLs are built on it. */
  publicBase: (host: string | undefined) => string;
  /** The secrets only this channel and its bot hold: one for activities to the bot, one for the bot's replies. */
  secrets: { toBot: string; fromBot: string };
  clientOf: ClientAddress;
  /** The bot's account as the conversation shows it. */
  bot?: ChannelAccount;
  limits?: Partial<DirectLineLimits>;
}

const DEFAULT_BOT: ChannelAccount = { id: 'helpdesk-bot', name: 'Sign-in help', role: 'bot' };

/**
 * A local stand-in for the Direct Line channel and the Bot Connector, so Web Chat talks to the bot with no
 * Azure: clients use /directline/*, the bot replies to /v3/conversations/*, and activities travel between
 * them over real HTTP, the same path a hosted channel takes. The two halves trust each other through secrets
 * made at start-up; the browser gets neither.
 */
export function registerDirectLine({ server, upgrades }: HttpServer, options: DirectLineOptions): { close(): void } {
  const limits: DirectLineLimits = { ...defaultLimits, ...options.limits };
  const bot = options.bot ?? DEFAULT_BOT;
  const { logger } = options;
  const store = new ConversationStore(limits);
  const forwarder = new BotForwarder({
    botEndpoint: options.botEndpoint,
    secret: options.secrets.toBot,
    logger,
    timeoutMs: limits.botTimeoutMs,
  });
  const channel = new DirectLineChannel({ store, forwarder, bot, serviceUrl: options.serviceUrl, logger });

  registerDirectLineRoutes(server, { store, channel, publicBase: options.publicBase, clientOf: options.clientOf, logger });
  registerConnectorRoutes(server, { store, bot, secret: options.secrets.fromBot });
  const streaming = attachStreaming(upgrades, { store, limits, logger });

  return {
    close(): void {
      streaming.close();
      store.close();
    },
  };
}
