import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConversationState, MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder';
import { HelpdeskBot } from '../../src/bot/helpdeskBot.js';
import { loadKnowledge, type KnowledgeTree } from '../../src/knowledge/loader.js';
import { LocalRecognizer } from '../../src/recognizer/localRecognizer.js';
import { LowdbOutcomeStore } from '../../src/stores/outcomeStore.js';
import { TreeWalker } from '../../src/tree/walker.js';
import { projectRoot } from '../../src/paths.js';

export const realKnowledge = (): KnowledgeTree => loadKnowledge(path.join(projectRoot(), 'knowledge'));

export function tempDir(prefix = 'mfa-bot-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Harness {
  adapter: TestAdapter;
  outcomes: LowdbOutcomeStore;
  tree: KnowledgeTree;
  /** Sends a message (or any activity) and returns the bot's replies to it. */
  say(text: string | Partial<Activity>): Promise<Partial<Activity>[]>;
  /** The user joins: the bot's welcome and menu. */
  join(): Promise<Partial<Activity>[]>;
}

/** A bot on botbuilder's TestAdapter, wired exactly as src/app.ts wires it, with stores in a temp folder. */
export async function createHarness(
  options: { storage?: Storage; tree?: KnowledgeTree; dataDir?: string; channelId?: string; conversationId?: string } = {},
): Promise<Harness> {
  const tree = options.tree ?? realKnowledge();
  const dataDir = options.dataDir ?? tempDir();
  const outcomes = await LowdbOutcomeStore.open(path.join(dataDir, 'outcomes.json'));
  const state = new ConversationState(options.storage ?? new MemoryStorage());
  const bot = new HelpdeskBot(state, {
    walker: new TreeWalker(tree),
    recognizer: new LocalRecognizer(tree),
    outcomes,
    threshold: 0.5,
    clock: () => new Date(),
  });
  const adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: options.channelId ?? 'test',
    conversation: { id: options.conversationId ?? 'conv-1', isGroup: false, conversationType: 'personal', name: '' },
  } as Partial<Activity>);
  const say = async (input: string | Partial<Activity>): Promise<Partial<Activity>[]> => {
    await adapter.receiveActivity(input);
    return adapter.activeQueue.splice(0);
  };
  const join = (): Promise<Partial<Activity>[]> =>
    say({ type: 'conversationUpdate', membersAdded: [{ id: 'user1', name: 'User' }, { id: 'bot', name: 'Bot' }] });
  return { adapter, outcomes, tree, say, join };
}

/** Button titles of a reply: suggested actions or hero card buttons. */
export function buttonsOf(activity: Partial<Activity> | undefined): string[] {
  if (!activity) return [];
  const suggested = activity.suggestedActions?.actions.map((a) => String(a.title)) ?? [];
  const card = (activity.attachments ?? []).flatMap(
    (a) => ((a.content as { buttons?: { title: string }[] } | undefined)?.buttons ?? []).map((b) => b.title),
  );
  return [...suggested, ...card];
}

export function textsOf(replies: Partial<Activity>[]): string {
  return replies.map((r) => r.text ?? '').join('\n');
}
