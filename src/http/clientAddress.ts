import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** The address a request comes from, as rate limits and logs should see it. */
export type ClientAddress = (req: IncomingMessage) => string;

/**
 * Without trusted proxies the socket's peer is the client, whatever X-Forwarded-For claims (anyone can send
 * that header). Behind a proxy every request shares the proxy's address, so one limit bucket would hold
 * everybody: with TRUST_PROXY, proxy-addr walks X-Forwarded-For from the right and stops at the first hop
 * that is not a trusted proxy, which is the address the proxy itself saw.
 */
export function clientAddressOf(trustedProxies: string[]): ClientAddress {
  if (trustedProxies.length === 0) return (req) => req.socket.remoteAddress ?? 'unknown';
  const trust = proxyaddr.compile(trustedProxies);
  return (req) => proxyaddr(req, trust);
}
