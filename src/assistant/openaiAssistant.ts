import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { z } from 'zod';
import type { OpenAIConfig } from '../config.js';
import type { KnowledgeTree } from '../knowledge/loader.js';
import type { Logger } from '../logger.js';
import { redact } from '../privacy/redact.js';
import { KnowledgePassages } from './knowledgePassages.js';
import { MalformedReply, ModelGuard, type FailureReason } from './modelGuard.js';
import {
  ANSWER_PROMPT,
  ROUTE_PROMPT,
  SUMMARY_PROMPT,
  answerReplySchema,
  routeReplyCheck,
  routeReplySchema,
  summaryReplySchema,
} from './prompts.js';
import { checkSpottedFields } from './spottedFields.js';
import { cleanModelText, firstSentences } from './modelText.js';
import type { AnswerResult, Assistant, CallContext, CaseFacts, Routing } from './types.js';

/** Longest user text sent to the model; the rest of a pasted wall of text adds cost, not meaning. */
const MAX_INPUT_CHARS = 2000;

export interface OpenAIAssistantOptions {
  config: OpenAIConfig;
  tree: KnowledgeTree;
  /** The first pass when it is confident, and the answer whenever the model fails. */
  local: Assistant;
  logger: Logger;
  clock?: () => Date;
}

/** Counters for `npm run eval:routing` and the logs. */
export interface ModelStats {
  calls: number;
  failures: Partial<Record<FailureReason, number>>;
}

/**
 * The model path behind the Assistant seam: routing (only when the local recognizer is unsure), grounded
 * answers and case summaries through the `openai` client with zod structured outputs. Every failure, of
 * the request or of the reply, returns the local result in the same call.
 */
export class OpenAIAssistant implements Assistant {
  readonly stats: ModelStats = { calls: 0, failures: {} };
  private readonly client: OpenAI;
  private readonly guard: ModelGuard;
  private readonly topics: { id: string; title: string }[];
  private readonly routeFormat;
  private readonly passages: KnowledgePassages;
  private readonly clock: () => Date;

  constructor(private readonly options: OpenAIAssistantOptions) {
    const { config } = options;
    this.client = new OpenAI({
      // A compatible server without auth still needs a non-empty key for the client to start.
      apiKey: config.apiKey || 'not-needed',
      baseURL: config.baseUrl,
      // The guard's deadline (which covers the retry) is what stops a slow call; this is only a backstop.
      timeout: config.timeoutMs + 1000,
      maxRetries: 1, // one retry on 408/409/429/5xx and dropped connections, honouring Retry-After
      logLevel: 'off', // the SDK's own logs could print request details; ours are structured and text-free
    });
    this.guard = new ModelGuard(config);
    // The same targets the local recognizer can pick: nodes with example phrases or keywords.
    this.topics = [...options.tree.nodes.values()]
      .filter((n) => n.examples.length || n.keywords.length)
      .map((n) => ({ id: n.id, title: n.title }));
    const ids = this.topics.map((t) => t.id) as [string, ...string[]];
    this.routeFormat = zodResponseFormat(routeReplySchema(ids), 'route');
    this.passages = new KnowledgePassages(options.tree);
    this.clock = options.clock ?? (() => new Date());
  }

  get circuit(): ModelGuard['circuit'] {
    return this.guard.circuit;
  }

  async route(text: string, ctx: CallContext): Promise<Routing> {
    const local = await this.options.local.route(text, ctx);
    // A vague message ("I'm locked out") is asked about whatever a model would make of it; one in another
    // language gets the plain "English only" answer, as without a model.
    return local.confident || local.vague || local.language ? local : this.routeByModel(text, ctx, local);
  }

