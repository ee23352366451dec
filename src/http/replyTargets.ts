/**
 * The hosts of the Bot Framework channels' connectors (Azure Bot Service's Direct Line and Web Chat and their
 * regional hosts, Teams in the public cloud, GCC, GCC High and DoD, the US government and China clouds).
 * With an app id the channel's token also names the serviceUrl it vouches for; this list is the second lock.
 */
const CHANNEL_HOSTS = [
  /^(?:[a-z0-9-]+\.)*botframework\.com$/,
  /^(?:[a-z0-9-]+\.)*botframework\.us$/,
  /^(?:[a-z0-9-]+\.)*botframework\.azure\.us$/,
  /^(?:[a-z0-9-]+\.)*botframework\.azure\.cn$/,
  /^smba\.trafficmanager\.net$/,
  /^smba\.infra\.gcc\.teams\.microsoft\.com$/,
  /^smba\.infra\.(?:gov|dod)\.teams\.microsoft\.us$/,
];

/** How an activity reached the bot, which decides where its replies may go. */
export type Arrival = 'channel' | 'anonymous';

export type ReplyTargetCheck = (serviceUrl: string, arrival: Arrival) => string | undefined;

const pathOf = (url: URL): string => url.pathname.replace(/\/+$/, '');

/**
 * Where replies may be sent. The bot POSTs its replies to `{serviceUrl}/v3/conversations/...`, so whoever picks
 * the serviceUrl picks a target for the bot's requests. An activity from a Bot Framework channel (token
 * checked) may name that channel's connector: https on a channel host. An anonymous one (no app id: the
 * Emulator, a test channel) may name only a base URL the operator listed in ALLOWED_SERVICE_URLS, exactly:
 * same origin and path, and never credentials, a query or a fragment, which could steer a reply elsewhere or
 * back into the bot's own endpoint. (Activities from this process's own Direct Line are checked against its
 * serviceUrl before this.) Answers why not, or undefined when allowed.
 */
export function replyTargetPolicy(allowed: string[]): ReplyTargetCheck {
  const listed = allowed.map((a) => new URL(a));
  return (serviceUrl, arrival) => {
    let url: URL;
    try {
      url = new URL(serviceUrl);
    } catch {
      return 'not a URL';
    }
    if (url.username || url.password || url.search || url.hash) return 'must not carry credentials, a query or a fragment';
    if (listed.some((a) => a.origin === url.origin && pathOf(a) === pathOf(url))) return undefined;
    if (arrival === 'channel') {
      if (url.protocol === 'https:' && url.port === '' && CHANNEL_HOSTS.some((host) => host.test(url.hostname))) return undefined;
      return 'replies only go to the Bot Framework channels (https on their hosts) or to ALLOWED_SERVICE_URLS';
    }
    return "without an app id, replies only go to this server's own Direct Line or to ALLOWED_SERVICE_URLS";
  };
}
