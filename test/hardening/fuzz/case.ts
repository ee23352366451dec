/** A fuzz case: one request (or a few identical ones), and what its outcome must satisfy. */

export interface Case {
  n: number;
  surface: 'messages' | 'directline' | 'agent' | 'admin' | 'connector' | 'upgrade';
  tags: string[];
  method: string;
  /** Path (and query) on the server, or a function of the live context (Direct Line ids and tokens). */
  path: string | ((ctx: LiveContext) => string);
  headers: Record<string, string> | ((ctx: LiveContext) => Record<string, string>);
  body?: string | Buffer | ((ctx: LiveContext) => string | Buffer | undefined);
  /** Exact statuses expected when the outcome is certain (otherwise ALLOWED applies). */
  expect?: number[];
  /** Bot endpoint: the conversation whose replies tell how the bot took the activity. */
  conversationId?: string;
  /** Bot endpoint: a 2xx must come with at least one captured reply. */
  wantsReply?: boolean;
  /** deliveryMode expectReplies: the replies are in the response body. */
  inlineReplies?: boolean;
  /** Send the same request this many times (replayed activity ids). */
  repeat?: number;
  /** Access-control oracle: a 2xx is only allowed when this holds. */
  mayPass?: boolean;
  /** Direct Line: after a 2xx post, read the conversation's log and check the bot's answer. */
  dlCheck?: number;
  timeoutMs?: number;
}

export interface DlConversation {
  id: string;
  token: string;
  userId: string;
}

/** What exists only once the servers run; the cases that need it resolve their path, headers or body against it. */
export interface LiveContext {
  dl: DlConversation[];
  /** Fresh Direct Line conversations, one per activity-post case (so the bot's answer maps to one case). */
  fresh: Map<number, DlConversation>;
  ticketId: string;
  transcriptIds: string[];
}

export const JSON_HEADERS = { 'content-type': 'application/json' };
