import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { AuthenticateRequestResult } from 'botframework-connector';
import type { Config } from '../config.js';
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
  runAuthenticated(
    result: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
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
 * The Bot Framework adapter. With no app id the bot accepts requests anonymously (the Emulator, a test channel)
 * or through its own local Direct Line; with one, every request must carry a valid Bot Framework JWT and replies
 * are authenticated. The turn error handler and the middleware are createBot's.
 */
export function createAdapter(config: Config, localChannel?: LocalChannel): HelpdeskAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.app.id,
    MicrosoftAppPassword: config.app.password,
    MicrosoftAppType: config.app.type,
    MicrosoftAppTenantId: config.app.tenantId,
  } satisfies ConfigurationBotFrameworkAuthenticationOptions);
  return new HelpdeskAdapter(new CachingBotFrameworkAuthentication(auth, config.app.id === '', localChannel));
}
