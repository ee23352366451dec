import { ActivityTypes, type Activity, type TranscriptLogger } from 'botbuilder';
import type { Logger } from '../logger.js';
import { redact } from '../privacy/redact.js';
import { cardButtonTitles } from './cardButtons.js';
import type { ConversationInfo, Role, TranscriptEntry, TranscriptStore } from '../transcripts/types.js';

/** Marks a message sent on behalf of a help desk agent, so transcripts can tell agents from the bot. */
export const AGENT_MARK = 'helpdeskAgent';

function buttonsOf(activity: Partial<Activity>): string[] | undefined {
  const suggested = (activity.suggestedActions?.actions ?? []).map((b) => String(b.title ?? ''));
  const titles = [...suggested, ...cardButtonTitles(activity.attachments)];
  return titles.length ? titles : undefined;
}

function roleOf(activity: Partial<Activity>): { role: Role; name?: string } {
  const agent = (activity.channelData as Record<string, unknown> | undefined)?.[AGENT_MARK];
  if (typeof agent === 'string') return { role: 'agent', name: agent };
  // The middleware marks incoming activities as role "user" before logging; what it logs without a role was sent by the bot.
  return { role: activity.from?.role === 'user' ? 'user' : 'bot' };
}

/** Conversations held back at once, and entries per conversation, before anyone has said anything. */
const MAX_PENDING_CONVERSATIONS = 2_000;
const MAX_PENDING_ENTRIES = 20;
/** Conversations remembered as stored, so a known one costs no lookup. */
const MAX_KNOWN = 10_000;

type Pending = { conversation: ConversationInfo; entry: Omit<TranscriptEntry, 'seq'> };

/**
 * Feeds botbuilder's TranscriptLoggerMiddleware into our TranscriptStore. Every text is redacted here, before
 * it is stored. The middleware does not await loggers and swallows their errors, so failures are logged here.
 *
 * Nothing is stored for a conversation until its user says something: a join gets the greeting and menu,
 * and anyone can open thousands of conversations that never go further, which would otherwise be kept for
 * the whole retention period. Until then the bot's side is held in memory (bounded; the oldest held
 * conversation is forgotten first) and written, in order, before the user's first message. A conversation
 * already in the store (an earlier turn here, on another instance, or before a restart) is written at once.
 */
export class StoreTranscriptLogger implements TranscriptLogger {
  private readonly pending = new Map<string, Pending[]>();
  private readonly known = new Set<string>();
  /** Each conversation's writes, one after the other, so entries keep their order whatever each lookup costs. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly store: TranscriptStore,
    private readonly logger: Logger,
  ) {}

  async logActivity(activity: Activity): Promise<void> {
    if (activity.type === ActivityTypes.Typing) return;
    // Events in (a proactive turn's synthetic one, Web Chat's own, a forged "handoff.resolved") mean nothing to
    // admins; the bot's own handoff events out (handoff.initiate) do.
    if (activity.type === ActivityTypes.Event && (activity.from?.role === 'user' || !activity.name?.startsWith('handoff.'))) return;
    const { role, name } = activity.type === ActivityTypes.Event ? { role: 'bot' as Role, name: activity.name } : roleOf(activity);
    const fromUser = role === 'user';
    const user = fromUser ? activity.from : activity.recipient;
    const entry: Omit<TranscriptEntry, 'seq'> = {
      at: new Date(activity.timestamp ?? Date.now()).toISOString(),
      role,
      type: activity.type,
      ...(name ? { name } : {}),
      ...(activity.text ? { text: redact(activity.text) } : {}),
      ...(buttonsOf(activity) ? { buttons: buttonsOf(activity) } : {}),
      ...(activity.attachments?.some((a) => a.contentType === 'application/vnd.microsoft.card.adaptive') && activity.summary
        ? { card: redact(activity.summary) }
        : {}),
    };
    const conversation: ConversationInfo = {
      conversationId: activity.conversation.id,
      channelId: activity.channelId,
      userId: user?.id ?? 'unknown',
      ...(user?.name ? { userName: user.name } : {}),
    };
    await this.inOrder(conversation.conversationId, () =>
      this.write({ conversation, entry }, fromUser && activity.type === ActivityTypes.Message),
    );
  }

  private async write(item: Pending, userSpoke: boolean): Promise<void> {
    const id = item.conversation.conversationId;
    try {
      if (!this.known.has(id) && !userSpoke && (this.pending.has(id) || !(await this.store.has(id)))) return this.holdBack(item);
      this.remember(id);
      const held = this.pending.get(id) ?? [];
      this.pending.delete(id);
      for (const earlier of held) await this.store.log(earlier.conversation, earlier.entry);
      await this.store.log(item.conversation, item.entry);
    } catch (err) {
      this.logger.error({ err: { message: (err as Error).message }, conversationId: id }, 'transcript write failed');
    }
  }

  private holdBack(item: Pending): void {
    const id = item.conversation.conversationId;
    const held = this.pending.get(id) ?? [];
    if (held.length >= MAX_PENDING_ENTRIES) return;
    held.push(item);
    this.pending.set(id, held);
    if (this.pending.size > MAX_PENDING_CONVERSATIONS) this.pending.delete(this.pending.keys().next().value!);
  }

  private remember(id: string): void {
    this.known.delete(id);
    this.known.add(id);
    if (this.known.size > MAX_KNOWN) this.known.delete(this.known.keys().next().value!);
  }

  /**
   * Resolves once every write handed to this logger so far is done (or failed and logged). botbuilder calls
   * the logger at the end of a turn without waiting, so a shutdown must wait here before closing the store,
   * or the last turns' entries would be lost.
   */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private inOrder(id: string, write: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(id) ?? Promise.resolve()).then(write);
    this.chains.set(id, next);
    void next.then(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    });
    return next;
  }
}
