/**
 * Which serviceUrls the bot may send replies to. With an app id, Bot Framework tokens are validated and the
 * channel's token vouches for its serviceUrl. Without one (local web chat, the Emulator, tests) anybody who
 * reaches the endpoint could otherwise make the bot POST to any address on the network: replies then go only
 * to this machine (loopback) or to the server's own public URL, where the local Direct Line listens.
 */
export function serviceUrlPolicy(options: { authenticated: boolean; publicUrl?: string }): (serviceUrl: string) => string | undefined {
  if (options.authenticated) return () => undefined;
  const own = options.publicUrl ? new URL(options.publicUrl).origin : undefined;
  return (serviceUrl) => {
    const url = new URL(serviceUrl);
    if (isLoopback(url.hostname) || url.origin === own) return undefined;
    return 'without an app id, replies only go to this machine (loopback) or PUBLIC_URL';
  };
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
