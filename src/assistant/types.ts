import type { TicketFieldName } from '../tickets/fields.js';

/** Ticket fields found in a message, already validated and normalised by the ticket field schemas. */
export type SpottedFields = Partial<Record<TicketFieldName, string>>;

/** Where a free-text message should go. */
export interface Routing {
  /** The best node, or null when nothing fits. */
  node: string | null;
  /** True when the bot should jump to `node` straight away; otherwise it offers `candidates` as guesses. */
  confident: boolean;
  /** Nodes to offer as guesses, best first (`node` first when there is one). */
  candidates: string[];
  /** The message asks a general question rather than naming a problem: try a grounded answer. */
  question: boolean;
  fields: SpottedFields;
  /**
   * The message only says that something is wrong ("I'm locked out", "mfa not working"): ask which problem
   * with the whole menu, never jump or guess from it.
   */
  vague?: boolean;
  /** The message is not in English, the only language of our guides: say so and offer a person. */
  language?: { code: string; name: string };
  /** Which path decided: the local recognizer, or the model. */
  via: 'local' | 'model';
}

/**
 * A question's outcome: answered from the knowledge; not covered by it (the bot says it does not know); or
 * unavailable (no model, or the call failed), when the bot carries on as it would without a model.
 */
export type AnswerResult = ({ kind: 'answered' } & GroundedAnswer) | { kind: 'not-covered' } | { kind: 'unavailable' };

/** An answer written only from knowledge passages, with the passages it rests on. */
export interface GroundedAnswer {
  text: string;
  /** The passages (node ids and titles) the answer cites. */
  passages: { id: string; title: string }[];
  /** Titles of the source articles those passages rest on (knowledge/index.yaml `sources`). */
  sources: string[];
}

/** What the agent's case summary is written from: the structured ticket, minus who the user is. */
export interface CaseFacts {
  category: string;
  priority: string;
  errorMessage: string;
  errorCode?: string;
  escalatedBecause: string;
  stepsTried: { title: string; outcome: string }[];
  /** Labels of the other ticket fields the user gave (their values stay on the ticket). */
  detailsGiven: string[];
}

/** Per-call context from the dialog layer, free of botbuilder types. */
export interface CallContext {
  /** Budgets are kept per conversation. */
  conversationId: string;
  /** Called just before a model request goes out (the dialog shows a typing indicator). */
  beforeModelCall?: () => Promise<void>;
}

/**
 * Everything the bot asks of a language model. The local implementation answers from the offline recognizer
 * (and declines to answer or summarise); the OpenAI one adds the model and falls back to the local one on any
 * failure, so a caller never has to handle a model error.
 */
export interface Assistant {
  route(text: string, ctx: CallContext): Promise<Routing>;
  answer(question: string, ctx: CallContext): Promise<AnswerResult>;
  /** A two-sentence summary for the agent, or null (no model, or it failed). */
  summarise(facts: CaseFacts, ctx: CallContext): Promise<string | null>;
}
