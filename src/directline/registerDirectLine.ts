import type { Server } from 'restify';
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
  /** The bot's account as the conversation shows it. */
  bot?: ChannelAccount;
  limits?: Partial<DirectLineLimits>;
}

const DEFAULT_BOT: ChannelAccount = { id: 'helpdesk-bot', name: 'Sign-in help', role: 'bot' };

/**
 * A local stand-in for the Direct Line channel and the Bot Connector, so Web Chat talks to the bot with no
 * Azure: clients use /directline/*, the bot replies to /v3/conversations/*, and activities travel between
 * them over real HTTP, the same path a hosted channel takes.
 */
export function registerDirectLine(server: Server, options: DirectLineOptions): { close(): void } {
  const limits: DirectLineLimits = { ...defaultLimits, ...options.limits };
  const bot = options.bot ?? DEFAULT_BOT;
  const { logger } = options;
  const store = new ConversationStore(limits);
  const forwarder = new BotForwarder({ botEndpoint: options.botEndpoint, logger, timeoutMs: limits.botTimeoutMs });
  const channel = new DirectLineChannel({ store, forwarder, bot, serviceUrl: options.serviceUrl, logger });

  registerDirectLineRoutes(server, { store, channel, serviceUrl: options.serviceUrl, logger });
  registerConnectorRoutes(server, { store, bot });
  const streaming = attachStreaming(server.server, { store, limits, logger });

  return {
    close(): void {
      streaming.close();
      store.close();
    },
  };
}
