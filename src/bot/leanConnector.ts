import type { ConnectorClient } from 'botframework-connector';
import type { Activity, ResourceResponse } from 'botbuilder';
import { sendJson } from '../outbound/sendJson.js';

/** A reply the channel's connector refused, with its status like the SDK's RestError. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

const TIMEOUT_MS = 10_000;

/**
 * The Bot Connector calls a turn makes (send, reply, update, delete), as plain JSON over HTTP, for connectors
 * that need no Bot Framework credentials: the local Direct Line (which takes its own secret in `headers`) and the
 * Emulator. The SDK's ConnectorClient runs every
 * reply through an Azure HTTP pipeline with model serialisers; a profile put that at ~30% of a turn's CPU, for
 * requests that go to this same machine. Anything else (members, conversations, attachments) and every
 * authenticated connector stays with the SDK's client, so tokens and retries remain the SDK's business.
 */
export function leanConnector(
  serviceUrl: string,
  fallback: () => Promise<ConnectorClient>,
  headers: Record<string, string> = {},
): ConnectorClient {
  const base = serviceUrl.replace(/\/+$/, '');
  const url = (conversationId: string, activityId?: string): string =>
    `${base}/v3/conversations/${encodeURIComponent(conversationId)}/activities${activityId ? `/${encodeURIComponent(activityId)}` : ''}`;

  const call = async (method: string, target: string, body?: Partial<Activity>): Promise<ResourceResponse> => {
    const res = await sendJson(method, target, body, TIMEOUT_MS, headers);
    if (res.status < 200 || res.status > 299)
      throw new ConnectorError(`The connector at ${base} answered ${res.status} to ${method}.`, res.status);
    return parseResource(res.text);
  };

  const lean = {
    replyToActivity: (conversationId: string, activityId: string, activity: Partial<Activity>) =>
      call('POST', url(conversationId, activityId), activity),
    sendToConversation: (conversationId: string, activity: Partial<Activity>) => call('POST', url(conversationId), activity),
    updateActivity: (conversationId: string, activityId: string, activity: Partial<Activity>) =>
      call('PUT', url(conversationId, activityId), activity),
    deleteActivity: async (conversationId: string, activityId: string) => void (await call('DELETE', url(conversationId, activityId))),
  };
  let sdk: Promise<ConnectorClient> | undefined;
  const delegated =
    (name: string) =>
    async (...args: unknown[]) => {
      const client = await (sdk ??= fallback());
      const operations = client.conversations as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return operations[name]!(...args);
    };
  const conversations = new Proxy(lean, {
    get: (target, name) => (typeof name === 'string' && !(name in target) ? delegated(name) : Reflect.get(target, name)),
  });
  // Only `conversations` is read from a connector by CloudAdapter; the cast stands for the SDK type's many
  // members this object does not need to have.
  return { conversations } as unknown as ConnectorClient;
}

function parseResource(text: string): ResourceResponse {
  if (!text) return { id: '' };
  try {
    const parsed = JSON.parse(text) as { id?: unknown };
    return { id: typeof parsed.id === 'string' ? parsed.id : '' };
  } catch {
    return { id: '' };
  }
}
