import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationState,
} from 'botbuilder';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { CachingBotFrameworkAuthentication } from './cachingAuthentication.js';

/**
 * The Bot Framework adapter. With no app id the bot accepts requests anonymously (local Direct Line, the
 * Emulator); with one, every request must carry a valid Bot Framework JWT and replies are authenticated.
 */
export function createAdapter(config: Config, logger: Logger, conversationState: ConversationState): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.app.id,
    MicrosoftAppPassword: config.app.password,
    MicrosoftAppType: config.app.type,
    MicrosoftAppTenantId: config.app.tenantId,
  } satisfies ConfigurationBotFrameworkAuthenticationOptions);
  const adapter = new CloudAdapter(new CachingBotFrameworkAuthentication(auth, config.app.id === ''));

  adapter.onTurnError = async (context, error) => {
    logger.error(
      { err: { message: error.message, stack: error.stack }, conversationId: context.activity.conversation?.id },
      'unhandled error in turn',
    );
    try {
      await context.sendActivity("Sorry, something went wrong on my side. Let's start again: type **menu** to see the options.");
      // Clear the broken position so the next message starts cleanly instead of failing the same way.
      await conversationState.delete(context);
      await conversationState.saveChanges(context, true);
    } catch (inner) {
      logger.error({ err: { message: (inner as Error).message } }, 'could not recover from turn error');
    }
  };
  return adapter;
}
