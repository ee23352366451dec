import type { AddressInfo } from 'node:net';
import restify, { type Request, type Response } from 'restify';

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
 * restify + bodyParser like the real server, and ONE reply per activity POSTed to the serviceUrl with fetch,
 * awaited before the HTTP response, exactly the path the bot's replies take to the capture endpoint.
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
      const sent = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reply) });
      await sent.text();
      res.send(sent.ok ? 200 : 502);
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
