import type { Storage, StoreItem, StoreItems } from 'botbuilder';

/** Bot Framework's storage interface, named for what it holds here: conversation state. */
export type StateStorage = Storage;
import { DocumentFolder, type DocumentFolderOptions } from './documentFolder.js';

/** Recently used state documents kept in memory, so a turn reads its conversation without touching disk. */
const CACHE_LIMIT = 10_000;

/**
 * Bot Framework `Storage` (ConversationState, UserState) on the embedded store: one JSON
 * document per state key, so a turn's write costs the same however many conversations are stored. eTags
 * follow MemoryStorage: "*" or none overwrites, a stale one is refused (turns of one conversation are also
 * serialised by middleware, so in one process that only guards against bugs; across processes it matters).
 */
export class EmbeddedStateStorage implements Storage {
  private readonly cache = new Map<string, StoreItem>();
  /** The latest write per key: a write checks eTags only once the earlier writes of its keys are done. */
  private readonly writing = new Map<string, Promise<void>>();

  private constructor(private readonly docs: DocumentFolder<StoreItem>) {}

  static async open(dir: string, options: DocumentFolderOptions = {}): Promise<EmbeddedStateStorage> {
    return new EmbeddedStateStorage(await DocumentFolder.open<StoreItem>(dir, options));
  }

  async read(keys: string[]): Promise<StoreItems> {
    const found = Object.create(null) as StoreItems; // a key is any string, "__proto__" included
    for (const key of keys) {
      const item = await this.load(key);
      if (item) found[key] = structuredClone(item);
    }
    return found;
  }

  /**
   * Writes of the same key run one after the other: two writers holding the same eTag would otherwise both
   * read it as current before either had written, and both succeed.
   */
  write(changes: StoreItems): Promise<void> {
    const keys = Object.keys(changes);
    const earlier = keys.flatMap((key) => this.writing.get(key) ?? []);
    const done = Promise.allSettled(earlier).then(() => this.writeNow(changes));
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    for (const key of keys) {
      this.writing.set(key, settled);
      void settled.then(() => {
        if (this.writing.get(key) === settled) this.writing.delete(key);
      });
    }
    return done;
  }

  private async writeNow(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes) as [string, StoreItem][];
    for (const [key, change] of entries) {
      const current = await this.load(key);
      if (current && change.eTag && change.eTag !== '*' && change.eTag !== current.eTag) {
        throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
      }
    }
    await Promise.all(
      entries.map(([key, change]) => {
        const next = { ...structuredClone(change), eTag: nextETag(this.cache.get(key)?.eTag) };
        this.remember(key, next);
        return this.docs.put(key, next);
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.cache.delete(key);
    await Promise.all(keys.map((key) => this.docs.delete(key)));
  }

  /** Writes what is pending to the journal and closes it. */
  close(): Promise<void> {
    return this.docs.close();
  }

  private async load(key: string): Promise<StoreItem | undefined> {
    const cached = this.cache.get(key);
    if (cached) {
      this.remember(key, cached);
      return cached;
    }
    const item = await this.docs.get(key);
    if (item) this.remember(key, item);
    return item;
  }

  /** Least-recently-used eviction: Map keeps insertion order, so re-inserting marks a key as fresh. */
  private remember(key: string, item: StoreItem): void {
    this.cache.delete(key);
    this.cache.set(key, item);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
  }
}

/** eTags only need to differ from the previous one; a counter per key survives restarts via the document. */
function nextETag(previous: string | undefined): string {
  return String((Number(previous) || 0) + 1);
}
