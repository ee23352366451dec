import { parseField, type TicketFieldName } from '../tickets/fields.js';
import type { SpottedFields } from './types.js';

/** The model's names for the ticket fields it may spot (the timestamp needs the user's zone, so it is asked). */
const WIRE_NAMES: Record<string, Exclude<TicketFieldName, 'timestamp' | 'accountType'>> = {
  user_id: 'userId',
  error_code: 'errorCode',
  session_id: 'sessionId',
  correlation_id: 'correlationId',
  page_url: 'pageUrl',
  error_message: 'errorMessage',
};

const squash = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Keeps only the spotted values that the user really wrote (verbatim in the text that was sent) and that
 * pass the ticket's own field schemas, normalised as if the user had typed them at the ticket question.
 * A value the model made up, or one an injected instruction asked for, is dropped.
 */
export function checkSpottedFields(raw: Record<string, string | null>, sentText: string, now: Date): SpottedFields {
  const text = squash(sentText);
  const found: SpottedFields = {};
  for (const [wire, value] of Object.entries(raw)) {
    const name = Object.hasOwn(WIRE_NAMES, wire) ? WIRE_NAMES[wire] : undefined;
    if (!name || !value || !text.includes(squash(value))) continue;
    const result = parseField(name, value, { now });
    if (result.ok && 'value' in result) found[name] = result.value;
  }
  return found;
}
