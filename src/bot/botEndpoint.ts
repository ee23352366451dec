import type { Activity, TurnContext } from 'botbuilder';
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator.js';
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import type { Logger } from '../logger.js';
import { isStoreUnreachable } from '../stores/storeUnreachable.js';
import type { ReplyTargetCheck } from '../http/replyTargets.js';
import type { BotAnswer, BotRequest, ProcessActivity } from '../http/server.js';
import { bearerMatches } from '../http/sharedSecret.js';
import type { HelpdeskAdapter } from './adapter.js';

export interface BotEndpointDeps {
  adapter: HelpdeskAdapter;
  /** Empty: no Bot Framework registration, so no channel can prove itself with a token. */
  appId: string;
  /** This process's own Direct Line: the secret it sends with every activity, and the serviceUrl it stamps. */
  localChannel?: { secret: string; serviceUrl: string };
  replyTargets: ReplyTargetCheck;
  run: (context: TurnContext) => Promise<void>;
  logger: Logger;
}

const refusal = (status: number, code: string, message: string): BotAnswer => ({ status, body: { code, message } });
const base = (url: string): string => url.replace(/\/+$/, '');

/**
 * The bot endpoint's trust decision, then the turn. An activity is taken from one of three senders:
 * - this process's own Direct Line, which proves itself with a secret only the two of them hold (never the
 *   browser); its activities must carry the serviceUrl it stamps, its own;
 * - a Bot Framework channel, with an app id: its JWT is validated, and its serviceUrl must be a channel host;
 * - anyone, only without an app id and without the local Direct Line (the Emulator, a test channel), with
 *   replies going only where ALLOWED_SERVICE_URLS says.
 * With the local Direct Line on, nothing else is anonymous: nobody can post into someone's conversation by
 * naming its id, because every conversation of that channel is reached only through it.
 */
export function createBotEndpoint({ adapter, appId, localChannel, replyTargets, run, logger }: BotEndpointDeps): ProcessActivity {
  return async ({ activity: inbound, authorization, admit }: BotRequest): Promise<BotAnswer> => {
    let authenticated: AuthenticateRequestResult;
    if (localChannel && bearerMatches(authorization, localChannel.secret)) {
      if (base(inbound.serviceUrl) !== base(localChannel.serviceUrl))
        return refusal(400, 'BadRequest', 'Invalid activity: serviceUrl: not this Direct Line');
      authenticated = adapter.localTurn(appId);
    } else {
      if (localChannel && appId === '') return refusal(401, 'Unauthorized', 'This bot takes activities only through its own Direct Line.');
      try {
        authenticated = await adapter.authentication.authenticateRequest(inbound as unknown as Activity, authorization);
      } catch (err) {
        if (!(err instanceof AuthenticationError)) throw err;
        return refusal(401, 'Unauthorized', 'A valid Bot Framework token is required.');
      }
      const refused = replyTargets(inbound.serviceUrl, appId ? 'channel' : 'anonymous');
      if (refused) return refusal(400, 'BadRequest', `Invalid activity: serviceUrl: ${refused}`);
    }
    if (!(await admit())) return undefined;
    // The schema checked the shape; botbuilder's own step turns the timestamps into Dates and keeps the raw strings.
    const activity = validateAndFixActivity(inbound as unknown as Activity);
    try {
      const answer = await adapter.runAuthenticated(authenticated, activity, run);
      return { status: answer?.status ?? 200, body: answer?.body };
    } catch (err) {
      if (isStoreUnreachable(err)) {
        // The user was told to try again (onTurnError); the channel learns the turn was not taken.
        return {
          status: 503,
          body: { code: 'StoreUnavailable', message: 'The bot cannot reach its records right now; try again in a moment.' },
          retryAfterS: 5,
        };
      }
      logger.error({ err: { message: (err as Error).message }, conversationId: inbound.conversation.id }, 'turn failed');
      return refusal(500, 'InternalError', 'The bot could not process this activity.');
    }
  };
}
