// @ts-check
// What the admin API answers (docs/admin-api.md; the server's types are in src/transcripts/types.ts and
// src/tree/types.ts). Types only: the page imports them in JSDoc, so the browser never loads this file.

/** @typedef {'resolved' | 'escalated' | 'abandoned' | 'cancelled' | 'in-progress'} ConversationOutcome */

/** @typedef {'user' | 'bot' | 'agent'} Role */

/** `GET /api/admin/me` @typedef {{ name: string }} Me */

/** A root menu option. @typedef {{ id: string, title: string }} Branch */

/** `GET /api/admin/branches` @typedef {{ branches: Branch[] }} BranchList */

/**
 * One visited node and how the user left it: the option picked, "fixed" / "not fixed", or how it was reached.
 * @typedef {{ node: string, answer?: string }} PathEntry
 */

/**
 * A finished walk of a conversation.
 * @typedef {object} SessionOutcome
 * @property {string} conversationId
 * @property {string} channelId
 * @property {string} userId
 * @property {string} startedAt
 * @property {string} endedAt
 * @property {string | null} branch
 * @property {PathEntry[]} path
 * @property {'resolved' | 'escalated' | 'abandoned' | 'cancelled'} outcome
 * @property {number | null} rating
 * @property {string} [ticketId]
 */

/**
 * A conversation's record beside its transcript; the outcome fields describe its latest walk.
 * @typedef {object} ConversationSummary
 * @property {string} conversationId
 * @property {string} channelId
 * @property {string} userId
 * @property {string} [userName]
 * @property {string} startedAt
 * @property {string} lastActivityAt
 * @property {number} messageCount
 * @property {string} preview the first thing the user wrote (redacted)
 * @property {ConversationOutcome} outcome
 * @property {string | null} branch
 * @property {PathEntry[]} path
 * @property {number | null} rating
 * @property {string | null} ticketId
 * @property {'agent'} [resolvedBy] present when a person from the help desk resolved it
 * @property {SessionOutcome[]} sessions every finished walk, oldest first
 */

/**
 * One activity of a conversation, its text already redacted.
 * @typedef {object} TranscriptEntry
 * @property {number} seq position in the conversation, from 1
 * @property {string} at
 * @property {Role} role
 * @property {string} type message, event, conversationUpdate...
 * @property {string} [name] the event's name, or the agent's name for agent messages
 * @property {string} [text]
 * @property {string[]} [buttons] titles of the buttons the bot offered
 * @property {string} [card] a card's fallback text
 */

/** `GET /api/admin/conversations` @typedef {{ total: number, items: ConversationSummary[] }} ConversationList */

/** `GET /api/admin/conversations/:id` @typedef {{ conversation: ConversationSummary, entries: TranscriptEntry[] }} Transcript */

/**
 * Walks through one branch within the filters.
 * @typedef {object} BranchStats
 * @property {string} branch
 * @property {number} conversations walks, finished or abandoned
 * @property {number} resolved
 * @property {number} escalated
 * @property {number} abandoned
 * @property {number} resolutionRate 0..1
 * @property {number} escalationRate 0..1
 * @property {number | null} averageRating
 * @property {number} ratings
 * @property {{ node: string, count: number } | null} topDropOff
 */

/** `GET /api/admin/analytics` @typedef {{ branches: BranchStats[], titles: Record<string, string> }} Analytics */

/** The list's and export's query parameters. @typedef {'from' | 'to' | 'outcome' | 'branch' | 'rating' | 'q'} FilterName */

/** The filters applied, as typed in the form (empty ones left out). @typedef {Partial<Record<FilterName, string>>} Filters */

export {};
