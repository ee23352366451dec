import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { ConversationState, MemoryStorage, TestAdapter, TranscriptLoggerMiddleware, type Activity, type Storage } from 'botbuilder';
import { HelpdeskBot } from '../../src/bot/helpdeskBot.js';
import { loadKnowledge, type KnowledgeTree } from '../../src/knowledge/loader.js';
import { LocalRecognizer } from '../../src/recognizer/localRecognizer.js';
import { EmbeddedTranscriptStore } from '../../src/stores/embedded/transcriptStore.js';
import { StoreTranscriptLogger } from '../../src/bot/storeTranscriptLogger.js';
import { cardButtonTitles } from '../../src/bot/cardButtons.js';
import { TreeWalker } from '../../src/tree/walker.js';
import { projectRoot } from '../../src/paths.js';
import { HandoffService } from '../../src/handoff/handoffService.js';
import type { QueueSignal, UserChannel } from '../../src/handoff/userChannel.js';
import { markQueueSignal } from '../../dialogs/queueSignal.js';
import { createLogger } from '../../src/logger.js';
import { EmbeddedTicketStore } from '../../src/stores/embedded/ticketStore.js';
import { noopNotifier } from '../../src/outbound/webhookNotifier.js';
import type { Assistant } from '../../src/assistant/types.js';

export const realKnowledge = (): KnowledgeTree => loadKnowledge(path.join(projectRoot(), 'knowledge'));

export function tempDir(prefix = 'mfa-bot-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Harness {
  adapter: TestAdapter;
  /** The transcript store, which also receives the walks' outcomes. */
  outcomes: EmbeddedTranscriptStore;
  tickets: EmbeddedTicketStore;
  handoff: HandoffService;
  /** What the queue sent the user outside their turns (agent messages, notices). */
  pushed: string[];
  /** Replies the bot sent during signal turns (resolved, unclaimed), as the user would see them. */
  signalled: Partial<Activity>[];
  tree: KnowledgeTree;
  /** Sends a message (or any activity) and returns the bot's replies to it. */
  say(text: string | Partial<Activity>): Promise<Partial<Activity>[]>;
  /** The user joins: the bot's welcome and menu. */
  join(): Promise<Partial<Activity>[]>;
}

/** A bot on botbuilder's TestAdapter, wired exactly as src/app.ts wires it, with stores in a temp folder. */
export async function createHarness(
  options: {
    storage?: Storage;
    tree?: KnowledgeTree;
    dataDir?: string;
    channelId?: string;
    conversationId?: string;
    now?: () => Date;
    unclaimedAfterMs?: number;
    /** Build the assistant the bot uses (the OpenAI one against a fake server); the local path when omitted. */
    assistant?: (tree: KnowledgeTree, recognizer: LocalRecognizer) => Assistant;
  } = {},
): Promise<Harness> {
  const tree = options.tree ?? realKnowledge();
  const dataDir = options.dataDir ?? tempDir();
  const outcomes = await EmbeddedTranscriptStore.open(path.join(dataDir, 'transcripts'));
  const tickets = await EmbeddedTicketStore.open(path.join(dataDir, 'tickets'));
  const state = new ConversationState(options.storage ?? new MemoryStorage());
  const clock = options.now ?? (() => new Date());
  const pushed: string[] = [];
  const signalled: Partial<Activity>[] = [];
  let adapter: TestAdapter | undefined;
  // Proactive turns become event turns on the TestAdapter carrying the signal in turn state, as ProactiveChannel runs them.
  let pendingSignal: QueueSignal | undefined;
  const channel: UserChannel = {
    sendText: async (_link, text) => void pushed.push(text),
    signal: async (_link, signal) => {
      pendingSignal = signal;
      await adapter!.receiveActivity({ type: 'event', name: 'ContinueConversation' });
      signalled.push(...adapter!.activeQueue.splice(0));
    },
  };
  const handoff = new HandoffService({
    tickets,
    channel,
    notifier: noopNotifier,
    logger: createLogger('silent'),
    clock,
    unclaimedAfterMs: options.unclaimedAfterMs ?? 15 * 60_000,
  });
  const recognizer = new LocalRecognizer(tree);
  const bot = new HelpdeskBot(state, {
    walker: new TreeWalker(tree),
    recognizer,
    outcomes,
    handoff,
    threshold: 0.5,
    clock,
    ...(options.assistant && { assistant: options.assistant(tree, recognizer) }),
  });
  adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: options.channelId ?? 'test',
    conversation: { id: options.conversationId ?? 'conv-1', isGroup: false, conversationType: 'personal', name: '' },
  } as Partial<Activity>);
  adapter.use(async (context, next) => {
    if (context.activity.type === 'event' && pendingSignal) markQueueSignal(context, pendingSignal);
    pendingSignal = undefined;
    await next();
  });
  adapter.use(new TranscriptLoggerMiddleware(new StoreTranscriptLogger(outcomes, createLogger('silent'))));
  const say = async (input: string | Partial<Activity>): Promise<Partial<Activity>[]> => {
    await adapter!.receiveActivity(input);
    return adapter!.activeQueue.splice(0);
  };
  const join = (): Promise<Partial<Activity>[]> =>
    say({ type: 'conversationUpdate', membersAdded: [{ id: 'user1', name: 'User' }, { id: 'bot', name: 'Bot' }] });
  return { adapter, outcomes, tickets, handoff, pushed, signalled, tree, say, join };
}

export const CORRELATION = '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d';

/** Answers the ticket questions: the two required ones typed, the rest from a pasted details block. */
export async function fileTicket(h: Harness): Promise<void> {
  await h.say('alex@contoso.com');
  await h.say('The verification code never arrives on my phone');
  await h.say(`Error Code: 50076\nRequest Id: 5a1f0c2e-7b9d-4c1e-9f3a-2d8e6b4a1c70\nCorrelation Id: ${CORRELATION}\nTimestamp: 2026-11-22T13:05:10Z`);
  let replies = await h.say('skip');
  for (let i = 0; i < 3 && !textsOf(replies).includes('Is everything right?'); i += 1) replies = await h.say('skip');
  expect(textsOf(replies)).toContain('Is everything right?');
  const done = await h.say('Send to the help desk');
  expect(textsOf(done)).toMatch(/ticket number is \*\*MFA-[A-Z0-9]{6}\*\*/);
}

/** Button titles of a reply: suggested actions or hero card buttons. */
export function buttonsOf(activity: Partial<Activity> | undefined): string[] {
  if (!activity) return [];
  const suggested = activity.suggestedActions?.actions.map((a) => String(a.title)) ?? [];
  return [...suggested, ...cardButtonTitles(activity.attachments)];
}

export function textsOf(replies: Partial<Activity>[]): string {
  return replies.map((r) => r.text ?? '').join('\n');
}
