import type { AdaptiveCard, ChoiceOption, SubmitAction } from './services.js';

/**
 * Teams shows six of a card's actions and hides the rest behind "..." (or, in some clients, not at all); the
 * Adaptive Cards SDK's default host config allows five. Past five, each button gets a row of its own.
 */
const MAX_CARD_ACTIONS = 5;

const imBack = (label: string): SubmitAction => ({
  type: 'Action.Submit',
  title: label,
  data: { msteams: { type: 'imBack', value: label } },
});

/**
 * The buttons of a question, as an Adaptive Card for Teams. Each button posts its label as the user's message
 * (imBack), so a click reads like a typed answer in the chat and the transcript, as in every other channel.
 * Up to five become the card's actions; a longer list (the main menu, the rating) gets one button per row.
 * The question itself stays the message's text.
 */
export function choiceCard(choices: ChoiceOption[]): AdaptiveCard {
  const actions = choices.map((c) => imBack(c.label));
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [],
  };
  if (actions.length <= MAX_CARD_ACTIONS) return { ...card, actions };
  return { ...card, body: actions.map((action) => ({ type: 'ActionSet', actions: [action] })) };
}
