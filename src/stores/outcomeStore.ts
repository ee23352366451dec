import { openJsonFile } from './lowdbFile.js';
import type { Low } from 'lowdb';
import type { SessionOutcome } from '../tree/types.js';

/** Where finished walks go: the record admins and content owners read (transcripts build on it later). */
export interface OutcomeStore {
  record(outcome: SessionOutcome): Promise<void>;
  list(filter?: { conversationId?: string }): Promise<SessionOutcome[]>;
}

export class LowdbOutcomeStore implements OutcomeStore {
  private constructor(private readonly db: Low<{ outcomes: SessionOutcome[] }>) {}

  static async open(file: string): Promise<LowdbOutcomeStore> {
    return new LowdbOutcomeStore(await openJsonFile(file, { outcomes: [] as SessionOutcome[] }));
  }

  async record(outcome: SessionOutcome): Promise<void> {
    this.db.data.outcomes.push(structuredClone(outcome));
    await this.db.write();
  }

  async list(filter: { conversationId?: string } = {}): Promise<SessionOutcome[]> {
    return this.db.data.outcomes.filter((o) => !filter.conversationId || o.conversationId === filter.conversationId).map((o) => structuredClone(o));
  }
}
