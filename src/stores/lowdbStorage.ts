import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { openJsonFile } from './lowdbFile.js';
import type { Low } from 'lowdb';

interface StateFile {
  items: Record<string, StoreItem>;
  /** Monotonic counter behind eTags, persisted so a restart never reissues an old eTag. */
  lastETag: number;
}

/**
 * Bot Framework `Storage` (ConversationState, UserState) on an embedded lowdb JSON file.
 * lowdb writes through steno: a temp file renamed over the old one, so a crash leaves either the old or the
 * new file, never a torn one. eTags follow MemoryStorage: "*" or none overwrites, a stale one is refused.
 */
export class LowdbStorage implements Storage {
  private constructor(private readonly db: Low<StateFile>) {}

  static async open(file: string): Promise<LowdbStorage> {
    const db = await openJsonFile<StateFile>(file, { items: {}, lastETag: 0 });
    return new LowdbStorage(db);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const found: StoreItems = {};
    for (const key of keys) {
      const item = this.db.data.items[key];
      if (item) found[key] = structuredClone(item);
    }
    return found;
  }

  async write(changes: StoreItems): Promise<void> {
    const items = this.db.data.items;
    for (const [key, change] of Object.entries(changes)) {
      const current = items[key];
      const eTag = (change as StoreItem).eTag;
      if (current && eTag && eTag !== '*' && eTag !== current.eTag) {
        throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
      }
    }
    for (const [key, change] of Object.entries(changes)) {
      this.db.data.lastETag += 1;
      items[key] = { ...structuredClone(change as StoreItem), eTag: String(this.db.data.lastETag) };
    }
    await this.db.write();
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) delete this.db.data.items[key];
    await this.db.write();
  }
}
