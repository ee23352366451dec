import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectorClient } from 'botframework-connector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, leanConnector } from '../src/bot/leanConnector.js';

interface Seen {
  method: string;
  url: string;
  body: string;
  contentType?: string;
}

let server: http.Server;
let base = '';
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body,
        ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
      });
      if (req.url?.includes('refuse')) return void res.writeHead(503).end('busy');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(req.method === 'DELETE' ? '' : JSON.stringify({ id: `r${seen.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const noFallback = (): Promise<ConnectorClient> => Promise.reject(new Error('the SDK client was not expected here'));

describe('lean connector', () => {
  it('posts replies and new messages as JSON to the Bot Connector paths, ids encoded, and returns their ids', async () => {
    const client = leanConnector(base, noFallback);
    const reply = await client.conversations.replyToActivity('conv/1', 'act 7', {
      type: 'message',
      text: 'hi',
      timestamp: new Date('2026-11-22T13:05:00Z'),
    });
    const sent = await client.conversations.sendToConversation('conv/1', { type: 'message', text: 'proactive' });
    expect(reply.id).toBe('r1');
    expect(sent.id).toBe('r2');
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/v3/conversations/conv%2F1/activities/act%207',
      contentType: 'application/json',
    });
    expect(JSON.parse(seen[0]!.body)).toEqual({ type: 'message', text: 'hi', timestamp: '2026-11-22T13:05:00.000Z' });
    expect(seen[1]).toMatchObject({ method: 'POST', url: '/v3/conversations/conv%2F1/activities' });
  });

  it('updates and deletes activities', async () => {
    const client = leanConnector(base, noFallback);
    await client.conversations.updateActivity('c', 'a1', { type: 'message', text: 'edited' });
    await client.conversations.deleteActivity('c', 'a1');
    expect(seen.slice(-2).map((s) => `${s.method} ${s.url}`)).toEqual([
      'PUT /v3/conversations/c/activities/a1',
      'DELETE /v3/conversations/c/activities/a1',
    ]);
  });

  it('fails a refused reply with the status, like the SDK', async () => {
    const client = leanConnector(base, noFallback);
    const failure = client.conversations.sendToConversation('refuse', { type: 'message' });
    await expect(failure).rejects.toBeInstanceOf(ConnectorError);
    await expect(failure).rejects.toMatchObject({ statusCode: 503 });
  });

  it('hands every other operation to the SDK client, built once', async () => {
    let built = 0;
    const fallback = async (): Promise<ConnectorClient> => {
      built += 1;
      return { conversations: { getConversationMembers: async (id: string) => [{ id: `member-of-${id}` }] } } as unknown as ConnectorClient;
    };
    const client = leanConnector(base, fallback);
    expect(await client.conversations.getConversationMembers('c9')).toEqual([{ id: 'member-of-c9' }]);
    await client.conversations.getConversationMembers('c9');
    expect(built).toBe(1);
  });
});
