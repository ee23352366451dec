import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CaptureServer, Reply } from './capture.js';

export type ErrorKind = 'http' | 'timeout' | 'network' | 'unexpected';

/** A failed turn or conversation; `unexpected` means the bot answered, but not as the script expected. */
export class TurnError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown at the phase deadline to unwind a conversation; not an error. */
class PhaseOver extends Error {}

/** One simulated user's conversation as the script sees it. */
export interface Session {
  user: number;
  index: number;
  conversationId: string;
  userId: string;
  /** Sends one activity (ids, addresses and serviceUrl filled in) and returns the replies of that turn. */
  send(activity: Record<string, unknown>): Promise<Reply[]>;
}

/** Runs one whole conversation and returns how it ended ("resolved", "escalated"...). */
export type Script = (session: Session) => Promise<string>;

export interface DriveOptions {
  botUrl: string;
  capture: CaptureServer;
  users: number;
  warmupMs: number;
  seconds: number;
  timeoutMs: number;
  /** Distinguishes conversation ids between phases. */
  label: string;
  script: Script;
  /** Turns per second offered by all users together; unset: each user sends its next turn at once (saturation). */
  rate?: number;
  /** Prints the first conversation of user 0, turn by turn (--trace), to check the scripts against the bot. */
  trace?: (line: string) => void;
}

export interface DriveResult {
  /** Turns started inside the measured window, and their latencies (ms). */
  latencies: number[];
  windowMs: number;
  errors: Record<ErrorKind | 'late', number>;
  /** Replies that reached the capture endpoint after the bot's HTTP response: 0 when the bot awaits its sends. */
  repliesAfterResponse: number;
  outcomes: Record<string, number>;
  /** The first few errors, verbatim, for the report. */
  examples: string[];
  /** CPU the driver and capture endpoint used, in cores: near 1 means they, not the server, set the pace. */
  driverCores: number;
  /** Every turn answered, warm-up included, and the replies they got: the denominators of CPU per turn. */
  turns: number;
  replies: number;
}

/** POST with a keep-alive agent: one socket per simulated user, as a channel would hold. */
function post(agent: http.Agent, url: URL, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume(); // the body (empty for message turns) is not needed, but must be drained to reuse the socket
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new TurnError('timeout', `no response within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(err instanceof TurnError ? err : new TurnError('network', err.message)));
    req.end(body);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spaces each user's turns so all users together offer `rate` turns/s, staggered so they do not send in step.
 * A user that falls behind (the bot is saturated) sends at once rather than in a catch-up burst; the achieved
 * rate then shows the shortfall.
 */
function pacer(users: number, rate: number | undefined, start: number): (user: number) => Promise<void> {
  if (!rate) return async () => undefined;
  const interval = (users / rate) * 1000;
  const nextAt = Array.from({ length: users }, (_, user) => start + (user / users) * interval);
  return async (user) => {
    const wait = nextAt[user]! - performance.now();
    if (wait > 0) await sleep(wait);
    nextAt[user] = Math.max(nextAt[user]! + interval, performance.now());
  };
}

/** Drives `users` concurrent simulated users through whole conversations until the phase ends. */
export async function drive(o: DriveOptions): Promise<DriveResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.users });
  const url = new URL('/api/messages', o.botUrl);
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const measureFrom = start + o.warmupMs;
  const end = measureFrom + o.seconds * 1000;
  const result: DriveResult = {
    latencies: [],
    windowMs: o.seconds * 1000,
    errors: { http: 0, timeout: 0, network: 0, unexpected: 0, late: 0 },
    repliesAfterResponse: 0,
    outcomes: {},
    examples: [],
    driverCores: 0,
    turns: 0,
    replies: 0,
  };
  let activityCounter = 0;
  const lateBefore = o.capture.late;
  const paced = pacer(o.users, o.rate, start);

  const turn = async (session: Session, activity: Record<string, unknown>): Promise<Reply[]> => {
    await paced(session.user);
    const sentAt = performance.now();
    if (sentAt >= end) throw new PhaseOver();
    const id = `${o.label}-a${(activityCounter += 1)}`;
    const replies: Reply[] = [];
    o.capture.expect(id, session.conversationId, (r) => replies.push(r));
    const body = JSON.stringify({
      channelId: 'webchat',
      serviceUrl: o.capture.url,
      conversation: { id: session.conversationId },
      from: { id: session.userId, name: `Bench user ${session.user}`, role: 'user' },
      recipient: { id: 'bench-bot', name: 'bot', role: 'bot' },
      timestamp: new Date().toISOString(),
      ...activity,
      id,
    });
    try {
      const status = await post(agent, url, body, o.timeoutMs);
      const respondedAt = performance.now();
      if (status < 200 || status > 299) throw new TurnError('http', `HTTP ${status} for ${describe(activity)}`);
      result.repliesAfterResponse += replies.filter((r) => r.at > respondedAt).length;
      if (o.trace && session.user === 0 && session.index === 0) traceTurn(o.trace, activity, replies);
      // A turn ends with its last reply; the HTTP response is its upper bound when the bot awaits its sends.
      const endedAt = Math.max(respondedAt, ...replies.map((r) => r.at));
      if (sentAt >= measureFrom) result.latencies.push(endedAt - sentAt);
      result.turns += 1;
      result.replies += replies.length;
      return replies;
    } finally {
      o.capture.release(id, session.conversationId);
    }
  };

  const runUser = async (user: number): Promise<void> => {
    for (let index = 0; performance.now() < end; index += 1) {
      const conversationId = `bench-${o.label}-u${user}-c${index}`;
      const session: Session = { user, index, conversationId, userId: `bench-user-${user}-${index}`, send: (a) => turn(session, a) };
      try {
        const outcome = await o.script(session);
        result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
      } catch (err) {
        if (err instanceof PhaseOver) return;
        const kind = err instanceof TurnError ? err.kind : 'unexpected';
        result.errors[kind] += 1;
        if (result.examples.length < 5) result.examples.push(`${kind} in ${conversationId}: ${(err as Error).message}`);
      }
    }
  };

  await Promise.all(Array.from({ length: o.users }, (_, user) => runUser(user)));
  agent.destroy();
  const cpu = process.cpuUsage(cpuBefore);
  result.driverCores = (cpu.user + cpu.system) / 1000 / (performance.now() - start);
  result.errors.late = o.capture.late - lateBefore;
  return result;
}

function traceTurn(trace: (line: string) => void, activity: Record<string, unknown>, replies: Reply[]): void {
  trace(`  user: ${typeof activity.text === 'string' ? activity.text : `(${String(activity.type)})`}`);
  for (const r of replies) {
    const buttons = r.suggestedActions?.actions?.map((a) => a.title).join(' | ');
    trace(`    bot: ${(r.text ?? `(${r.type} ${r.name ?? ''})`).replace(/\s+/g, ' ').slice(0, 110)}${buttons ? ` [${buttons}]` : ''}`);
  }
}

function describe(activity: Record<string, unknown>): string {
  return typeof activity.text === 'string' ? `"${activity.text.slice(0, 40)}"` : String(activity.type);
}
