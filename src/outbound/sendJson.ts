import http from 'node:http';
import https from 'node:https';

// One keep-alive pool per protocol for the whole process, as the SDK's client keeps one per connector.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export interface JsonResponse {
  status: number;
  text: string;
}

/**
 * One JSON request over node:http with keep-alive. On Node 20 `fetch` (undici) costs several times more CPU
 * per request than this (web streams, a cloned body per request): on the reply path of every turn that was
 * the largest single cost after botbuilder itself. The benchmark's echo reference sends through this too.
 *
 * A pooled socket the server closed while it sat idle (its keep-alive timeout ran out just as we picked it)
 * fails at once with ECONNRESET or EPIPE before the server saw anything: that request is sent again, once, on a
 * fresh socket, as Node's documentation advises. Without it a reply now and then failed under load.
 */
export async function sendJson(
  method: string,
  target: string,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const url = new URL(target);
  const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!transport) throw new Error(`Cannot send to ${url.protocol} URLs`);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const send = (): Promise<JsonResponse> =>
    new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method,
          agent: agents[url.protocol as 'http:' | 'https:'],
          headers:
            payload === undefined
              ? headers
              : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          timeout: timeoutMs,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`No answer from ${url.origin} within ${timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(req.reusedSocket && STALE_SOCKET.has(err.code ?? '') ? new StaleSocket(err) : err),
      );
      req.end(payload);
    });
  try {
    return await send();
  } catch (err) {
    if (err instanceof StaleSocket) return send();
    throw err;
  }
}

const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE']);

/** A reused keep-alive socket that turned out closed: safe to send again (the server never got the request). */
class StaleSocket extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'StaleSocket';
  }
}
