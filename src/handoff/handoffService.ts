import { customAlphabet } from 'nanoid';
import { caseFactsOf } from '../assistant/caseFacts.js';
import type { Assistant } from '../assistant/types.js';
import type { Logger } from '../logger.js';
import { TicketConflict, type TicketStore } from './ticketStore.js';
import { summaryToAdaptiveCard } from '../cards/summaryCard.js';
import { buildSummary, summaryToJson, type CaseSummary } from '../tickets/summary.js';
import {
  PRIORITY_RANK,
  type ConversationLink,
  type Priority,
  type StepTried,
  type Ticket,
  type TicketFields,
  type TicketMessage,
} from '../tickets/ticket.js';
import type { Notifier } from '../outbound/webhookNotifier.js';
import { redact } from '../privacy/redact.js';
import type { QueueSignal, UserChannel } from './userChannel.js';

// No 0/O, 1/I/L: ticket ids get read out over the phone.
const ticketSuffix = customAlphabet('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 6);

export interface NewTicket {
  fields: TicketFields;
  extras: Record<string, string>;
  category: string;
  categoryTitle: string;
  priority: Priority;
  stepsTried: StepTried[];
  escalatedFrom: string;
  conversation: ConversationLink;
  userName?: string;
  /** The channel's id for the user (see Ticket.userKey); without one, no ticket is found for them later. */
  userKey?: string;
}

export interface QueueItem {
  id: string;
  status: 'queued' | 'assigned';
  priority: Priority;
  categoryTitle: string;
  userId: string;
  headline: string;
  createdAt: string;
  assignedTo?: string;
  position?: number;
  lastMessageSeq: number;
}

export interface HandoffDeps {
  tickets: TicketStore;
  channel: UserChannel;
  notifier: Notifier;
  logger: Logger;
  clock: () => Date;
  /** After this long unclaimed, the waiting user is told the help desk will follow up by their user ID. */
  unclaimedAfterMs: number;
  /** Writes the agent's two-sentence case summary in the background after a ticket opens (null: none). */
  assistant?: Pick<Assistant, 'summarise'>;
}

/** A new ticket as the user's conversation learns of it. */
export interface OpenedTicket {
  ticket: Ticket;
  /** Place in the queue (1: next). */
  position: number;
  /** The case summary as plain JSON, for the Bot Framework `handoff.initiate` event's context. */
  handoffContext: CaseSummary;
}

/** An agent's message as the user sees it in the chat. */
const agentLine = (agent: string, text: string): string => `**${agent} (help desk):** ${text}`;

const byQueueOrder = (a: Ticket, b: Ticket): number =>
  PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);

/**
 * The help desk queue: tickets in, agents claim, talk and resolve, the user's conversation follows along.
 * Free of botbuilder: it reaches users only through the UserChannel it is given.
 */
export class HandoffService {
  constructor(private readonly deps: HandoffDeps) {}

  /**
   * Stores a new ticket and returns at once. The model's case summary (when there is a model) is written
   * afterwards, in the background and bounded by the model's timeout, so the user's confirmation never waits.
   */
  async openTicket(input: NewTicket): Promise<OpenedTicket> {
    const now = this.deps.clock().toISOString();
    // Free text is stored redacted (a code or phone number typed into the message), like transcripts.
    const fields = { ...input.fields, errorMessage: redact(input.fields.errorMessage) };
    const ticket: Ticket = {
      ...input,
      fields,
      id: `MFA-${ticketSuffix()}`,
      status: 'queued',
      createdAt: now,
      updatedAt: now,
      userWaiting: true,
      messages: [],
    };
    await this.deps.tickets.create(ticket);
    void this.announce(ticket);
    const handoffContext = summaryToJson(buildSummary(ticket, this.deps.clock()));
    return { ticket, position: await this.positionOf(ticket.id), handoffContext };
  }

  /** Adds the model's summary when one comes, then posts the card, so the channel gets it too. Never throws. */
  private async announce(ticket: Ticket): Promise<void> {
    let current = ticket;
    const { assistant } = this.deps;
    if (assistant) {
      const facts = caseFactsOf(buildSummary(ticket, this.deps.clock()));
      const text = await assistant.summarise(facts, { conversationId: ticket.conversation.conversationId }).catch(() => null);
      const at = this.now();
      const updated = text
        ? await this.deps.tickets.update(ticket.id, (t) => ({ ...t, modelSummary: { text, at } })).catch(() => undefined)
        : undefined;
      current = updated ?? current;
    }
    // Stored first, announced second: a webhook failure is logged by the notifier and never loses the ticket.
    const card = summaryToAdaptiveCard(buildSummary(current, this.deps.clock()));
    await this.deps.notifier.notify(card, { ticketId: ticket.id }).catch(() => undefined);
  }

