import { MessageFactory, TextFormatTypes, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { QueueSignal, UserChannel } from '../handoff/userChannel.js';
import type { ConversationLink } from '../tickets/ticket.js';
import { AGENT_MARK } from './storeTranscriptLogger.js';
import { sendAsNewMessages } from './sendAsNewMessages.js';

/** Runs a bot turn that carries a queue signal; the bot hands one over once it exists (see SignalTurns). */
export type SignalTurn = (context: TurnContext, signal: QueueSignal) => Promise<void>;

/**
 * A channel whose queue signals become turns of the bot. The queue needs the channel before the bot exists
 * (the bot's dialogs use the queue), so the bot is attached afterwards, once, by createBot.
 */
export interface SignalTurns {
  runSignalsWith(turn: SignalTurn): void;
}

/**
 * Reaches a user's conversation outside their own turns, through the adapter's proactive path
 * (continueConversationAsync), so it works the same for Web Chat via Direct Line and for Teams.
 */
export class ProactiveChannel implements UserChannel, SignalTurns {
  private signalTurn: SignalTurn | undefined;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
  ) {}

  runSignalsWith(turn: SignalTurn): void {
    this.signalTurn = turn;
  }

  /**
   * Throws when the channel refuses the message (a connector 404: the conversation is gone), so the queue can
   * tell the agent. Caught inside the turn: left to the adapter, the turn-error handler would clear the user's
   * conversation state and try to apologise into the same refusing channel.
   */
  async sendText(link: ConversationLink, text: string, from?: { agent: string }): Promise<void> {
    let refused: unknown;
    await this.adapter.continueConversationAsync(this.appId, this.reference(link), async (context) => {
      sendAsNewMessages(context);
      const mark = from ? { channelData: { [AGENT_MARK]: from.agent } } : {};
      try {
        await context.sendActivity({ ...MessageFactory.text(text), textFormat: TextFormatTypes.Markdown, ...mark });
      } catch (err) {
        refused = err;
      }
    });
    if (refused) throw refused instanceof Error ? refused : new Error('the channel refused the message', { cause: refused });
  }

  async signal(link: ConversationLink, signal: QueueSignal): Promise<void> {
    const turn = this.signalTurn;
    if (!turn) throw new Error('ProactiveChannel: no bot attached to run signal turns (createBot attaches one)');
    await this.adapter.continueConversationAsync(this.appId, this.reference(link), async (context) => {
      sendAsNewMessages(context);
      await turn(context, signal);
    });
  }

  private reference(link: ConversationLink): Partial<ConversationReference> {
    // The reference the channel gave, stored as plain JSON on the ticket (see turnInfoOf).
    const reference: Partial<ConversationReference> = link.reference;
    return reference;
  }
}
