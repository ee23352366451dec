import type { IntentRecognizer } from '../recognizer/types.js';
import type { AnswerResult, Assistant, Routing } from './types.js';

/**
 * The offline path: routing is the local recognizer's verdict, and there are no written answers or summaries
 * (the bot behaves exactly as it does without a model). It is also the OpenAI assistant's fallback.
 */
export class LocalAssistant implements Assistant {
  constructor(
    private readonly recognizer: IntentRecognizer,
    /** Recognizer confidence at or above which free text jumps straight to a node. */
    private readonly threshold: number,
  ) {}

  async route(text: string): Promise<Routing> {
    const c = await this.recognizer.classify(text);
    if (c.language)
      return { node: null, confident: false, candidates: [], question: false, fields: {}, language: c.language, via: 'local' };
    // A vague message is asked about: with the menu, or with the branches its kind of request points to.
    if (c.vague)
      return { node: null, confident: false, candidates: c.hinted ?? [], question: false, fields: {}, vague: true, via: 'local' };
    return {
      node: c.intent,
      confident: c.intent !== null && c.confidence >= this.threshold,
      candidates: c.intent ? [c.intent, ...c.alternatives.map((a) => a.intent)] : [],
      question: false,
      fields: {},
      via: 'local',
    };
  }

  async answer(): Promise<AnswerResult> {
    return { kind: 'unavailable' };
  }

  async summarise(): Promise<string | null> {
    return null;
  }
}
