import type { Storage } from 'botbuilder';
import type { App } from '../src/app.js';
import type { ChoiceNode, TreeNode } from '../src/knowledge/schema.js';
import type { Ticket } from '../src/tickets/ticket.js';
import type { ConversationInfo, TranscriptEntry } from '../src/transcripts/types.js';
import { ui } from '../src/tree/messages.js';
import type { SessionOutcome } from '../src/tree/types.js';

/**
 * What seeding touches. `storage` (the bot state Storage behind ConversationState) is not on App yet: when it
 * appears under that name it is seeded too, and until then the state docs are skipped (and reported).
 */
export type SeedTarget = Pick<App, 'transcripts' | 'tickets' | 'tree'> & { storage?: Storage };

export interface SeedOptions {
  /** Stop (incomplete) once Date.now() passes this: a slow store must not hold the whole benchmark. */
  deadline?: number;
  /** Conversations written at once; each conversation's own writes stay in order. */
  concurrency?: number;
  /** Called at most every 5 s with the count so far. */
  onProgress?: (done: number) => void;
  now?: Date;
}

export interface SeedResult {
  seeded: number;
  ms: number;
  complete: boolean;
  /** Whether conversation state docs were written (false while App exposes no `storage`). */
  state: boolean;
}

class OutOfTime extends Error {}

interface Planned {
  info: ConversationInfo;
  entries: Omit<TranscriptEntry, 'seq'>[];
  outcome: SessionOutcome;
  ticket?: Ticket;
}

const DAY = 86_400_000;

function stateStorage(app: SeedTarget): Storage | undefined {
  const candidate = (app as { storage?: unknown }).storage as Storage | undefined;
  return typeof candidate?.write === 'function' ? candidate : undefined;
}

/** Ticket ids the bot cannot generate (its alphabet has no 0 or 1), so seeded ones never collide with new ones. */
function seedTicketId(i: number): string {
  return `MFA-0${i.toString(31).toUpperCase().padStart(5, '1')}`;
}

function closedTicket(id: string, info: ConversationInfo, branch: TreeNode, email: string, at: (k: number) => string): Ticket {
  return {
    id,
    status: 'resolved',
    priority: branch.priority ?? 'normal',
    category: branch.id,
    categoryTitle: branch.title,
    fields: { userId: email, errorMessage: 'AADSTS50076: the text with my code never arrives', accountType: 'work-or-school' },
    extras: {},
    stepsTried: [{ node: branch.id, title: branch.title, outcome: 'not fixed' }],
    escalatedFrom: 'asked for a person',
    conversation: {
      channelId: info.channelId,
      serviceUrl: 'http://127.0.0.1:9/',
      conversationId: info.conversationId,
      reference: { conversation: { id: info.conversationId } },
    },
    createdAt: at(8),
    updatedAt: at(12),
    assignedTo: 'seed-agent',
    assignedAt: at(9),
    closedAt: at(12),
    resolutionNote: 'Verification methods reset',
    userWaiting: false,
    rating: 5,
    messages: [
      { seq: 1, from: 'user', text: 'Still here, thanks', at: at(10) },
      { seq: 2, from: 'agent', agent: 'seed-agent', text: 'I have reset your methods, please sign in again.', at: at(11) },
    ],
  };
}

