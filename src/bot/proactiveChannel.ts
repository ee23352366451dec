import { MessageFactory, TextFormatTypes, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { UserChannel } from '../handoff/userChannel.js';
import { AGENT_MARK } from './storeTranscriptLogger.js';
import { sendAsNewMessages } from './sendAsNewMessages.js';
import type { ConversationLink } from '../tickets/ticket.js';

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

  async signal(link: ConversationLink, name: string, value: Record<string, unknown>): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, this.reference(link), async (context) => {
      sendAsNewMessages(context);
      // The continuation activity is an event named ContinueConversation; naming it lets dialogs tell signals apart.
      context.activity.name = name;
      context.activity.value = value;
      await this.runTurn(context);
    });
  }

  private reference(link: ConversationLink): Partial<ConversationReference> {
    return link.reference as Partial<ConversationReference>;
  }
}
