import type { SmallTalk } from './smallTalk.js';
import type { DialogServices, GlossaryEntry, Output, WalkState } from './services.js';

/**
 * Replies to what a user says beside the current question (small talk, "what do you mean by ...?", "I don't
 * know"): short, from the knowledge, then the question again in brief with its buttons. They never move the
 * walk or count as a miss.
 */

const MAX_EXTRA_WORDS = 6;

function normalize(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}'.-]+/gu, ' ')
    .replace(/[.'-]+(?=\s|$)/g, '')
    .trim()} `;
}

/** The glossary entry a "what is ...?" / "what do you mean by ...?" question asks about, if any. */
export function glossaryQuestion(text: string, glossary: GlossaryEntry[]): GlossaryEntry | undefined {
  const norm = normalize(text);
  const words = norm.trim().split(' ').length;
  const asks =
    /^ (?:what(?:'s|s)?|wat|define|explain|meaning|sorry what(?:'s|s)?|huh what(?:'s|s)?)\b/.test(norm) ||
    /\bmean(?:s|ing|t)?\b/.test(norm);
  let best: { entry: GlossaryEntry; words: number } | undefined;
  for (const entry of glossary) {
    for (const name of [entry.term, ...entry.aliases]) {
      const alias = normalize(name).trim();
      if (!norm.includes(` ${alias} `)) continue;
      const aliasWords = alias.split(' ').length;
      // "security info?" alone, or a short question about it; a long message that happens to hold the word is not one.
      const onlyTheTerm = words === aliasWords && text.trim().endsWith('?');
      if (!onlyTheTerm && !(asks && words <= aliasWords + MAX_EXTRA_WORDS)) continue;
      if (!best || aliasWords > best.words) best = { entry, words: aliasWords };
    }
  }
  return best?.entry;
}

/** The current question in a line, with its buttons: not the whole instruction again. */
export function briefQuestion(services: DialogServices, state: WalkState, lead?: string): Extract<Output, { kind: 'prompt' }> {
  const question = questionLine(services, state);
  return { kind: 'prompt', text: lead ? `${lead}\n\n${question}` : question, choices: services.walker.expected(state) };
}

function questionLine({ walker, ui }: DialogServices, state: WalkState): string {
  if (state.awaiting === 'fixed') return ui.fixedQuestion;
  if (state.awaiting === 'check') {
    const step = walker.node(state.node);
    if (step.type === 'step' && step.check) return step.check.question;
  }
  if (state.awaiting === 'guess') return ui.guessPrompt;
  if (state.awaiting === 'rating') return ui.ratingPrompt;
  if (state.node === walker.rootId) return ui.menuQuestion;
  const node = walker.node(state.node);
  // A choice's question is its last sentence ending in "?"; its text may start with background.
  const asked = node.text
    .match(/[^.!?\n]*\?/g)
    ?.at(-1)
    ?.trim();
  return asked ?? ui.whichFits;
}

/** The reply to small talk at the current question. */
export function smallTalkReply(services: DialogServices, state: WalkState, talk: SmallTalk): Output[] {
  const { ui, walker } = services;
  const atStep = isAtStep(state);
  const title = walker.node(state.node).title;
  switch (talk) {
    case 'greeting':
      return [briefQuestion(services, state, atStep ? ui.hiAgainAt(title) : ui.hiAgain)];
    case 'thanks':
      return [briefQuestion(services, state, ui.welcome)];
    case 'ack':
      return [briefQuestion(services, state, atStep ? ui.okTryIt : ui.ok)];
    case 'wait':
      return [{ ...briefQuestion(services, state), text: ui.takeYourTime }];
    case 'confused':
      return [briefQuestion(services, state, atStep ? ui.unclearStep : ui.unclear)];
    case 'dont-know':
      return explainStep(services, state);
  }
}

/** "I don't know": the words of the step explained from the glossary, and what to do if it cannot be done. */
export function explainStep(services: DialogServices, state: WalkState): Output[] {
  const { ui, walker } = services;
  const atStep = isAtStep(state);
  const node = walker.node(state.node);
  // At a question (not the menu, not guesses), the words of the question and its buttons are explained too.
  const words = atStep || (state.awaiting === 'choice' && state.node !== walker.rootId) ? node.text : '';
  const labels = state.awaiting === 'choice' && node.type === 'choice' ? node.options.map((o) => o.label).join(' / ') : '';
  const text = normalize(`${words} ${labels}`);
  const explained = walker.tree.glossary
    .filter((e) => [e.term, ...e.aliases].some((name) => text.includes(` ${normalize(name).trim()} `)))
    .slice(0, 2)
    .map((e) => `**${capitalise(e.term)}**: ${e.text}`);
  const lines = atStep ? [ui.otherWords, ...explained, ui.cannotDoStep] : [ui.notSureChoice, ...explained];
  return [briefQuestion(services, state, lines.join('\n\n'))];
}

/** The answer to "what do you mean by ...?", then the question again. */
export function glossaryReply(services: DialogServices, state: WalkState, entry: GlossaryEntry): Output[] {
  return [briefQuestion(services, state, `**${capitalise(entry.term)}**: ${entry.text}`)];
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A message in another language: say plainly that the guides are English only, and offer a person first. */
export function otherLanguageText(services: DialogServices, language: { code: string; name: string }): string {
  const line = services.walker.tree.index.otherLanguages[language.code];
  const english = services.ui.otherLanguage(language.name);
  return line ? `${line}\n\n${english}` : english;
}

/** The person button, then the current question's own buttons. */
export function otherLanguageReply(services: DialogServices, state: WalkState, language: { code: string; name: string }): Output[] {
  const question = briefQuestion(services, state);
  const person = { value: services.ui.personLabel, label: services.ui.personLabel, synonyms: [] };
  return [{ kind: 'prompt', text: otherLanguageText(services, language), choices: [person, ...question.choices] }];
}

/** After a step's instruction: its "did that fix it?" or its own check question. */
export function isAtStep(state: WalkState): boolean {
  return state.awaiting === 'fixed' || state.awaiting === 'check';
}
