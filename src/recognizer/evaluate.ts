import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { IntentRecognizer } from './types.js';

export const labelledSetSchema = z.array(z.object({ text: z.string().min(1), intent: z.string().min(1) })).min(1);
export type LabelledPhrase = z.infer<typeof labelledSetSchema>[number];

export interface Evaluation {
  total: number;
  /** Top intent equals the label. */
  correct: number;
  /** Confident (>= threshold) and right: the bot jumps straight to the right branch. */
  confidentCorrect: number;
  /** Confident and wrong: the bot jumps to the wrong branch (the costly error). */
  confidentWrong: number;
  /** The label is among the top 3 (what a user sees when the bot is unsure and offers guesses). */
  inTop3: number;
  misses: { text: string; expected: string; got: string | null; confidence: number }[];
}

export function loadLabelledSet(file: string): LabelledPhrase[] {
  return labelledSetSchema.parse(parseYaml(readFileSync(file, 'utf8')));
}

export async function evaluate(recognizer: IntentRecognizer, phrases: LabelledPhrase[], threshold: number): Promise<Evaluation> {
  const result: Evaluation = { total: phrases.length, correct: 0, confidentCorrect: 0, confidentWrong: 0, inTop3: 0, misses: [] };
  for (const { text, intent } of phrases) {
    const c = await recognizer.classify(text);
    const top3 = [c.intent, ...c.alternatives.map((a) => a.intent)].slice(0, 3);
    const confident = c.confidence >= threshold;
    if (c.intent === intent) result.correct += 1;
    else result.misses.push({ text, expected: intent, got: c.intent, confidence: c.confidence });
    if (confident && c.intent === intent) result.confidentCorrect += 1;
    if (confident && c.intent !== intent) result.confidentWrong += 1;
    if (top3.includes(intent)) result.inTop3 += 1;
  }
  return result;
}
