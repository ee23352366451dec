import { ticketReviewCard } from '../cards/ticketReviewCard.js';
import { displayField } from './display.js';
import { parseErrorDetails } from './errorDetails.js';
import { TICKET_FIELDS, completeTimestamp, parseField } from './fields.js';

/**
 * Everything the ticket questions need, as one value the dialogs are given: the fields in asking order, the
 * parser of one answer (and of the time-zone follow-up), the parser of a pasted "View details" block, the
 * review card shown before the ticket is sent, and a value's readable form.
 */
export const ticketForm = {
  fields: TICKET_FIELDS,
  parseAnswer: parseField,
  completeTimestamp,
  parseDetails: parseErrorDetails,
  reviewCard: ticketReviewCard,
  /** A value as the user would write it, for "Currently: ..." when they change a detail. */
  display: displayField,
};

export type TicketForm = typeof ticketForm;
