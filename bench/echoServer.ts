import type { AddressInfo } from 'node:net';
import restify, { type Request, type Response } from 'restify';
import { sendJson } from '../src/outbound/sendJson.js';

interface Inbound {
  id?: string;
  type?: string;
  text?: string;
  serviceUrl: string;
  channelId: string;
  conversation: { id: string };
  from?: { id: string };
  recipient?: { id: string };
}

/**
 * The reference: what any bot on this stack must at least do per turn, with no SDK, dialogs or stores.
 * restify + bodyParser like the real server, and ONE reply per activity POSTed to the serviceUrl with the
 * bot's own sendJson (node:http, keep-alive), awaited before the HTTP response: exactly the path the bot's
 * replies take to the capture endpoint.
 */
export async function startEchoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = restify.createServer({ name: 'bench-echo', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/api/messages', async (req: Request, res: Response) => {
    const a = req.body as Inbound;
    const reply = {
      type: 'message',
      text: a.text ?? '',
      channelId: a.channelId,
      conversation: a.conversation,
      from: a.recipient,
      recipient: a.from,
      replyToId: a.id,
    };
    const base = a.serviceUrl.replace(/\/+$/, '');
    const target = `${base}/v3/conversations/${encodeURIComponent(a.conversation.id)}/activities/${encodeURIComponent(a.id ?? '')}`;
    try {
      const sent = await sendJson('POST', target, reply, 10_000);
      res.send(sent.status >= 200 && sent.status < 300 ? 200 : 502);
    } catch {
      res.send(502);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
