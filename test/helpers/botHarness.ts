import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder';
import { createBot } from '../../src/bot/createBot.js';
import type { SignalTurn, SignalTurns } from '../../src/bot/proactiveChannel.js';
import { loadKnowledge, type KnowledgeTree } from '../../src/knowledge/loader.js';
import { LocalRecognizer } from '../../src/recognizer/localRecognizer.js';
import { LocalAssistant } from '../../src/assistant/localAssistant.js';
import { EmbeddedTranscriptStore } from '../../src/stores/embedded/transcriptStore.js';
import { EmbeddedTicketStore } from '../../src/stores/embedded/ticketStore.js';
import { InProcessTurnLock } from '../../src/stores/embedded/turnLock.js';
import { cardButtonTitles } from '../../src/bot/cardButtons.js';
import { projectRoot } from '../../src/paths.js';
import { HandoffService } from '../../src/handoff/handoffService.js';
import type { QueueSignal, UserChannel } from '../../src/handoff/userChannel.js';
import { createLogger } from '../../src/logger.js';
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

/** A bot on botbuilder's TestAdapter, put together by the app's own createBot, with stores in a temp folder. */
export async function createHarness(
  options: {
    storage?: Storage;
    tree?: KnowledgeTree;
    dataDir?: string;
    channelId?: string;
    conversationId?: string;
    now?: () => Date;
    unclaimedAfterMs?: number;
    /** Share another harness's tickets: two conversations (or two instances) over one help desk queue. */
    tickets?: EmbeddedTicketStore;
    /** Build the assistant the bot uses (the OpenAI one against a fake server); the local path when omitted. */
    assistant?: (tree: KnowledgeTree, recognizer: LocalRecognizer) => Assistant;
  } = {},
): Promise<Harness> {
  const tree = options.tree ?? realKnowledge();
  const dataDir = options.dataDir ?? tempDir();
  const outcomes = await EmbeddedTranscriptStore.open(path.join(dataDir, 'transcripts'));
  const tickets = options.tickets ?? (await EmbeddedTicketStore.open(path.join(dataDir, 'tickets')));
  const clock = options.now ?? (() => new Date());
  const logger = createLogger('silent');
  const pushed: string[] = [];
  const signalled: Partial<Activity>[] = [];
  // Proactive turns become event turns on the TestAdapter, run with their signal as ProactiveChannel runs them.
  let signalTurn: SignalTurn | undefined;
  let pendingSignal: QueueSignal | undefined;
  const channel: UserChannel & SignalTurns = {
    sendText: async (_link, text) => void pushed.push(text),
    signal: async (_link, signal) => {
      pendingSignal = signal;
      await adapter.receiveActivity({ type: 'event', name: 'ContinueConversation' });
      signalled.push(...adapter.activeQueue.splice(0));
    },
    runSignalsWith: (turn) => void (signalTurn = turn),
  };
  const recognizer = new LocalRecognizer(tree);
  const assistant = options.assistant ? options.assistant(tree, recognizer) : new LocalAssistant(recognizer, 0.5);
  const handoff = new HandoffService({
    tickets,
    channel,
    notifier: noopNotifier,
    logger,
    clock,
    unclaimedAfterMs: options.unclaimedAfterMs ?? 15 * 60_000,
    assistant,
  });
  const adapter = new TestAdapter(
    async (context) => {
      const signal = pendingSignal;
      pendingSignal = undefined;
      await (signal && signalTurn ? signalTurn(context, signal) : bot.run(context));
    },
    {
      channelId: options.channelId ?? 'test',
      conversation: { id: options.conversationId ?? 'conv-1', isGroup: false, conversationType: 'personal', name: '' },
    } as Partial<Activity>,
  );
  // Wired by createBot exactly as the app wires it: the same middleware, error handling and services.
  const bot = createBot({
    adapter,
    storage: options.storage ?? new MemoryStorage(),
    tree,
    assistant,
    handoff,
    transcripts: outcomes,
    turnLock: new InProcessTurnLock(),
    signals: channel,
    logger,
    clock,
  });
  const say = async (input: string | Partial<Activity>): Promise<Partial<Activity>[]> => {
    await adapter.receiveActivity(input);
    return adapter.activeQueue.splice(0);
  };
  const join = (): Promise<Partial<Activity>[]> =>
    say({
      type: 'conversationUpdate',
      membersAdded: [
        { id: 'user1', name: 'User' },
        { id: 'bot', name: 'Bot' },
      ],
    });
  return { adapter, outcomes, tickets, handoff, pushed, signalled, tree, say, join };
}

export const CORRELATION = '9c3e2b1a-4d5f-4a6b-8c7d-1e2f3a4b5c6d';

/** Answers the ticket questions: the two required ones typed, the rest from a pasted details block. */
export async function fileTicket(h: Harness): Promise<void> {
  await h.say('alex@contoso.com');
  await h.say('The verification code never arrives on my phone');
  await h.say(
    `Error Code: 50076\nRequest Id: 5a1f0c2e-7b9d-4c1e-9f3a-2d8e6b4a1c70\nCorrelation Id: ${CORRELATION}\nTimestamp: 2026-11-22T13:05:10Z`,
  );
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
