import { ActionTypes, CardFactory, Channels, MessageFactory, TextFormatTypes, type Activity, type CardAction } from 'botbuilder';
import type { Output } from './services.js';
import { choiceCard } from './choiceCard.js';

/**
 * Channel rendering of the walker's outputs. Buttons are imBack actions everywhere, so a click sends the
 * label as an ordinary message (visible in the chat and the transcript) and a typed answer works the same.
 * Web Chat and other Direct Line clients get suggested actions; Teams gets an Adaptive Card of imBack buttons
 * (dialogs/choiceCard.ts), usable in personal chats, group chats and channels alike.
 */
export function renderOutput(output: Output, channelId: string): Partial<Activity> {
  if (output.kind === 'card') {
    return { ...MessageFactory.attachment(CardFactory.adaptiveCard(output.card)), summary: output.fallbackText };
  }
  // A question without buttons (a typed answer is expected) is plain text: no empty suggested-action bar.
  if (output.kind === 'text' || output.choices.length === 0) {
    return { ...MessageFactory.text(output.text), textFormat: TextFormatTypes.Markdown };
  }
  if (channelId === Channels.Msteams) {
    const card = CardFactory.adaptiveCard(choiceCard(output.choices));
    return { ...MessageFactory.attachment(card, output.text), textFormat: TextFormatTypes.Markdown, inputHint: 'expectingInput' };
  }
  const actions: CardAction[] = output.choices.map((c) => ({ type: ActionTypes.ImBack, title: c.label, value: c.label }));
  return {
    ...MessageFactory.suggestedActions(actions, output.text),
    textFormat: TextFormatTypes.Markdown,
    inputHint: 'expectingInput',
  };
}

export function renderOutputs(outputs: Output[], channelId: string): Partial<Activity>[] {
  return outputs.map((o) => renderOutput(o, channelId));
}
