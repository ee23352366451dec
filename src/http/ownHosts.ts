import os from 'node:os';

/**
 * Host headers that name this server: localhost and the loopback addresses, the machine's name and its own
 * interface addresses, each with the port it listens on. A Host header is the client's to write, so anything
 * built from it (a stream URL, a CSP source) takes it only when it is one of these; otherwise the server's
 * own base URL stands.
 */
export function ownHostNames(port: number, configuredHost: string): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', os.hostname().toLowerCase()]);
  if (configuredHost !== '0.0.0.0' && configuredHost !== '::')
    names.add(configuredHost.includes(':') ? `[${configuredHost}]` : configuredHost);
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) names.add(a.family === 'IPv6' ? `[${a.address}]` : a.address);
  }
  return new Set([...names].map((name) => `${name}:${port}`));
}
