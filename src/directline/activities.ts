import { nanoid } from 'nanoid';
import type { Conversation } from './conversationStore.js';
import type { Activity, ChannelAccount } from './types.js';

/** The channel id the bot sees; botbuilder renders suggested-action buttons for it. */
export const CHANNEL_ID = 'webchat';

/**
 * Fields the channel owns. Whatever a client puts there is replaced, so the bot can trust who sent an
 * activity, in which conversation, and where replies go.
 */
const CHANNEL_OWNED = ['id', 'timestamp', 'channelId', 'serviceUrl', 'conversation', 'recipient', 'from'] as const;

export interface Addressing {
  bot: ChannelAccount;
  serviceUrl: string;
}

function envelope(conversation: Conversation, { bot, serviceUrl }: Addressing, user: ChannelAccount) {
  return {
    timestamp: new Date().toISOString(),
    channelId: CHANNEL_ID,
    serviceUrl,
    conversation: { id: conversation.id },
    recipient: bot,
    from: { ...user, role: 'user' },
    ...(conversation.locale ? { locale: conversation.locale } : {}),
  };
}

/** What the bot receives when someone joins: both members at once, like Direct Line with a known user. */
export function membersAdded(conversation: Conversation, addressing: Addressing, user: ChannelAccount): Activity {
  return {
    type: 'conversationUpdate',
    id: nanoid(),
    ...envelope(conversation, addressing, user),
    membersAdded: [addressing.bot, { id: user.id, ...(user.name ? { name: user.name } : {}) }],
  };
}

/** A client's activity as the bot and the other clients see it. */
export function fromClient(
  conversation: Conversation,
  addressing: Addressing,
  user: ChannelAccount,
  body: Record<string, unknown>,
): Activity {
  const rest: Record<string, unknown> = { ...body };
  for (const key of CHANNEL_OWNED) delete rest[key];
  const type = typeof body.type === 'string' ? body.type : 'message';
  // The activity's own locale (the user may switch language mid-conversation) beats the one from the start.
  const locale = typeof body.locale === 'string' ? { locale: body.locale } : {};
  return { ...rest, ...envelope(conversation, addressing, user), ...locale, type };
}

/** A reply from the bot, stamped the way the Bot Connector stamps it before Direct Line delivers it. */
export function fromBot(conversation: Conversation, body: Record<string, unknown>, replyToId?: string): Activity {
  // The bot's own id for the activity is replaced by the log's; serviceUrl stays between bot and channel.
  const { id: _id, serviceUrl: _serviceUrl, ...rest } = body;
  const type = typeof body.type === 'string' ? body.type : 'message';
  return {
    ...rest,
    type,
    timestamp: new Date().toISOString(),
    channelId: CHANNEL_ID,
    conversation: { id: conversation.id },
    ...(replyToId && rest.replyToId === undefined ? { replyToId } : {}),
  };
}
