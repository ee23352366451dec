import type { ChoiceOption, Output } from './types.js';

/** The walker's own words (the tree's content lives in knowledge/). */
export const ui = {
  fixedQuestion: '**Did that fix it?**',
  fixedChoices: [
    {
      value: 'fixed',
      label: 'Yes, that worked',
      synonyms: ['yes', 'yep', 'yeah', 'y', 'worked', 'it worked', 'fixed', 'solved', 'sorted', 'all good', 'that did it'],
    },
    {
      value: 'not fixed',
      label: 'No, still stuck',
      synonyms: ['no', 'nope', 'nah', 'n', 'not fixed', 'still stuck', 'didnt work', "didn't work", 'did not work', 'still not working'],
    },
  ] satisfies ChoiceOption[],
  ratingPrompt: 'How helpful was I, from 1 (not at all) to 5 (very)? You can also skip this.',
  ratingChoices: [
    ...['1', '2', '3', '4', '5'].map((n) => ({ value: n, label: n, synonyms: [] as string[] })),
    { value: 'skip', label: 'Skip', synonyms: ['no thanks', 'no', 'later', 'pass'] },
  ] satisfies ChoiceOption[],
  ratingThanks: (rating: number) => `Thanks for rating me ${rating} out of 5.`,
  ratingSkipped: 'No problem.',
  guessPrompt: "I'm not completely sure what you mean. Is it one of these?",
  showMenuLabel: 'None of these: show all options',
  startOverLabel: 'Start over',
  stuckHint: 'You can also type **menu** to start over or **talk to a person** to reach the help desk.',
  vagueIntro: 'That can have a few different causes, and the fix depends on which one. Which of these is closest?',
  notUnderstood: "Sorry, I didn't catch that. Please pick one of the buttons, or type its number.",
  anythingElse: (label: string): Output => ({
    kind: 'prompt',
    text: 'If you need anything else, describe it or choose below.',
    choices: [{ value: label, label, synonyms: [] }],
  }),
};
