import path from 'node:path';
import type { Storage } from 'botbuilder';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { LowdbTranscriptStore } from '../transcripts/lowdbTranscriptStore.js';
import { PgTranscriptStore } from '../transcripts/pgTranscriptStore.js';
import type { TranscriptStore } from '../transcripts/types.js';
import { LowdbStorage } from './lowdbStorage.js';
import { PgDatabase } from './pgDatabase.js';
import { PgStorage } from './pgStorage.js';
import { PgTicketStore } from './pgTicketStore.js';
import { LowdbTicketStore, type TicketStore } from './ticketStore.js';
import { PgTurnLock } from './pgTurnLock.js';
import { LocalTurnLock, type TurnLock } from './turnLock.js';

/** The three stores the app runs on, behind their interfaces; which implementation is the config's choice. */
export interface Stores {
  kind: 'lowdb' | 'postgres';
  /** Bot Framework state (ConversationState). */
  storage: Storage;
  tickets: TicketStore;
  transcripts: TranscriptStore;
  /** Holds each conversation's turns apart: within this process, or across instances on PostgreSQL. */
  turnLock: TurnLock;
  /** Releases what the stores hold: the PostgreSQL pools, or the embedded store's journals (pending writes first). */
  close(): Promise<void>;
}

/** PostgreSQL when DATABASE_URL is set (schema migrated at open), otherwise the embedded store in DATA_DIR. */
export async function openStores(config: Pick<Config, 'database' | 'dataDir'>, logger: Logger): Promise<Stores> {
  if (config.database) {
    const db = await PgDatabase.open({ ...config.database, logger });
    const turnLock = new PgTurnLock({ ...config.database, logger });
    return {
      kind: 'postgres',
      storage: new PgStorage(db),
      tickets: new PgTicketStore(db),
      transcripts: PgTranscriptStore.open(db),
      turnLock,
      close: async () => {
        await Promise.all([db.close(), turnLock.close()]);
      },
    };
  }
  const [storage, transcripts, tickets] = await Promise.all([
    LowdbStorage.open(path.join(config.dataDir, 'state')),
    LowdbTranscriptStore.open(path.join(config.dataDir, 'transcripts')),
    LowdbTicketStore.open(path.join(config.dataDir, 'tickets')),
  ]);
  return {
    kind: 'lowdb',
    storage,
    tickets,
    transcripts,
    turnLock: new LocalTurnLock(),
    close: async () => {
      await Promise.all([storage.close(), transcripts.close(), tickets.close()]);
    },
  };
}
