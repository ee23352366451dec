import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { EmbeddedTranscriptStore } from './embedded/transcriptStore.js';
import { PgTranscriptStore } from './postgres/transcriptStore.js';
import type { TranscriptStore } from '../transcripts/types.js';
import { EmbeddedStateStorage, type StateStorage } from './embedded/stateStorage.js';
import { PgDatabase, describeUrl } from './postgres/database.js';
import { PgStateStorage } from './postgres/stateStorage.js';
import { PgTicketStore } from './postgres/ticketStore.js';
import { EmbeddedTicketStore } from './embedded/ticketStore.js';
import type { TicketStore } from '../handoff/ticketStore.js';
import { PgTurnLock } from './postgres/turnLock.js';
import type { TurnLock } from '../bot/turnLock.js';
import { InProcessTurnLock } from './embedded/turnLock.js';

export type { StateStorage };

/** Whether the stores can take turns right now; the reason is for an operator (no secrets: host and port at most). */
export type StoreHealth = { ok: true } | { ok: false; reason: string };

/** A probe's answer is reused this long, so a flood of readiness checks costs one query a second at most. */
const HEALTH_CACHE_MS = 1_000;

/** `probe`, with concurrent and recent calls sharing one answer. */
function cachedHealth(probe: () => Promise<StoreHealth>): () => Promise<StoreHealth> {
  let last: { at: number; answer: Promise<StoreHealth> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at > HEALTH_CACHE_MS) last = { at: now, answer: probe() };
    return last.answer;
  };
}

/** The three stores the app runs on, behind their interfaces; which implementation is the config's choice. */
export interface Stores {
  kind: 'embedded' | 'postgres';
  /** Bot Framework state (ConversationState). */
  storage: StateStorage;
  tickets: TicketStore;
  transcripts: TranscriptStore;
  /** Holds each conversation's turns apart: within this process, or across instances on PostgreSQL. */
  turnLock: TurnLock;
  /** Whether the backing store answers now (PostgreSQL: a trivial query; embedded: open means ready). */
  health(): Promise<StoreHealth>;
  /** Releases what the stores hold: the PostgreSQL pools, or the embedded store's journals (pending writes first). */
  close(): Promise<void>;
}

/** PostgreSQL when DATABASE_URL is set (schema migrated at open), otherwise the embedded store in DATA_DIR. */
export async function openStores(
  config: Pick<Config, 'database' | 'dataDir'> & Partial<Pick<Config, 'storeFsync'>>,
  logger: Logger,
): Promise<Stores> {
  if (config.database) {
    const db = await PgDatabase.open({ ...config.database, logger });
    const turnLock = new PgTurnLock({ ...config.database, logger });
    const where = describeUrl(config.database.url);
    return {
      kind: 'postgres',
      storage: new PgStateStorage(db),
      tickets: new PgTicketStore(db),
      transcripts: PgTranscriptStore.open(db),
      turnLock,
      health: cachedHealth(async () => {
        try {
          await db.ping();
          return { ok: true };
        } catch (err) {
          const e = err as { message?: string; code?: string; errors?: { message?: string }[] };
          const why = e.code ?? (e.message || e.errors?.map((x) => x.message).join('; ') || 'no answer');
          return { ok: false, reason: `PostgreSQL store at ${where} unreachable (${why})` };
        }
      }),
      close: async () => {
        await Promise.all([db.close(), turnLock.close()]);
      },
    };
  }
  const folder = { sync: config.storeFsync ?? true };
  if (!folder.sync)
    logger.warn('STORE_FSYNC=off: the embedded store does not wait for the disk; a power loss can lose acknowledged changes');
  const [storage, transcripts, tickets] = await Promise.all([
    EmbeddedStateStorage.open(path.join(config.dataDir, 'state'), folder),
    EmbeddedTranscriptStore.open(path.join(config.dataDir, 'transcripts'), folder),
    EmbeddedTicketStore.open(path.join(config.dataDir, 'tickets'), folder),
  ]);
  return {
    kind: 'embedded',
    storage,
    tickets,
    transcripts,
    turnLock: new InProcessTurnLock(),
    // Files in DATA_DIR: once open, a failing disk shows as failed writes (and logged errors), not as an outage.
    health: () => Promise.resolve({ ok: true }),
    close: async () => {
      await Promise.all([storage.close(), transcripts.close(), tickets.close()]);
    },
  };
}
