import { nanoid } from 'nanoid';
import type { Logger } from '../logger.js';
import { fromClient, membersAdded, type Addressing } from './activities.js';
import type { BotForwarder } from './botForwarder.js';
import type { Conversation, ConversationStore } from './conversationStore.js';
import type { ChannelAccount } from './types.js';

export interface ChannelDeps {
  store: ConversationStore;
  forwarder: BotForwarder;
  bot: ChannelAccount;
  serviceUrl: () => string;
  logger: Logger;
}

/**
 * What Direct Line does between a client and the bot, free of HTTP: who the user is, when the bot hears that
 * someone joined, and the order things land in the conversation's log.
 *
 * The user id. The bot greets on `conversationUpdate` and keys nothing else on the user, but the id in that
 * join must be the `from.id` of every later message, or the bot sees a stranger. Direct Line takes it from
 * the token (tokens/generate with `user.id`) or from the start-conversation body (DirectLineJS sends
 * `{ user: { id } }` there once Web Chat calls setUserId, which it always does, with a random id if the page
 * gives none). We bind the first id we learn, in that order, and from then on stamp it on every activity
 * (Direct Line does the same for token-bound ids; DirectLineJS also rewrites `from.id` client-side).
 * When a client starts without any user id, we do what Direct Line does when it cannot know the user yet:
 * hold the join back until the user's first activity, bind that activity's `from.id` (or a generated
 * `dl_` id if it has none), send the join, then the activity. The bot greets a little later, but never
 * greets an id that is then never used.
 */
export class DirectLineChannel {
  constructor(private readonly deps: ChannelDeps) {}

  private get addressing(): Addressing {
    return { bot: this.deps.bot, serviceUrl: this.deps.serviceUrl() };
  }

  /** Binds the user if not yet known; an id already bound (by the token) wins over a later one. */
  bindUser(conversation: Conversation, user: { id?: string | undefined; name?: string | undefined } | undefined): void {
    if (conversation.user || !user?.id) return;
    conversation.user = { id: user.id, ...(user.name ? { name: user.name } : {}) };
  }

  /** Starts the conversation once; later calls (a client retrying its start) change nothing. */
  start(conversation: Conversation, locale: string | undefined): boolean {
    if (conversation.started) return false;
    conversation.started = true;
    if (locale && !conversation.locale) conversation.locale = locale;
    if (conversation.user) this.join(conversation, conversation.user).catch(() => undefined);
    return true;
  }

  /**
   * Logs the client's activity, then hands it to the bot. The log entry comes first so the user's message
   * is always before the bot's answer to it. Resolves once the bot has taken the turn (its replies are in
   * the log by then); rejects with BotUnavailableError if the bot failed.
   */
  async receive(conversation: Conversation, body: Record<string, unknown>): Promise<string> {
    const claimed = body.from as { id?: string; name?: string } | undefined;
    let joinFirst = false;
    if (!conversation.user) {
      this.bindUser(conversation, { id: claimed?.id ?? `dl_${nanoid(12)}`, name: claimed?.name });
      joinFirst = true;
    } else if (claimed?.id && claimed.id !== conversation.user.id) {
      this.deps.logger.debug({ conversationId: conversation.id }, 'from.id differs from the bound user; replaced');
    }
    const user: ChannelAccount = {
      ...(conversation.user as ChannelAccount),
      ...(claimed?.name ? { name: claimed.name } : {}),
    };
    if (joinFirst) void this.join(conversation, user).catch(() => undefined);

    const { serviceUrl, ...visible } = fromClient(conversation, this.addressing, user, body);
    // Typing is ephemeral: it goes to the bot but not into the log (the sender needs no echo of it).
    // Clients get the activity without serviceUrl: it is the bot's return address, not theirs to know.
    const stored = visible.type === 'typing' ? { ...visible, id: nanoid() } : conversation.append(visible);
    await this.deps.forwarder.forward(conversation.id, { ...stored, serviceUrl });
    return stored.id as string;
  }

  private async join(conversation: Conversation, user: ChannelAccount): Promise<void> {
    try {
      await this.deps.forwarder.forward(conversation.id, membersAdded(conversation, this.addressing, user));
    } catch (err) {
      this.deps.logger.warn({ conversationId: conversation.id, err: { message: (err as Error).message } }, 'join not delivered');
      throw err;
    }
  }
}
