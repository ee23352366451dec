import { ConversationState, TranscriptLoggerMiddleware, type BotAdapter, type Storage } from 'botbuilder';
import type { DialogServices } from '../../dialogs/services.js';
import type { Assistant } from '../assistant/types.js';
import type { HandoffService } from '../handoff/handoffService.js';
import type { KnowledgeTree } from '../knowledge/loader.js';
import type { Logger } from '../logger.js';
import { ConversationMemory } from '../memory/conversationMemory.js';
import { ticketForm } from '../tickets/ticketForm.js';
import { isStoreUnreachable } from '../stores/storeUnreachable.js';
import type { TranscriptStore } from '../transcripts/types.js';
import { ui } from '../tree/messages.js';
import { TreeWalker } from '../tree/walker.js';
import { HelpdeskBot } from './helpdeskBot.js';
import type { SignalTurns } from './proactiveChannel.js';
import { SerializeTurnsMiddleware } from './serializeTurns.js';
import { StoreTranscriptLogger } from './storeTranscriptLogger.js';
import { TypingIndicator } from './typingIndicator.js';
import type { TurnLock } from './turnLock.js';

/**
 * What the user reads when a store cannot be reached mid-turn. Their place is kept (nothing was saved, so the
 * same answer works again), so it must not tell them to start over.
 */
export const STORE_UNREACHABLE_REPLY = "I can't reach my records right now, so I couldn't note that. Please try again in a moment.";

export interface BotParts {
  /** The app's CloudAdapter, or a test's TestAdapter: the same middleware and error handling go on either. */
  adapter: BotAdapter;
  /** Conversation state (where each user is in the tree). */
  storage: Storage;
  tree: KnowledgeTree;
  /** Local only unless a model is configured. */
  assistant: Assistant;
  handoff: HandoffService;
  transcripts: TranscriptStore;
  turnLock: TurnLock;
  /** Where the queue's signals become turns of this bot (the channel the handoff service was given). */
  signals: SignalTurns;
  logger: Logger;
  clock: () => Date;
}

/**
 * The one place the bot is put together, for the app and for the test harness alike: the dialogs with the
 * services they are given, the middleware every turn runs through, and what happens when a turn fails. This
 * and src/app.ts are the only modules that know both the dialogs and the services behind them.
 */
export function createBot(parts: BotParts): HelpdeskBot & { transcriptsWritten(): Promise<void> } {
  const { adapter, logger } = parts;
  const conversationState = new ConversationState(parts.storage);
  const walker = new TreeWalker(parts.tree);
  const services: DialogServices = {
    walker,
    assistant: parts.assistant,
    handoff: parts.handoff,
    outcomes: parts.transcripts,
    ticketForm,
    memory: new ConversationMemory(walker),
    ui,
    clock: parts.clock,
  };
  // First, so a turn waiting behind another one of its conversation shows "typing" too.
  adapter.use(new TypingIndicator(500, 2_000));
  adapter.use(new SerializeTurnsMiddleware(parts.turnLock));
  // Every activity in and out of every turn (user, bot, agent) is redacted and stored for admins.
  const transcriptLogger = new StoreTranscriptLogger(parts.transcripts, logger);
  adapter.use(new TranscriptLoggerMiddleware(transcriptLogger));
  adapter.onTurnError = async (context, error) => {
    if (isStoreUnreachable(error)) {
      logger.warn(
        { err: { message: error.message }, conversationId: context.activity.conversation?.id },
        'store unreachable: turn not saved, user asked to try again',
      );
      try {
        if (context.activity.type === 'message') await context.sendActivity(STORE_UNREACHABLE_REPLY);
      } catch (inner) {
        logger.error({ err: { message: (inner as Error).message } }, 'could not tell the user the store is unreachable');
      }
      // Not swallowed: the turn was not saved, so the channel must not be told it was done (the endpoint answers 503).
      throw error;
    }
    logger.error(
      { err: { message: error.message, stack: error.stack }, conversationId: context.activity.conversation?.id },
      'unhandled error in turn',
    );
    try {
      await context.sendActivity("Sorry, something went wrong on my side. Let's start again: type **menu** to see the options.");
      // Clear the broken position so the next message starts cleanly instead of failing the same way.
      await conversationState.delete(context);
      await conversationState.saveChanges(context, true);
    } catch (inner) {
      logger.error({ err: { message: (inner as Error).message } }, 'could not recover from turn error');
    }
  };
  const bot = new HelpdeskBot(conversationState, services);
  parts.signals.runSignalsWith((context, signal) => bot.runSignal(context, signal));
  // For a shutdown: the transcript entries of finished turns are written after the turn (see idle()).
  return Object.assign(bot, { transcriptsWritten: () => transcriptLogger.idle() });
}
