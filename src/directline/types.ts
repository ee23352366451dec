/**
 * The slice of the Bot Framework activity schema the local Direct Line touches. Deliberately not botbuilder's
 * types: this service speaks the wire protocol, so any bot SDK (or none) can sit behind the HTTP endpoint.
 */
export interface ChannelAccount {
  id: string;
  name?: string;
  role?: string;
}

export interface Activity {
  type: string;
  id?: string;
  timestamp?: string;
  channelId?: string;
  serviceUrl?: string;
  conversation?: { id: string; [key: string]: unknown };
  from?: ChannelAccount;
  recipient?: ChannelAccount;
  replyToId?: string;
  text?: string;
  [key: string]: unknown;
}

/** What the stream and `GET .../activities` hand to clients; the watermark is opaque to them. */
export interface ActivitySet {
  activities: Activity[];
  watermark?: string;
}

export interface DirectLineLimits {
  /** Activities kept per conversation; older ones fall off the front of the log. */
  maxActivities: number;
  /** Bytes of activities kept per conversation (as JSON); older ones fall off the front past it. */
  maxBytesPerConversation: number;
  /** Live conversations; past this the least recently active one nobody is using is dropped, else 503. */
  maxConversations: number;
  /** Live conversations one client address may hold; past it its own unused ones go first, else 429. */
  conversationsPerClient: number;
  /** A conversation its client used within this time (or one with an open stream) is never dropped for room. */
  inUseMs: number;
  /** A conversation nobody touched for this long is forgotten (and its sockets closed). */
  idleMs: number;
  /** Lifetime of a bearer token; clients refresh before it runs out. */
  tokenTtlMs: number;
  /** How long a streamUrl stays usable; each one works once, like Direct Line's preauthorised stream URLs. */
  streamTicketTtlMs: number;
  /** WebSocket connections kept per conversation; a newer one pushes out the oldest. */
  maxSocketsPerConversation: number;
  /** Time the bot gets to answer one forwarded activity. */
  botTimeoutMs: number;
  /** How often the stream sends its empty keep-alive message and checks the client still answers pings. */
  heartbeatMs: number;
}

export const defaultLimits: DirectLineLimits = {
  maxActivities: 500,
  maxBytesPerConversation: 256 * 1024,
  maxConversations: 1000,
  conversationsPerClient: 30,
  inUseMs: 15 * 60 * 1000,
  idleMs: 60 * 60 * 1000,
  tokenTtlMs: 30 * 60 * 1000,
  streamTicketTtlMs: 60 * 1000,
  maxSocketsPerConversation: 3,
  botTimeoutMs: 15_000,
  heartbeatMs: 30_000,
};
