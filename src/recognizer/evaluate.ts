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
  /** Time per phrase, in milliseconds. */
  latency: { mean: number; p50: number; p95: number; max: number };
}

/** One routing decision, whatever made it: the local recognizer, the model, or both. */
export interface Verdict {
  intent: string | null;
  confident: boolean;
  /** The best guesses, best first (the first is `intent`). */
  top: string[];
  confidence?: number;
}

export function loadLabelledSet(file: string): LabelledPhrase[] {
  return labelledSetSchema.parse(parseYaml(readFileSync(file, 'utf8')));
}

/** Messages where the only right answer is to ask: `could` names branches a good guess list includes. */
export const ambiguousSetSchema = z.array(z.object({ text: z.string().min(1), could: z.array(z.string().min(1)).default([]) })).min(1);
export type AmbiguousPhrase = z.infer<typeof ambiguousSetSchema>[number];

export function loadAmbiguousSet(file: string): AmbiguousPhrase[] {
  return ambiguousSetSchema.parse(parseYaml(readFileSync(file, 'utf8')));
}

export interface AmbiguousEvaluation {
  total: number;
  /** Confident about a message that can only be asked about: the bot would jump instead of asking. */
  jumps: { text: string; got: string | null; confidence: number }[];
  /** Of the phrases with `could`, how many have one of them among the top 3 guesses. */
  guessable: number;
  guessedWell: number;
}

/** How the recognizer treats messages that must be asked about: it must never be confident. */
export async function evaluateAmbiguous(
  recognizer: IntentRecognizer,
  phrases: AmbiguousPhrase[],
  threshold: number,
): Promise<AmbiguousEvaluation> {
  const result: AmbiguousEvaluation = { total: phrases.length, jumps: [], guessable: 0, guessedWell: 0 };
  for (const { text, could } of phrases) {
    const c = await recognizer.classify(text);
    if (c.intent !== null && c.confidence >= threshold) result.jumps.push({ text, got: c.intent, confidence: c.confidence });
    if (could.length === 0) continue;
    result.guessable += 1;
    const top = [c.intent, ...c.alternatives.map((a) => a.intent)].slice(0, 3);
    if (could.some((i) => top.includes(i))) result.guessedWell += 1;
  }
  return result;
}

export async function evaluate(recognizer: IntentRecognizer, phrases: LabelledPhrase[], threshold: number): Promise<Evaluation> {
  return evaluateRouting(async (text) => {
    const c = await recognizer.classify(text);
    return {
      intent: c.intent,
      confident: c.confidence >= threshold,
      top: [c.intent, ...c.alternatives.map((a) => a.intent)].filter((i): i is string => i !== null),
      confidence: c.confidence,
    };
  }, phrases);
}

/** Accuracy and latency of any routing path on a labelled phrase set, one phrase at a time. */
export async function evaluateRouting(
  route: (text: string, index: number) => Promise<Verdict>,
  phrases: LabelledPhrase[],
): Promise<Evaluation> {
  const result: Omit<Evaluation, 'latency'> = {
    total: phrases.length,
    correct: 0,
    confidentCorrect: 0,
    confidentWrong: 0,
    inTop3: 0,
    misses: [],
  };
  const times: number[] = [];
  for (const [index, { text, intent }] of phrases.entries()) {
    const started = performance.now();
    const v = await route(text, index);
    times.push(performance.now() - started);
    if (v.intent === intent) result.correct += 1;
    else result.misses.push({ text, expected: intent, got: v.intent, confidence: v.confidence ?? (v.confident ? 1 : 0) });
    if (v.confident && v.intent === intent) result.confidentCorrect += 1;
    if (v.confident && v.intent !== intent) result.confidentWrong += 1;
    if (v.top.slice(0, 3).includes(intent)) result.inTop3 += 1;
  }
  return { ...result, latency: latencyOf(times) };
}

function latencyOf(times: number[]): Evaluation['latency'] {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    mean: round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)),
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    max: round(sorted.at(-1) ?? 0),
  };
}
