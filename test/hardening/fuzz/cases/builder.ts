import { JSON_HEADERS, type Case } from '../case.js';
import { hostileString } from '../hostile.js';
import type { Rng } from '../rng.js';

/**
 * The list the case generators add to, in order, and what they share: the one PRNG (its draws are the run's
 * sequence, so every generator draws from it in turn), the capture server the bot replies to, a closed port, and
 * the bot endpoint's usual activity.
 */
export class CaseBuilder {
  readonly cases: Case[] = [];

  constructor(
    readonly rng: Rng,
    readonly captureUrl: string,
    readonly closedPort: number,
  ) {}

  /** The number the next case added gets (cases count from 1). */
  nextNumber(): number {
    return this.cases.length + 1;
  }

  add(c: Omit<Case, 'n'>): void {
    this.cases.push({ ...c, n: this.nextNumber() });
  }

  /** A conversation id for the case about to be added: its own, so the replies captured for it are its own. */
  conv(): string {
    return `fz-${this.rng.seed}-${this.nextNumber()}-${this.rng.id()}`;
  }

  /** A well-formed message activity addressed to the capture server, with a hostile text unless extra says otherwise. */
  activity(conversationId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      type: 'message',
      id: `fz-${this.rng.id()}`,
      timestamp: new Date(Date.UTC(2026, 0, 1)).toISOString(),
      channelId: 'webchat',
      serviceUrl: this.captureUrl,
      conversation: { id: conversationId },
      from: { id: 'fuzz-user', name: 'Fuzz' },
      recipient: { id: 'helpdesk-bot', name: 'Bot' },
      locale: 'en-US',
      text: hostileString(this.rng),
      ...extra,
    };
  }

  /** A POST of the activity to the bot endpoint, with what its answer should be inferred from the activity. */
  message(tags: string[], body: Record<string, unknown>, extra: Partial<Case> = {}): void {
    const conversationId = (body.conversation as { id?: unknown } | undefined)?.id;
    this.add({
      surface: 'messages',
      tags,
      method: 'POST',
      path: '/api/messages',
      headers: JSON_HEADERS,
      body: JSON.stringify(body),
      conversationId: typeof conversationId === 'string' ? conversationId : undefined,
      wantsReply: body.type === 'message' && body.serviceUrl === this.captureUrl && body.deliveryMode !== 'expectReplies',
      inlineReplies: body.deliveryMode === 'expectReplies',
      ...extra,
    });
  }
}
