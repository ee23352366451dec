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
  // After a person from the help desk resolved the request, "how helpful was I" would ask about the bot.
  agentRatingPrompt: 'How helpful was the help you got today, from 1 (not at all) to 5 (very)? You can also skip this.',
  agentRatingThanks: (rating: number) => `Thanks for rating the help you got ${rating} out of 5. I've passed it on to the help desk.`,
  ratingSkipped: 'No problem.',
  guessPrompt: "I'm not completely sure what you mean. Is it one of these?",
  showMenuLabel: 'None of these: show all options',
  startOverLabel: 'Start over',
  stuckHint: 'You can also type **menu** to start over or **talk to a person** to reach the help desk.',
  // Replies beside the current question (dialogs/asides.ts): short, then the question again in brief.
  menuQuestion: 'Pick the closest match below, or describe the problem in your own words.',
  whichFits: 'Which of these fits?',
  hiAgain: 'Hi!',
  hiAgainAt: (title: string) => `Hi! We're working on **${title}**.`,
  welcome: "You're welcome!",
  ok: 'OK.',
  okTryIt: "OK, take your time. Once you've tried it, tell me:",
  takeYourTime: "Take your time, tell me when you're ready.",
  unclear: 'Sorry if that was unclear.',
  unclearStep:
    "Sorry if that was unclear. If you're not sure how to do this, type **I don't know** and I'll put it another way; **talk to a person** reaches the help desk.",
  notSureChoice: 'No problem: pick whichever looks closest, you can change course later. Or type **talk to a person**.',
  otherWords: 'No problem, let me put it another way.',
  cannotDoStep:
    "If you can't do this step, answer **No, still stuck** and I'll suggest what to try next, or type **talk to a person** to reach the help desk.",
  welcomeAnytime: "You're welcome! If anything else comes up, I'm here.",
  okAnytime: "OK. If anything else comes up, I'm here.",
  notSureWhere: "Not sure where to start? That's fine: pick whatever looks closest below, or tell me in your own words what's happening.",
  otherLanguage: (name: string) =>
    `It looks like you wrote in ${name}. Sorry: I can only help in English, the only language my guides are written in. You can describe the problem in English, or choose **Talk to a person** to reach the help desk.`,
  personLabel: 'Talk to a person',
  showMenu: 'Show the menu',
  vagueAtStep:
    "I know, being locked out is the problem we're working on. Let's keep going with this step; type **menu** if it's a different problem, or **talk to a person** to reach the help desk.",
  vagueIntro: 'That can have a few different causes, and the fix depends on which one. Which of these is closest?',
  notUnderstood: "Sorry, I didn't catch that. Please pick one of the buttons, or type its number.",
  anythingElse: (label: string): Output => ({
    kind: 'prompt',
    text: 'If you need anything else, describe it or choose below.',
    choices: [{ value: label, label, synonyms: [] }],
  }),
};
