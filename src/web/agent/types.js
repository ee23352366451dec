// @ts-check
// What the agent API answers (docs/agent-api.md; the server's types are QueueItem in src/handoff/handoffService.ts,
// Ticket and TicketMessage in src/tickets/ticket.ts, CaseSummary in src/tickets/summary.ts). Types only: the
// console imports them in JSDoc, so the browser never loads this file.

/** @typedef {'queued' | 'assigned' | 'resolved' | 'closed-without-agent'} TicketStatus */

/** @typedef {'urgent' | 'high' | 'normal'} Priority */

/** `GET /api/agent/me` @typedef {{ name: string }} Me */

/**
 * One line of the queue.
 * @typedef {object} QueueItem
 * @property {string} id e.g. MFA-7K3Q9P
 * @property {'queued' | 'assigned'} status
 * @property {Priority} priority
 * @property {string} categoryTitle
 * @property {string} userId
 * @property {string} headline
 * @property {string} createdAt ISO 8601
 * @property {string} [assignedTo]
 * @property {number} [position] place in the queue (queued only, 1 = next)
 * @property {number} lastMessageSeq highest message seq, to show unread counts
 */

/** `GET /api/agent/queue` @typedef {{ tickets: QueueItem[] }} Queue */

/**
 * @typedef {object} TicketMessage
 * @property {number} seq position in the ticket's messages, from 1
 * @property {'user' | 'agent' | 'bot'} from
 * @property {string} text
 * @property {string} at
 * @property {string} [agent] the agent's name, for agent messages
 * @property {boolean} [delivered] false: the user's chat refused it; they get it with their next message
 */

/**
 * A ticket as the API sends it. The console reads only its state (status, assignee, note, whether the user still
 * waits); the facts it shows come from the CaseSummary.
 * @typedef {object} Ticket
 * @property {string} id
 * @property {TicketStatus} status
 * @property {Priority} priority
 * @property {string} category
 * @property {string} categoryTitle
 * @property {{ userId: string, errorMessage: string } & Record<string, string | undefined>} fields
 * @property {Record<string, string>} extras
 * @property {{ node: string, title: string, outcome: string }[]} stepsTried
 * @property {string} escalatedFrom
 * @property {{ channelId: string, serviceUrl: string, conversationId: string, reference: Record<string, unknown> }} conversation
 * @property {string} [userName]
 * @property {string} createdAt
 * @property {string} updatedAt
 * @property {string} [assignedTo]
 * @property {string} [assignedAt]
 * @property {string} [closedAt]
 * @property {string} [resolutionNote]
 * @property {string} [followUpNoticeAt]
 * @property {boolean} userWaiting false once the user went back to the bot
 * @property {number} [rating]
 * @property {TicketMessage[]} messages
 * @property {{ text: string, at: string }} [modelSummary]
 */

/**
 * What an agent needs to act on a ticket without reading the transcript.
 * @typedef {object} CaseSummary
 * @property {string} ticketId
 * @property {TicketStatus} status
 * @property {Priority} priority
 * @property {string} priorityLabel
 * @property {string} category
 * @property {string} categoryTitle
 * @property {string} headline
 * @property {string} [modelSummary] written by a language model, only when one is configured
 * @property {{ userId: string, userName?: string, accountType?: string, channel: string }} who
 * @property {{ errorMessage: string, errorCode?: string, escalatedBecause: string }} problem
 * @property {{ title: string, outcome: string }[]} stepsTried
 * @property {{ name: string, label: string, value: string | null }[]} fields every ticket field; null when not given
 * @property {{ label: string, value: string }[]} extras
 * @property {string} createdAt
 * @property {number} waitingMinutes
 * @property {string} [assignedTo]
 * @property {string} suggestedNextStep
 */

/** `GET /api/agent/tickets/:id` @typedef {{ ticket: Ticket, summary: CaseSummary, markdown: string }} TicketDetails */

/** `POST .../claim` and `.../resolve` @typedef {{ ticket: Ticket }} TicketAnswer */

/**
 * `GET /api/agent/tickets/:id/messages?after=N`: the messages with seq > N, and the ticket's state now.
 * @typedef {{ messages: TicketMessage[], status: TicketStatus, userWaiting: boolean }} Messages
 */

/** `POST /api/agent/tickets/:id/messages` @typedef {{ message: TicketMessage, delivered: boolean }} MessageAnswer */

export {};
