import type { AdaptiveCard } from './adaptiveCard.js';
import { escapeMarkdown } from './markdown.js';
import { TICKET_FIELDS, type TicketFieldName } from '../tickets/fields.js';
import type { Output } from '../tree/types.js';

const ACCOUNT_LABEL: Record<string, string> = { 'work-or-school': 'Work or school', personal: 'Personal' };

/** The values the user gave, in one card, so they can check them before the ticket is sent. */
export function ticketReviewCard(values: Partial<Record<TicketFieldName, string>>): Output {
  const shown = (name: TicketFieldName): string => {
    const value = values[name];
    if (value === undefined) return 'not given';
    return name === 'accountType' ? (ACCOUNT_LABEL[value] ?? value) : value;
  };
  const facts = TICKET_FIELDS.map((f) => ({ title: f.label, value: escapeMarkdown(shown(f.name), 'backslash') }));
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Your request to the help desk', style: 'heading', weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'FactSet', facts },
    ],
  };
  const fallbackText = TICKET_FIELDS.map((f) => `${f.label}: ${shown(f.name)}`).join('\n');
  return { kind: 'card', card: card as unknown as Record<string, unknown>, fallbackText };
}
