import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { EmbeddedTranscriptStore } from './embedded/transcriptStore.js';
import { PgTranscriptStore } from './postgres/transcriptStore.js';
import type { TranscriptStore } from '../transcripts/types.js';
import { EmbeddedStateStorage, type StateStorage } from './embedded/stateStorage.js';
import { PgDatabase } from './postgres/database.js';
import { PgStateStorage } from './postgres/stateStorage.js';
import { PgTicketStore } from './postgres/ticketStore.js';
import { EmbeddedTicketStore } from './embedded/ticketStore.js';
import type { TicketStore } from '../handoff/ticketStore.js';
import { PgTurnLock } from './postgres/turnLock.js';
import type { TurnLock } from '../bot/turnLock.js';
import { InProcessTurnLock } from './embedded/turnLock.js';

export type { StateStorage };

/** The three stores the app runs on, behind their interfaces; which implementation is the config's choice. */
export interface Stores {
  kind: 'embedded' | 'postgres';
  /** Bot Framework state (ConversationState). */
  storage: StateStorage;
  tickets: TicketStore;
  transcripts: TranscriptStore;
  /** Holds each conversation's turns apart: within this process, or across instances on PostgreSQL. */
  turnLock: TurnLock;
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
    return {
      kind: 'postgres',
      storage: new PgStateStorage(db),
      tickets: new PgTicketStore(db),
      transcripts: PgTranscriptStore.open(db),
      turnLock,
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
    close: async () => {
      await Promise.all([storage.close(), transcripts.close(), tickets.close()]);
    },
  };
}
