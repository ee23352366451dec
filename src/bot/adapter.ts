import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationState,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { CachingBotFrameworkAuthentication, type LocalChannel } from './cachingAuthentication.js';

/**
 * CloudAdapter with its two halves apart: the bot endpoint authenticates a request itself (a Bot Framework
 * token, or this process's own Direct Line secret, which the SDK knows nothing of) and then runs the turn
 * with the result. CloudAdapter.process would authenticate from the header again, and on any failure print
 * the raw error to the console and answer 500.
 */
export class HelpdeskAdapter extends CloudAdapter {
  constructor(readonly authentication: CachingBotFrameworkAuthentication) {
    super(authentication);
  }

  /** Runs one turn for an activity whose request was authenticated; the invoke or expect-replies answer, if any. */
  runAuthenticated(result: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(result, activity, logic);
  }

  /**
   * The identity of a turn from this process's own Direct Line: the bot's own, as for a proactive turn (the
   * channel is part of the bot), with the connector factory that sends replies back to that channel.
   */
  localTurn(appId: string): AuthenticateRequestResult {
    const claimsIdentity = this.createClaimsIdentity(appId);
    // No audience: replies to the local channel go through the lean connector, which asks for no token.
    return { claimsIdentity, connectorFactory: this.authentication.createConnectorFactory(claimsIdentity) } as AuthenticateRequestResult;
  }
}

/**
 * The Bot Framework adapter. With no app id the bot accepts requests anonymously (local Direct Line, the
 * Emulator); with one, every request must carry a valid Bot Framework JWT and replies are authenticated.
 */
export function createAdapter(config: Config, logger: Logger, conversationState: ConversationState, localChannel?: LocalChannel): HelpdeskAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.app.id,
    MicrosoftAppPassword: config.app.password,
    MicrosoftAppType: config.app.type,
    MicrosoftAppTenantId: config.app.tenantId,
  } satisfies ConfigurationBotFrameworkAuthenticationOptions);
  const adapter = new HelpdeskAdapter(new CachingBotFrameworkAuthentication(auth, config.app.id === '', localChannel));

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