  async get(id: string): Promise<Ticket | undefined> {
    return this.deps.tickets.get(id);
  }

  async openTicketFor(conversationId: string): Promise<Ticket | undefined> {
    return this.deps.tickets.findOpenByConversation(conversationId);
  }

  /** The open ticket this user already has (from any conversation), so a second request rejoins it. */
  async openTicketOfUser(userKey: string): Promise<Ticket | undefined> {
    return this.deps.tickets.openTicketFor(userKey);
  }

  /**
   * The user asked for a person again while their ticket is open: this conversation waits on it from now on
   * (the agent's messages and the queue's signals come here), and the agent sees that they came back.
   */
  async rejoin(id: string, conversation: ConversationLink): Promise<Ticket | undefined> {
    return this.deps.tickets
      .update(id, (t) => {
        if (t.status !== 'queued' && t.status !== 'assigned') throw new TicketConflict('Closed', `Ticket ${id} is ${t.status}.`);
        const moved = t.conversation.conversationId !== conversation.conversationId;
        const note = moved ? 'The user came back in another conversation; replies now go there.' : 'The user is back and waiting.';
        return this.withMessage({ ...t, conversation, userWaiting: true, updatedAt: this.now() }, { from: 'bot', text: note });
      })
      .catch((err: unknown) => {
        if (err instanceof TicketConflict) return undefined;
        throw err;
      });
  }

  /** 1 for the next ticket an agent will pick up; 0 when the ticket is not queued. */
  async positionOf(id: string): Promise<number> {
    const queued = (await this.deps.tickets.listOpen()).filter((t) => t.status === 'queued').sort(byQueueOrder);
    return queued.findIndex((t) => t.id === id) + 1;
  }

  async queue(): Promise<QueueItem[]> {
    const open = (await this.deps.tickets.listOpen()).sort(byQueueOrder);
    const queued = open.filter((t) => t.status === 'queued');
    const ordered = [...queued, ...open.filter((t) => t.status === 'assigned')];
    return ordered.map((t) => ({
      id: t.id,
      status: t.status as 'queued' | 'assigned',
      priority: t.priority,
      categoryTitle: t.categoryTitle,
      userId: t.fields.userId,
      headline: buildSummary(t, this.deps.clock()).headline,
      createdAt: t.createdAt,
      assignedTo: t.assignedTo,
      position: t.status === 'queued' ? queued.indexOf(t) + 1 : undefined,
      lastMessageSeq: t.messages.at(-1)?.seq ?? 0,
    }));
  }

  async claim(id: string, agent: string): Promise<Ticket | undefined> {
    const ticket = await this.change(id, (t) => {
      if (t.status === 'assigned' && t.assignedTo === agent) return t;
      if (t.status === 'assigned') throw new TicketConflict('AlreadyClaimed', `Ticket ${id} is already claimed by ${t.assignedTo}.`);
      if (t.status !== 'queued') throw new TicketConflict('Closed', `Ticket ${id} is ${t.status}.`);
      return { ...t, status: 'assigned', assignedTo: agent, assignedAt: this.now() };
    });
    if (ticket?.userWaiting)
      await this.tell(ticket, `**${agent}** from the help desk has joined the chat and can see everything you wrote.`);
    return ticket;
  }

  /**
   * Stores the agent's message and sends it to the user. When the user's channel refuses it, the message is
   * marked undelivered (the agent's API says so) and the bot hands it over on the user's next turn.
   * The user gets the agent's words as typed (a number to call is the point of the message); the stored copy,
   * which the agent API, exports and every later reader see, is redacted like the user's own messages. So a
   * message handed over late is the redacted copy: the agent, told it was not delivered, resends what matters.
   */
  async agentMessage(id: string, agent: string, text: string): Promise<TicketMessage | undefined> {
    const ticket = await this.change(id, (t) => {
      this.mustBeAssignee(t, agent);
      return this.withMessage(t, { from: 'agent', agent, text: redact(text) });
    });
    const message = ticket?.messages.at(-1);
    if (!ticket || !message) return undefined;
    if (await this.tell(ticket, agentLine(agent, text), { agent })) return message;
    const marked = await this.deps.tickets.update(id, (t) => ({
      ...t,
      messages: t.messages.map((m) => (m.seq === message.seq ? { ...m, delivered: false } : m)),
    }));
    return marked?.messages.find((m) => m.seq === message.seq) ?? { ...message, delivered: false };
  }

  /**
   * Agent messages the user has not received (their channel refused them), as the user would have seen them,
   * marked delivered now: the caller shows them in the user's turn.
   */
  async takeMissedMessages(id: string): Promise<string[]> {
    const current = await this.deps.tickets.get(id);
    if (!current?.messages.some((m) => m.delivered === false)) return [];
    let missed: TicketMessage[] = [];
    await this.deps.tickets.update(id, (t) => {
      missed = t.messages.filter((m) => m.delivered === false);
      return { ...t, messages: t.messages.map((m) => (m.delivered === false ? { ...m, delivered: true } : m)) };
    });
    return missed.map((m) => agentLine(m.agent ?? 'The help desk', m.text));
  }

