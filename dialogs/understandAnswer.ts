import { recognizeBoolean } from '@microsoft/recognizers-text-choice';
import { recognizeChoices, type Choice } from 'botbuilder-dialogs';
import type { Answer, Awaiting, ChoiceOption } from './services.js';

const RATING = /^\s*(?:rating\s*[:=]?\s*)?([1-5])(?:\s*(?:\/|out of)\s*5)?\s*(?:stars?)?[.!]?\s*$/i;

function toChoices(options: ChoiceOption[]): Choice[] {
  return options.map((o) => ({ value: o.value, synonyms: [o.label, ...o.synonyms] }));
}

/** A message that is only a position: "2", "#2", "option 2", "two", "the second one", "3rd". */
const POSITION =
  /^(?:(?:option|number|no\.?|nr\.?|#)\s*)?(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)[.)]?$|^(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|1st|2nd|3rd|[4-9]th|10th)(?:\s+(?:one|option|choice|button))?$/i;

function matchChoice(text: string, options: ChoiceOption[]): string | undefined {
  // Numbers and ordinals ("2", "the second one") pick by position, as the buttons are numbered top to bottom,
  // but only when they are the whole message: "a work one" or "got 2 codes" is not a pick of a button.
  const position = POSITION.test(text.trim());
  const found = recognizeChoices(text, toChoices(options), { recognizeNumbers: position, recognizeOrdinals: position });
  return found[0]?.resolution.value;
}

function matchYesNo(text: string): boolean | undefined {
  const [first] = recognizeBoolean(text, 'en-us');
  const value = (first?.resolution as { value?: unknown } | undefined)?.value;
  return typeof value === 'boolean' ? value : undefined;
}

/**
 * Turns what the user typed or clicked into an answer for the walker's current prompt, or undefined when it
 * does not answer it (then it may be free text about another problem).
 */
export function understandAnswer(text: string, awaiting: Awaiting, options: ChoiceOption[]): Answer | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  switch (awaiting) {
    case 'choice':
    case 'check':
    case 'handover':
    case 'guess': {
      const value = matchChoice(trimmed, options);
      return value === undefined ? undefined : { kind: 'choice', value };
    }
    case 'fixed': {
      const value = matchChoice(trimmed, options) ?? boolToFixed(matchYesNo(trimmed));
      return value === undefined ? undefined : { kind: 'fixed', fixed: value === 'fixed' };
    }
    case 'rating': {
      const rating = RATING.exec(trimmed)?.[1];
      if (rating) return { kind: 'rating', rating: Number(rating) };
      return matchChoice(trimmed, options) === 'skip' ? { kind: 'rating', rating: null } : undefined;
    }
    default:
      return undefined;
  }
}

function boolToFixed(value: boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value ? 'fixed' : 'not fixed';
}
