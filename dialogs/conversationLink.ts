import { TurnContext } from 'botbuilder';
import type { ConversationLink } from '../src/tickets/ticket.js';

/** The plain-JSON link a ticket keeps to its conversation, for proactive messages later. */
export function conversationLink(context: TurnContext): ConversationLink {
  const reference = TurnContext.getConversationReference(context.activity);
  return {
    channelId: context.activity.channelId,
    serviceUrl: context.activity.serviceUrl,
    conversationId: context.activity.conversation.id,
    reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
  };
}
