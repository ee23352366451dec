import { expect } from 'vitest';

export interface DlActivity {
  type: string;
  id: string;
  replyToId?: string;
  name?: string;
  text?: string;
  from: { id: string; role?: string };
  value?: unknown;
  suggestedActions?: { actions: { title: string; value: string }[] };
}

/** A user in Web Chat, reduced to what the tests need: the Direct Line REST calls with watermark polling. */
export class DirectLineUser {
  private watermark = '';
  /** Bot activities received but not yet consumed by a wait. */
  private readonly pending: DlActivity[] = [];
  readonly seen: DlActivity[] = [];

  private constructor(
    private readonly baseUrl: string,
    readonly conversationId: string,
    private readonly token: string,
    readonly userId: string,
  ) {}

  static async start(baseUrl: string, userId: string): Promise<DirectLineUser> {
    const res = await fetch(`${baseUrl}/directline/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: userId } }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { conversationId: string; token: string };
    return new DirectLineUser(baseUrl, body.conversationId, body.token, userId);
  }

  async say(text: string, extra: Record<string, unknown> = {}): Promise<void> {
    const res = await fetch(`${this.baseUrl}/directline/conversations/${this.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ type: 'message', from: { id: this.userId }, text, ...extra }),
    });
    expect(res.status).toBe(200);
  }

  /**
   * Waits for the next bot activity that matches, reading the log in order: activities up to and including
   * the match are consumed (and returned), later ones stay for the next wait.
   */
  async waitFor(match: (a: DlActivity) => boolean, timeoutMs = 8000): Promise<DlActivity[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.pending.findIndex(match);
      if (at >= 0) return this.pending.splice(0, at + 1);
      if (Date.now() > deadline)
        throw new Error(`timed out waiting; got ${JSON.stringify(this.pending.map((a) => a.text ?? a.name ?? a.type))}`);
      await this.poll();
      await new Promise((r) => setTimeout(r, 40));
    }
  }

  private async poll(): Promise<void> {
    const res = await fetch(`${this.baseUrl}/directline/conversations/${this.conversationId}/activities?watermark=${this.watermark}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { activities: DlActivity[]; watermark?: string };
    this.watermark = page.watermark ?? this.watermark;
    const fromBot = page.activities.filter((a) => a.from.id !== this.userId);
    this.pending.push(...fromBot);
    this.seen.push(...fromBot);
  }

  waitForText(fragment: string | RegExp, timeoutMs?: number): Promise<DlActivity[]> {
    return this.waitFor((a) => (typeof fragment === 'string' ? (a.text ?? '').includes(fragment) : fragment.test(a.text ?? '')), timeoutMs);
  }
}
