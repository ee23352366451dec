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
 */
export function sendJson(method: string, target: string, body: unknown, timeoutMs: number, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const url = new URL(target);
  const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!transport) return Promise.reject(new Error(`Cannot send to ${url.protocol} URLs`));
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method,
        agent: agents[url.protocol as 'http:' | 'https:'],
        headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
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
    req.on('error', reject);
    req.end(payload);
  });
}
