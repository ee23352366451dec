/** Bot endpoint cases whose serviceUrl, where the bot would POST its replies, is somewhere it must not go. */
import type { CaseBuilder } from './builder.js';

const SERVICE_URLS = ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://127.0.0.1:1/', 'data:text/plain,hi', 'mailto:x@y', 'urn:x'];

export function serviceUrlSchemeCases(b: CaseBuilder): void {
  const { rng, closedPort } = b;
  for (let i = 0; i < 10; i += 1) {
    // Only loopback or schemes that never leave the machine; an unreachable http one takes ~10 s (the connector
    // client retries), so only once.
    const url = i === 0 ? `http://127.0.0.1:${closedPort}/` : rng.pick(SERVICE_URLS);
    b.message([`serviceUrl:${url.split(':')[0]}`], b.activity(b.conv(), { serviceUrl: url, text: 'hello' }), { timeoutMs: 30_000 });
  }
}

/**
 * Spellings of places the bot must never POST to: loopback in every notation, this server's own endpoint (a
 * reply loop), the allowed channel with a path, query, fragment or credentials added.
 */
function ssrfUrls(captureUrl: string, closedPort: number): string[] {
  const capture = new URL(captureUrl);
  return [
    `http://127.0.0.1:${closedPort}/internal/admin?x=`,
    `http://2130706433:${closedPort}/`,
    `http://0x7f.1:${closedPort}/`,
    `http://127.1:${closedPort}/`,
    `http://0177.0.0.1:${closedPort}/`,
    `http://[::1]:${closedPort}/`,
    `http://[::ffff:7f00:1]:${closedPort}/`,
    `http://localhost:${closedPort}/`,
    `http://169.254.169.254/latest/meta-data/`,
    `http://metadata.google.internal/`,
    `${captureUrl}/api/messages?x=`,
    `${captureUrl}/?q=1`,
    `${captureUrl}/#frag`,
    `http://user:pw@${capture.host}/`,
    `${captureUrl}/v3/../api`,
    `${capture.protocol}//${capture.hostname}:${Number(capture.port) + 1}/`,
    `https://${capture.host}/`,
    'http://evil.botframework.com.example.net/',
    'https://botframework.com@evil.example/',
  ];
}

export function ssrfCases(b: CaseBuilder): void {
  const { rng } = b;
  const urls = ssrfUrls(b.captureUrl, b.closedPort);
  for (let i = 0; i < 40; i += 1) {
    const url = rng.pick(urls);
    b.message([`ssrf:${url.slice(0, 24)}`], b.activity(b.conv(), { serviceUrl: url, text: 'hello' }), { expect: [400], wantsReply: false });
  }
}