  /** The model's routing even when the local recognizer is confident (for evaluation); local on failure. */
  async routeByModel(text: string, ctx: CallContext, local?: Routing): Promise<Routing> {
    const fallback = local ?? (await this.options.local.route(text, ctx));
    const message = redact(text.slice(0, MAX_INPUT_CHARS));
    const reply = await this.ask('route', ctx, ROUTE_PROMPT, { message, topics: this.topics }, this.routeFormat, routeReplyCheck);
    if (!reply) return fallback;
    const fields = checkSpottedFields(reply.fields, message, this.clock());
    if (reply.kind === 'question') return { ...fallback, confident: false, question: true, fields, via: 'model' };
    const node = reply.node_id;
    if (node === null) return { ...fallback, fields, via: 'model' };
    // Only ids of the tree count; anything else (a typo, an injected "resolved") is "not understood", and a
    // reply that went that far off the rails is not trusted for fields either.
    if (!this.topics.some((t) => t.id === node)) return { ...fallback, via: 'model' };
    const candidates = [node, ...fallback.candidates.filter((c) => c !== node)];
    return { node, confident: reply.confidence >= this.options.config.routeThreshold, candidates, question: false, fields, via: 'model' };
  }

  async answer(question: string, ctx: CallContext): Promise<AnswerResult> {
    const asked = redact(question.slice(0, MAX_INPUT_CHARS));
    const found = this.passages.search(asked);
    // Nothing in our guides matches: no call, the bot says it does not know.
    if (found.length === 0) return { kind: 'not-covered' };
    const passages = found.map((p) => ({ id: p.id, title: p.title, text: p.text }));
    const reply = await this.ask(
      'answer',
      ctx,
      ANSWER_PROMPT,
      { question: asked, passages },
      zodResponseFormat(answerReplySchema, 'answer'),
      answerReplySchema,
    );
    if (!reply) return { kind: 'unavailable' };
    const cited = found.filter((p) => reply.passage_ids.includes(p.id));
    const text = cleanModelText(reply.answer, 700);
    // An answer that cites none of the passages it was given is not grounded, whatever it says.
    if (!reply.answerable || cited.length === 0 || text === '') return { kind: 'not-covered' };
    return {
      kind: 'answered',
      text,
      passages: cited.map((p) => ({ id: p.id, title: p.title })),
      sources: [...new Set(cited.flatMap((p) => p.sources))],
    };
  }

  async summarise(facts: CaseFacts, ctx: CallContext): Promise<string | null> {
    const data = {
      ...facts,
      errorMessage: redact(facts.errorMessage.slice(0, MAX_INPUT_CHARS)),
      stepsTried: facts.stepsTried.map((s) => ({ title: s.title, outcome: redact(s.outcome) })),
      ...(facts.errorCode && { errorCode: redact(facts.errorCode) }),
    };
    const reply = await this.ask(
      'summary',
      ctx,
      SUMMARY_PROMPT,
      data,
      zodResponseFormat(summaryReplySchema, 'summary'),
      summaryReplySchema,
    );
    const text = reply ? firstSentences(cleanModelText(redact(reply.summary), 600), 2) : '';
    return text || null;
  }

  /** One guarded chat completion with a structured reply; null on any failure (already logged). */
  private async ask<T>(
    task: string,
    ctx: CallContext,
    system: string,
    data: unknown,
    format: ReturnType<typeof zodResponseFormat>,
    check: z.ZodType<T>,
  ): Promise<T | null> {
    const started = Date.now();
    this.stats.calls += 1;
    const result = await this.guard.run(
      ctx.conversationId,
      async (signal) => {
        const completion = await this.client.chat.completions.create(
          {
            model: this.options.config.model,
            messages: [
              { role: 'system', content: system },
              { role: 'user', content: JSON.stringify(data) },
            ],
            response_format: format,
          },
          { signal },
        );
        return parseReply(completion.choices[0]?.message, check);
      },
      ctx.beforeModelCall,
    );
    if (!result.ok) {
      this.stats.failures[result.reason] = (this.stats.failures[result.reason] ?? 0) + 1;
      this.options.logger.warn({ task, reason: result.reason, circuit: this.guard.circuit }, 'model call failed, local path used');
      return null;
    }
    this.options.logger.debug({ task, ms: Date.now() - started }, 'model call');
    return result.value;
  }
}

function parseReply<T>(message: { content?: string | null; refusal?: string | null } | undefined, check: z.ZodType<T>): T {
  if (!message?.content) throw new MalformedReply(message?.refusal ? 'refusal' : 'no content');
  let json: unknown;
  try {
    json = JSON.parse(message.content);
  } catch {
    throw new MalformedReply('not JSON');
  }
  const parsed = check.safeParse(json);
  if (!parsed.success) throw new MalformedReply('does not fit the schema');
  return parsed.data;
}
