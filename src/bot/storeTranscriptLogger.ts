import { ActivityTypes, type Activity, type TranscriptLogger } from 'botbuilder';
import type { Logger } from '../logger.js';
import { redact } from '../transcripts/redact.js';
import { cardButtonTitles } from './cardButtons.js';
import type { Role, TranscriptEntry, TranscriptStore } from '../transcripts/types.js';

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

/**
 * Feeds botbuilder's TranscriptLoggerMiddleware into our TranscriptStore. Every text is redacted here, before
 * it is stored. The middleware does not await loggers and swallows their errors, so failures are logged here.
 */
export class StoreTranscriptLogger implements TranscriptLogger {
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
    try {
      await this.store.log(
        { conversationId: activity.conversation.id, channelId: activity.channelId, userId: user?.id ?? 'unknown', ...(user?.name ? { userName: user.name } : {}) },
        entry,
      );
    } catch (err) {
      this.logger.error({ err: { message: (err as Error).message }, conversationId: activity.conversation?.id }, 'transcript write failed');
    }
  }
}
