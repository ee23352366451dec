import {
  BotFrameworkAuthentication,
  ConnectorFactory,
  JwtTokenValidation,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';
import { leanConnector } from './leanConnector.js';

const LIMIT = 100;

/** This process's own Direct Line: where it takes replies, and the secret it wants with them. */
export interface LocalChannel {
  serviceUrl: string;
  secret: string;
}

const base = (url: string): string => url.replace(/\/+$/, '');

function remember<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let hit = cache.get(key);
  if (!hit) {
    hit = make();
    // A failed creation must not be cached, or one bad moment would break every later turn.
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
    if (cache.size > LIMIT) cache.delete(cache.keys().next().value!);
  }
  return hit;
}

/**
 * Wraps the SDK's authentication so the Bot Connector and user-token clients are built once per app id and
 * service URL instead of on every turn: a profile of CloudAdapter showed ~20% of each turn spent building
 * these clients (each with its own HTTP pipeline) even when nothing is sent through them. Credentials inside
 * a client refresh their own tokens, so reuse is safe. Without an app id, replies need no credentials and go
 * through the lean connector instead; replies to this process's own Direct Line always do, with its secret
 * (with an app id too: it is not a Bot Framework channel and wants no Azure token). Everything else is
 * delegated unchanged.
 */
export class CachingBotFrameworkAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly anonymous: boolean,
    private readonly localChannel?: LocalChannel,
  ) {
    super();
  }

  // The adapter builds each inbound turn's connector from the factory in this result, not from
  // createConnectorFactory: without the wrapping every turn would build a new client after all.
  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.withCachedFactory(await this.inner.authenticateRequest(activity, authHeader));
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.withCachedFactory(await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.cachedFactory(this.inner.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  private withCachedFactory(result: AuthenticateRequestResult): AuthenticateRequestResult {
    return result.connectorFactory
      ? { ...result, connectorFactory: this.cachedFactory(result.connectorFactory, result.claimsIdentity) }
      : result;
  }

  private cachedFactory(factory: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const appId = JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '';
    const { connectors, anonymous, localChannel } = this;
    return new (class extends ConnectorFactory {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const make = (): Promise<ConnectorClient> => factory.create(serviceUrl, audience);
        if (localChannel && base(serviceUrl) === base(localChannel.serviceUrl)) {
          const credential = { authorization: `Bearer ${localChannel.secret}` };
          return remember(connectors, `local|${serviceUrl}`, async () => leanConnector(serviceUrl, make, credential));
        }
        return remember(
          connectors,
          `${appId}|${serviceUrl}|${audience ?? ''}`,
          anonymous ? async () => leanConnector(serviceUrl, make) : make,
        );
      }
    })();
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const appId = JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '';
    return remember(this.tokenClients, appId, () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient() {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}
