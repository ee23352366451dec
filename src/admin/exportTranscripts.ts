import { stringify } from 'csv-stringify/sync';
import type { ConversationFilter, ConversationSummary, TranscriptEntry, TranscriptStore } from '../transcripts/types.js';

const PAGE = 200;

/** Every conversation matching the filter with its entries, page by page so no single query is unbounded. */
async function* matching(
  store: TranscriptStore,
  filter: ConversationFilter,
  now: Date,
): AsyncGenerator<{ conversation: ConversationSummary; entries: TranscriptEntry[] }> {
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.search(filter, { offset, limit: PAGE }, now);
    for (const item of page.items) {
      const full = await store.get(item.conversationId, now);
      if (full) yield full;
    }
    if (offset + PAGE >= page.total) return;
  }
}

/** One conversation per line: its record and its whole transcript. */
export async function exportJsonl(store: TranscriptStore, filter: ConversationFilter, now: Date): Promise<string> {
  const lines: string[] = [];
  for await (const c of matching(store, filter, now)) lines.push(JSON.stringify(c));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

// A cell starting with = + - @ is run as a formula by spreadsheet apps, and so is one whose formula follows
// leading white space or line breaks (some apps trim them): user text must never be.
const inert = (value: string | number | null | undefined): string => {
  const s = value === undefined || value === null ? '' : String(value);
  return /^[\s]*[=+\-@]|^[\t\r\n]/.test(s) ? `'${s}` : s;
};

const COLUMNS = [
  'conversationId',
  'channelId',
  'userId',
  'outcome',
  'branch',
  'rating',
  'ticketId',
  'seq',
  'at',
  'role',
  'name',
  'type',
  'text',
  'buttons',
];

/** One row per transcript entry, with the conversation's outcome fields repeated so each row stands alone. */
export async function exportCsv(store: TranscriptStore, filter: ConversationFilter, now: Date): Promise<string> {
  const rows: unknown[][] = [];
  for await (const { conversation: c, entries } of matching(store, filter, now)) {
    for (const e of entries) {
      rows.push(
        [
          c.conversationId,
          c.channelId,
          c.userId,
          c.outcome,
          c.branch,
          c.rating,
          c.ticketId,
          e.seq,
          e.at,
          e.role,
          e.name,
          e.type,
          e.text ?? e.card,
          e.buttons?.join(' | '),
        ].map(inert),
      );
    }
  }
  return stringify(rows, { header: true, columns: COLUMNS, bom: true });
}
