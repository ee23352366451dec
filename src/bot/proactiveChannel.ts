import { MessageFactory, TextFormatTypes, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { QueueSignal, UserChannel } from '../handoff/userChannel.js';
import { AGENT_MARK } from './storeTranscriptLogger.js';
import { sendAsNewMessages } from './sendAsNewMessages.js';
import type { ConversationLink } from '../tickets/ticket.js';
import { markQueueSignal } from '../../dialogs/queueSignal.js';

/**
 * Reaches a user's conversation outside their own turns, through the adapter's proactive path
 * (continueConversationAsync), so it works the same for Web Chat via Direct Line and for Teams.
 */
export class ProactiveChannel implements UserChannel {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    /** Runs a full bot turn (dialogs, state) for signals. */
    private readonly runTurn: (context: TurnContext) => Promise<void>,
  ) {}

  async sendText(link: ConversationLink, text: string, from?: { agent: string }): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, this.reference(link), async (context) => {
      sendAsNewMessages(context);
      const mark = from ? { channelData: { [AGENT_MARK]: from.agent } } : {};
      await context.sendActivity({ ...MessageFactory.text(text), textFormat: TextFormatTypes.Markdown, ...mark });
    });
  }

  async signal(link: ConversationLink, signal: QueueSignal): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, this.reference(link), async (context) => {
      sendAsNewMessages(context);
      markQueueSignal(context, signal);
      await this.runTurn(context);
    });
  }

  private reference(link: ConversationLink): Partial<ConversationReference> {
    return link.reference as Partial<ConversationReference>;
  }
}
