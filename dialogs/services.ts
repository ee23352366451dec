// The one door from the dialogs into src/: the services they are given and the types they speak. Types only;
// everything the dialogs run comes in through DialogServices, handed over by the composition root (createBot).
import type { AnswerResult, Assistant, CallContext, SpottedFields } from '../src/assistant/types.js';
import type { AdaptiveCard, SubmitAction } from '../src/cards/adaptiveCard.js';
import type { HandoffService } from '../src/handoff/handoffService.js';
import type { ConversationMemory, MemoryRecord } from '../src/memory/conversationMemory.js';
import type { QueueSignal } from '../src/handoff/userChannel.js';
import type { FieldResult, ParseContext } from '../src/tickets/fieldResult.js';
import type { FieldSpec, TicketFieldName } from '../src/tickets/fields.js';
import type { StepTried, TicketFields } from '../src/tickets/ticket.js';
import type { ConversationLink } from '../src/tickets/ticket.js';
import type { TicketForm } from '../src/tickets/ticketForm.js';
import type { OutcomeStore } from '../src/transcripts/outcomeStore.js';
import type { ui } from '../src/tree/messages.js';
import type { Answer, Awaiting, ChoiceOption, Outcome, Output, Step, WalkState } from '../src/tree/types.js';
import type { TreeWalker } from '../src/tree/walker.js';

export type { AdaptiveCard, Answer, AnswerResult, Assistant, Awaiting, CallContext, ChoiceOption, ConversationLink, FieldResult };
export type { FieldSpec, Outcome, Output, ParseContext, QueueSignal, SpottedFields, Step, StepTried, SubmitAction };
export type { MemoryRecord, TicketFieldName, TicketFields, WalkState };

/** What the dialogs use of the help desk queue: the user's side of it (agents work through their own API). */
export type UserDesk = Pick<
  HandoffService,
  'openTicket' | 'get' | 'positionOf' | 'userMessage' | 'userLeft' | 'rate' | 'openTicketOfUser' | 'rejoin' | 'takeMissedMessages'
>;

/** Everything the dialogs use, handed in so tests can pass fakes. Dialogs never open stores or build services. */
export interface DialogServices {
  /** The troubleshooting tree and the pure state machine that walks it. */
  walker: TreeWalker;
  /** Free-text routing, grounded answers: the local recognizer, with the model on top when one is configured. */
  assistant: Assistant;
  handoff: UserDesk;
  /** Where walks are reported, while under way and when they end. */
  outcomes: OutcomeStore;
  /** The ticket questions: fields, answer parsing, pasted details, the review card. */
  ticketForm: TicketForm;
  /**
   * What the user told the bot anywhere in the conversation (details, facts, steps tried), kept in the
   * conversation's state by the bot and reached with memoryOf(context); this reads messages into it and feeds
   * the ticket from it.
   */
  memory: ConversationMemory;
  /** The walker's own words (ratings, "did that fix it?"...). */
  ui: typeof ui;
  clock: () => Date;
}
export type { GlossaryEntry } from '../src/knowledge/schema.js';