  async resolve(id: string, agent: string, note?: string): Promise<Ticket | undefined> {
    const ticket = await this.change(id, (t) => {
      this.mustBeAssignee(t, agent);
      // The note is free text too: stored redacted.
      return { ...t, status: 'resolved', closedAt: this.now(), resolutionNote: note === undefined ? undefined : redact(note) };
    });
    if (ticket?.userWaiting) await this.signal(ticket, { name: 'handoff.resolved', value: { ticketId: id, agent } });
    return ticket;
  }

  /** A message the user typed while waiting on, or talking with, the help desk (stored redacted, like transcripts). */
  async userMessage(id: string, text: string): Promise<Ticket | undefined> {
    return this.deps.tickets.update(id, (t) => this.withMessage(t, { from: 'user', text: redact(text) }));
  }

  /** The user stopped waiting: "cancel" withdraws a queued ticket; going back to the bot keeps it for follow-up. */
  async userLeft(id: string, withdraw: boolean): Promise<Ticket | undefined> {
    return this.deps.tickets.update(id, (t) => {
      const left = this.withMessage(
        { ...t, userWaiting: false },
        { from: 'bot', text: withdraw ? 'The user cancelled the request.' : 'The user went back to the bot; follow up by their user ID.' },
      );
      return withdraw && t.status === 'queued' ? { ...left, status: 'closed-without-agent', closedAt: this.now() } : left;
    });
  }

  async rate(id: string, rating: number): Promise<void> {
    await this.deps.tickets.update(id, (t) => ({ ...t, rating, updatedAt: this.now() }));
  }

  /** Tells users whose ticket nobody claimed in time that the help desk will follow up; the ticket stays queued. */
  async sweepUnclaimed(): Promise<number> {
    const cutoff = this.deps.clock().getTime() - this.deps.unclaimedAfterMs;
    const due = (await this.deps.tickets.listOpen()).filter(
      (t) => t.status === 'queued' && t.userWaiting && !t.followUpNoticeAt && Date.parse(t.createdAt) <= cutoff,
    );
    let noticed = 0;
    for (const t of due) {
      // Checked again under the ticket's lock: another instance's sweep (or a claim) may have got there first.
      const marked = await this.deps.tickets
        .update(t.id, (cur) => {
          if (cur.status !== 'queued' || cur.followUpNoticeAt) throw new TicketConflict('NotQueued', `Ticket ${cur.id} needs no notice.`);
          return { ...cur, followUpNoticeAt: this.now() };
        })
        .catch((err: unknown) => {
          if (err instanceof TicketConflict) return undefined;
          throw err;
        });
      if (!marked) continue;
      noticed += 1;
      await this.signal(marked, { name: 'handoff.unclaimed', value: { ticketId: t.id } });
    }
    return noticed;
  }

  private async change(id: string, mutate: (t: Ticket) => Ticket): Promise<Ticket | undefined> {
    return this.deps.tickets.update(id, (t) => ({ ...mutate(t), updatedAt: this.now() }));
  }

  private mustBeAssignee(t: Ticket, agent: string): void {
    if (t.status === 'resolved' || t.status === 'closed-without-agent')
      throw new TicketConflict('Closed', `Ticket ${t.id} is ${t.status}.`);
    if (t.assignedTo !== agent) throw new TicketConflict('NotAssignee', `Claim ticket ${t.id} before answering it.`);
  }

  private withMessage(t: Ticket, m: Omit<TicketMessage, 'seq' | 'at'>): Ticket {
    const seq = (t.messages.at(-1)?.seq ?? 0) + 1;
    return { ...t, messages: [...t.messages, { ...m, seq, at: this.now() }] };
  }

  private async tell(ticket: Ticket, text: string, from?: { agent: string }): Promise<boolean> {
    return this.deliver(ticket, () => this.deps.channel.sendText(ticket.conversation, text, from));
  }

  private async signal(ticket: Ticket, signal: QueueSignal): Promise<void> {
    await this.deliver(ticket, () => this.deps.channel.signal(ticket.conversation, signal));
  }

  /** The ticket change is already stored; a channel that cannot be reached is logged, not fatal. False if it failed. */
  private async deliver(ticket: Ticket, send: () => Promise<void>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (err) {
      this.deps.logger.warn({ ticketId: ticket.id, err: { message: (err as Error).message } }, 'could not reach the user');
      return false;
    }
  }

  private now(): string {
    return this.deps.clock().toISOString();
  }
}
