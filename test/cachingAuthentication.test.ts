import {
  BotFrameworkAuthentication,
  ClaimsIdentity,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { CachingBotFrameworkAuthentication } from '../src/bot/cachingAuthentication.js';

/** The SDK's side, counting how many Bot Connector clients it is asked to build. */
class CountingAuthentication extends BotFrameworkAuthentication {
  built = 0;

  private factory(): ConnectorFactory {
    const count = (): number => (this.built += 1);
    return new (class extends ConnectorFactory {
      async create(serviceUrl: string): Promise<ConnectorClient> {
        count();
        return { conversations: { sdkClientFor: serviceUrl } } as unknown as ConnectorClient;
      }
    })();
  }

  async authenticateRequest(): Promise<AuthenticateRequestResult> {
    return { claimsIdentity: new ClaimsIdentity([], true), audience: 'aud', callerId: '', connectorFactory: this.factory() };
  }
  authenticateStreamingRequest(): Promise<AuthenticateRequestResult> {
    return this.authenticateRequest();
  }
  createConnectorFactory(): ConnectorFactory {
    return this.factory();
  }
  async createUserTokenClient(): Promise<UserTokenClient> {
    return {} as UserTokenClient;
  }
}

const activity = { serviceUrl: 'http://127.0.0.1:9/' } as Activity;

describe('CachingBotFrameworkAuthentication', () => {
  it('builds one Bot Connector client per service URL across inbound turns and proactive ones', async () => {
    const inner = new CountingAuthentication();
    const auth = new CachingBotFrameworkAuthentication(inner, false);
    const clients = [];
    for (let turn = 0; turn < 3; turn += 1) {
      const result = await auth.authenticateRequest(activity, '');
      clients.push(await result.connectorFactory!.create(activity.serviceUrl, 'aud'));
    }
    clients.push(await auth.createConnectorFactory(new ClaimsIdentity([], true)).create(activity.serviceUrl, 'aud'));
    expect(inner.built).toBe(1);
    expect(new Set(clients).size).toBe(1);
    await auth.createConnectorFactory(new ClaimsIdentity([], true)).create('http://127.0.0.1:10/', 'aud');
    expect(inner.built).toBe(2);
  });

  it('without an app id, hands out the lean connector and never builds the SDK client for replies', async () => {
    const inner = new CountingAuthentication();
    const auth = new CachingBotFrameworkAuthentication(inner, true);
    const result = await auth.authenticateRequest(activity, '');
    const client = await result.connectorFactory!.create(activity.serviceUrl, 'aud');
    expect(typeof client.conversations.replyToActivity).toBe('function');
    expect(inner.built).toBe(0);
  });
});