/** One finished conversation as the bot would have left it: ~9 transcript entries, one walk, 1 in 10 with a ticket. */
function planConversation(app: SeedTarget, i: number, now: number): Planned {
  const { index, nodes } = app.tree;
  const root = nodes.get(index.root) as ChoiceNode;
  const option = root.options[i % root.options.length]!;
  const branch = nodes.get(option.goto)!;
  const escalated = i % 10 === 0;
  const info: ConversationInfo = {
    conversationId: `seed-${i}`,
    channelId: 'webchat',
    userId: `seed-user-${i}`,
    userName: `Seed user ${i}`,
  };
  // Spread over the last 30 days (inside the retention period, so the purge leaves them alone).
  const start = now - DAY - ((i * 7_919_000) % (29 * DAY));
  const at = (k: number): string => new Date(start + k * 15_000).toISOString();
  const user = (k: number, text: string) => ({ at: at(k), role: 'user' as const, type: 'message', text });
  const bot = (k: number, text: string, buttons?: string[]) => ({
    at: at(k),
    role: 'bot' as const,
    type: 'message',
    text,
    ...(buttons ? { buttons } : {}),
  });
  const stepButtons = branch.type === 'choice' ? branch.options.map((o) => o.label) : ui.fixedChoices.map((c) => c.label);
  const email = `seed${i}@contoso.com`;
  const ticketId = escalated ? seedTicketId(i) : undefined;
  const entries = [
    { at: at(0), role: 'user' as const, type: 'conversationUpdate' },
    bot(1, index.welcome),
    bot(
      2,
      root.text,
      root.options.map((o) => o.label),
    ),
    user(3, branch.examples[0] ?? option.label),
    bot(4, branch.text, stepButtons),
    ...(escalated
      ? [
          user(5, 'talk to a person'),
          bot(6, index.escalation.intro),
          user(7, email),
          bot(8, `Done. Your ticket number is **${ticketId}**.`),
        ]
      : [
          user(5, ui.fixedChoices[0]!.label),
          bot(6, nodes.get(index.defaults.resolved)!.text),
          bot(
            7,
            ui.ratingPrompt,
            ui.ratingChoices.map((c) => c.label),
          ),
          user(8, '5'),
        ]),
  ];
  const outcome: SessionOutcome = {
    conversationId: info.conversationId,
    channelId: info.channelId,
    userId: info.userId,
    startedAt: at(3),
    endedAt: at(8),
    branch: branch.id,
    path: [
      { node: branch.id, answer: escalated ? 'asked for a person' : 'fixed' },
      { node: escalated ? index.defaults.escalate : index.defaults.resolved },
    ],
    outcome: escalated ? 'escalated' : 'resolved',
    rating: escalated ? null : 5,
    ...(ticketId ? { ticketId } : {}),
  };
  return { info, entries, outcome, ...(ticketId ? { ticket: closedTicket(ticketId, info, branch, email, at) } : {}) };
}

/**
 * Fills the app's stores with `n` finished conversations through their public interfaces only (no HTTP, no
 * files), so it keeps working while the stores' insides change. The one place to adapt when their API does.
 */
export async function seedConversations(app: SeedTarget, n: number, options: SeedOptions = {}): Promise<SeedResult> {
  const started = Date.now();
  const now = (options.now ?? new Date()).getTime();
  const storage = stateStorage(app);
  let next = 0;
  let done = 0;
  let reported = started;
  const inTime = (): void => {
    if (options.deadline !== undefined && Date.now() > options.deadline) throw new OutOfTime();
  };
  const seedOne = async (i: number): Promise<void> => {
    inTime();
    const c = planConversation(app, i, now);
    // Issued together: the store applies each call in order as it is made, and the document writes of one
    // conversation coalesce into two or three instead of one per entry (the turn path does the same).
    const writes: Promise<unknown>[] = c.entries.map((entry) => app.transcripts.log(c.info, entry));
    if (c.ticket) writes.push(app.tickets.create(c.ticket));
    writes.push(app.transcripts.record(c.outcome));
    // The state ConversationState leaves after a finished walk: an empty dialog stack.
    const key = `${c.info.channelId}/conversations/${c.info.conversationId}/`;
    if (storage) writes.push(storage.write({ [key]: { dialogState: { dialogStack: [] }, eTag: '*' } }));
    await Promise.all(writes);
  };
  const worker = async (): Promise<void> => {
    while (next < n) {
      await seedOne(next++);
      done += 1;
      if (options.onProgress && Date.now() - reported >= 5000) {
        reported = Date.now();
        options.onProgress(done);
      }
    }
  };
  // allSettled: when time runs out, every worker stops at its next write before we return.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(n, options.concurrency ?? 32) }, worker));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && !(s.reason instanceof OutOfTime));
  if (failed) throw failed.reason;
  const complete = settled.every((s) => s.status === 'fulfilled');
  return { seeded: done, ms: Date.now() - started, complete, state: storage !== undefined };
}
