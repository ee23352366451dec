import { createHash } from 'node:crypto';
import path from 'node:path';
import { nodeFileSystem, withoutSync, type StoreFileSystem } from './fileSystem.js';
import { readJournal } from './journal.js';

/** A key's value since the last compaction; `deleted` marks a removal not yet applied to the documents. */
interface Entry<T, S> {
  value?: T;
  deleted?: true;
  summary?: S;
}

/**
 * What a folder keeps in memory for every key, beside the documents on disk: the little a store lists and
 * searches by (a conversation's record and its words), so it never has to read every document. Kept per
 * shard in a `summaries` file written with the documents at each compaction, and read at open instead of
 * the documents: open costs 256 file reads whatever the number of keys.
 */
export interface Summaries<T, S> {
  /** A document's summary: at open, for replayed journal lines and shards without a summaries file. */
  of(key: string, value: T): S;
  toJSON(summary: S): unknown;
  fromJSON(json: unknown): S;
}

/**
 * Summaries live in 16 files per shard (4,096 buckets by the key's hash), so a compaction that touched a few
 * keys rewrites a few small files, not whole shards. A shard's `summaries.all` marker says its bucket files
 * are complete (a missing one is an empty bucket); a shard with documents but no marker was written by a
 * version without summaries and is summarised from its documents at open.
 */
const BUCKETS = 4096;
const bucketFile = (bucket: number): string => `summaries.${(bucket & 15).toString(16)}`;
const SHARD_MARKER = 'summaries.all';
/** Summary files read or written at once (each holds ~1/256 of the keys). */
const SUMMARY_READERS = 8;

/** Past this many journal bytes its changes are written into the documents and a new journal begins. */
const JOURNAL_LIMIT = 8 * 1024 * 1024;
/**
 * And at the latest this long after a journal's first change: a journal keeps every version of what it
 * holds (a ticket answer before its redaction, a dialog step since left), the documents only the latest.
 */
const JOURNAL_MAX_AGE_MS = 30_000;
/** Documents written at once during a compaction (each is a temp file and a rename). */
const COMPACTION_WRITERS = 16;

export interface DocumentFolderOptions<T = unknown, S = never> {
  /** Set: a summary per key is kept in memory and in per-shard files (see Summaries). */
  summaries?: Summaries<T, S>;
  /** For tests: how much journal, or how old a one, triggers a compaction. */
  journalLimit?: number;
  journalMaxAgeMs?: number;
  /** The file system (a recording fake in tests). */
  fs?: StoreFileSystem;
  /** false: never wait for the disk (STORE_FSYNC=off; unsafe on power loss, for benchmarks and tests). */
  sync?: boolean;
}

/**
 * The embedded store's folder of small JSON documents, one per key, with a write-ahead journal in front.
 *
 * A change costs the same whatever the number of keys: every put or delete made while the previous journal
 * write is under way (at least one event-loop turn) is appended to the journal in one write (all
 * conversations' turns share it) and fdatasync'ed, and resolves only then (a group commit), so an
 * acknowledged change survives a crash of the process and of the machine (power loss). In the background,
 * every 8 MB of journal or 30 s, the latest value of each key changed since is written to its document (a
 * temp file, fdatasync'ed, then renamed over the old one, so a document is always whole); once every
 * document and its folder is synced, that journal is removed (and the removal synced, so an old journal
 * never comes back to replay over newer documents). A key changed ten times between compactions costs one
 * document write. At open, journals left by a crash are replayed into the documents.
 *
 * Documents live in 256 sub-folders by the key's hash, the key kept inside (`{ key, value }`).
 */
export class DocumentFolder<T, S = never> {
  /** Changes not yet in the documents (journaled or about to be): reads see them first. */
  private readonly recent = new Map<string, Entry<T, S>>();
  /** Changes waiting for the next journal write. */
  private batch = new Map<string, Entry<T, S>>();
  /** Summaries of every key whose latest change is in the journal (acknowledged), by shard. */
  private readonly durable: Map<string, S>[] = Array.from({ length: BUCKETS }, () => new Map<string, S>());
  /** Shards whose summaries files are complete (SHARD_MARKER written). */
  private readonly summarisedShards = new Set<number>();
  private batchWritten: Promise<void> | undefined;
  /** Journal writes and rotations, one after another. */
  private chain: Promise<void> = Promise.resolve();
  private journalBytes = 0;
  private compacting: Promise<void> = Promise.resolve();
  private ageTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly fs: StoreFileSystem,
    private journal: Journal,
    private readonly journalLimit: number,
    private readonly journalMaxAgeMs: number,
    private readonly summaries: Summaries<T, S> | undefined,
  ) {}

  static async open<T, S = never>(dir: string, options: DocumentFolderOptions<T, S> = {}): Promise<DocumentFolder<T, S>> {
    const { journalLimit = JOURNAL_LIMIT, journalMaxAgeMs = JOURNAL_MAX_AGE_MS, sync = true } = options;
    const fs = sync ? (options.fs ?? nodeFileSystem) : withoutSync(options.fs ?? nodeFileSystem);
    // All shard folders up front: document writes then never wait on mkdir.
    await Promise.all(Array.from({ length: 256 }, (_, i) => fs.mkdir(path.join(dir, i.toString(16).padStart(2, '0')))));
    await fs.mkdir(path.join(dir, 'journal'));
    const left = await listJournals(fs, dir);
    const journal = await openJournal(fs, dir, (left.at(-1)?.seq ?? 0) + 1);
    const folder = new DocumentFolder<T, S>(dir, fs, journal, journalLimit, journalMaxAgeMs, options.summaries);
    const rebuilt = folder.summaries ? await folder.readSummaries() : [];
    // A crash may have left journals behind: their changes go into the documents before anything is read.
    for (const { file } of left)
      for (const [key, line] of await readJournal<T>(file, fs.readFile)) {
        const entry = folder.withSummary(key, line);
        folder.recent.set(key, entry);
        folder.acknowledged(key, entry);
      }
    if (left.length > 0 || rebuilt.length > 0) {
      await folder.writeDocuments(new Map(folder.recent), rebuilt);
      await Promise.all(left.map(({ file }) => fs.unlink(file)));
      await fs.syncDir(path.join(dir, 'journal'));
    }
    return folder;
  }

  async get(key: string): Promise<T | undefined> {
    const entry = this.recent.get(key);
    if (entry) return entry.value;
    try {
      return (JSON.parse(await this.fs.readFile(this.fileOf(key))) as { key: string; value: T }).value;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * Resolves once this value (or a newer one for the same key) is in the journal. The value is serialised
   * when the journal is written, so the caller must not change it afterwards except to make it newer.
   */
  put(key: string, value: T, summary?: S): Promise<void> {
    return this.change(key, this.withSummary(key, summary === undefined ? { value } : { value, summary }));
  }

  /** The key's summary as of its latest change, acknowledged or not (undefined: no such key). */
  summary(key: string): S | undefined {
    const entry = this.recent.get(key);
    if (entry) return entry.summary;
    return this.durable[bucketOf(key)]!.get(key);
  }

  /** The key's summary as of its latest acknowledged change. */
  acknowledgedSummary(key: string): S | undefined {
    return this.durable[bucketOf(key)]!.get(key);
  }

  /** Every acknowledged key's summary (keys whose journal write is still under way are left out). */
  *acknowledgedSummaries(): IterableIterator<[string, S]> {
    for (const shard of this.durable) yield* shard;
  }

  delete(key: string): Promise<void> {
    return this.change(key, { deleted: true });
  }

  /** Every document (start-up only: the journal was replayed into the documents at open). */
  async loadAll(): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    for (const shard of (await this.fs.readdir(this.dir)).filter((s) => /^[0-9a-f]{2}$/.test(s))) {
      const files = (await this.fs.readdir(path.join(this.dir, shard))).filter((f) => f.endsWith('.json'));
      const docs = await Promise.all(
        files.map(async (f) => JSON.parse(await this.fs.readFile(path.join(this.dir, shard, f))) as { key: string; value: T }),
      );
      for (const doc of docs) found.set(doc.key, doc.value);
    }
    for (const [key, entry] of this.recent) {
      if (entry.deleted) found.delete(key);
      else found.set(key, entry.value as T);
    }
    return found;
  }

  /** Writes what is pending and closes the journal; the documents catch up at the next open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.ageTimer);
    await this.batchWritten;
    await this.chain;
    await this.compacting;
    await this.fs.close(this.journal.fd);
  }

  /** The entry with its summary, computed when the caller gave none. */
  private withSummary(key: string, entry: Entry<T, S>): Entry<T, S> {
    if (!this.summaries || entry.deleted || entry.summary !== undefined) return entry;
    return { ...entry, summary: this.summaries.of(key, entry.value as T) };
  }

  /** A change is in the journal: its summary becomes what lists and searches see. */
  private acknowledged(key: string, entry: Entry<T, S>): void {
    if (!this.summaries) return;
    const shard = this.durable[bucketOf(key)]!;
    if (entry.deleted) shard.delete(key);
    else shard.set(key, entry.summary as S);
  }

  /**
   * Loads every shard's summaries files; a shard with documents but no complete summaries (a folder written
   * before summaries existed) is summarised from its documents. Returns those buckets, whose files the caller
   * then writes.
   */
  private async readSummaries(): Promise<number[]> {
    const summaries = this.summaries!;
    const rebuilt: number[] = [];
    const queue = Array.from({ length: 256 }, (_, i) => i);
    const worker = async (): Promise<void> => {
      for (let shard = queue.shift(); shard !== undefined; shard = queue.shift()) {
        const folder = path.join(this.dir, shardName(shard));
        const files = await this.fs.readdir(folder);
        const buckets = Array.from({ length: 16 }, (_, i) => shard * 16 + i);
        if (files.includes(SHARD_MARKER)) {
          this.summarisedShards.add(shard);
          for (const bucket of buckets) {
            if (!files.includes(bucketFile(bucket))) continue;
            const text = await this.fs.readFile(path.join(folder, bucketFile(bucket)));
            const map = this.durable[bucket]!;
            for (const [key, json] of JSON.parse(text) as [string, unknown][]) map.set(key, summaries.fromJSON(json));
          }
          continue;
        }
        const documents = files.filter((f) => f.endsWith('.json'));
        if (documents.length === 0) continue; // nothing stored here yet
        for (const file of documents) {
          const doc = JSON.parse(await this.fs.readFile(path.join(folder, file))) as { key: string; value: T };
          this.durable[bucketOf(doc.key)]!.set(doc.key, summaries.of(doc.key, doc.value));
        }
        rebuilt.push(...buckets);
      }
    };
    await Promise.all(Array.from({ length: SUMMARY_READERS }, worker));
    return rebuilt;
  }

  private change(key: string, entry: Entry<T, S>): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`DocumentFolder ${this.dir} is closed`));
    this.recent.set(key, entry);
    this.batch.set(key, entry);
    // Everything changed before the event loop moves on, and while the previous journal write is still being
    // synced, goes into one journal write and one sync (a group commit).
    this.batchWritten ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writeBatch());
    return this.batchWritten;
  }

  private writeBatch(): Promise<void> {
    const written = this.chain.then(async () => {
      // Taken only now: changes made while the previous write was syncing joined this batch.
      const batch = this.batch;
      this.batch = new Map();
      this.batchWritten = undefined;
      const lines =
        [...batch].map(([key, e]) => JSON.stringify(e.deleted ? { key, deleted: true } : { key, value: e.value })).join('\n') + '\n';
      const bytes = Buffer.from(lines, 'utf8');
      try {
        await appendAll(this.fs, this.journal.fd, bytes);
        // Acknowledged (resolved) only once the bytes are on disk, not merely in the page cache.
        await this.fs.fdatasync(this.journal.fd);
        for (const [key, entry] of batch) this.acknowledged(key, entry);
      } catch (err) {
        // Nothing is acknowledged. After a failed write or sync the file's state is unknown (Linux may drop the
        // unwritten pages and report success on the next sync), so later changes go to a new journal.
        this.journalBytes += bytes.length;
        await this.rotate().catch(() => undefined);
        throw err;
      }
      if (this.journalBytes === 0) this.ageTimer = setTimeout(() => this.rotateWhenIdle(), this.journalMaxAgeMs).unref();
      this.journalBytes += bytes.length;
      if (this.journalBytes >= this.journalLimit) await this.rotate();
    });
    this.chain = written.catch(() => undefined);
    return written;
  }

  /** The age limit, between journal writes. */
  private rotateWhenIdle(): void {
    if (this.closed) return;
    this.chain = this.chain.then(() => (this.journalBytes > 0 ? this.rotate() : undefined)).catch(() => undefined);
  }

  /** Starts a new journal and writes the old one's changes into the documents in the background. */
  private async rotate(): Promise<void> {
    clearTimeout(this.ageTimer);
    const old = this.journal;
    this.journal = await openJournal(this.fs, this.dir, old.seq + 1);
    this.journalBytes = 0;
    await this.fs.close(old.fd);
    const journalDir = path.join(this.dir, 'journal');
    this.compacting = this.compacting
      // What is not in the documents when this compaction starts (the old journal's changes, and maybe newer
      // ones): taken then, not now, so a burst of rotations does not write the same keys once per rotation.
      .then(() => this.writeDocuments(new Map(this.recent)))
      // Only once the documents are on disk may the journal that still holds their changes go.
      .then(() => this.fs.unlink(journalFile(this.dir, old.seq)))
      .then(() => this.fs.syncDir(journalDir))
      // A failed compaction leaves its journal in place: the next open replays it.
      .catch(() => undefined);
  }

  /**
   * Applies changes to the documents durably: each document's temp file is synced before it is renamed over
   * the old one, and every folder a rename or removal touched is synced before this resolves. Then forgets
   * the changes not made again meanwhile (reads find them in the documents).
   */
  private async writeDocuments(changed: Map<string, Entry<T, S>>, summarised: number[] = []): Promise<void> {
    const queue = [...changed];
    const touched = new Set<string>();
    const done: [string, Entry<T, S>][] = [];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [key, entry] = next;
        const file = this.fileOf(key);
        touched.add(path.dirname(file));
        if (entry.deleted)
          await this.fs.unlink(file).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ENOENT') throw err;
          });
        else await this.writeDocument(file, JSON.stringify({ key, value: entry.value }));
        done.push(next);
      }
    };
    await Promise.all(Array.from({ length: COMPACTION_WRITERS }, worker));
    if (this.summaries) {
      // Each touched shard's summaries, as acknowledged now (at least as new as the documents just written).
      const buckets = new Set([...changed.keys()].map(bucketOf).concat(summarised));
      const summaries = this.summaries;
      const writeBucket = async (bucket: number): Promise<void> => {
        const folder = path.join(this.dir, shardName(bucket >> 4));
        const pairs = [...this.durable[bucket]!].map(([key, summary]) => [key, summaries.toJSON(summary)]);
        await this.writeDocument(path.join(folder, bucketFile(bucket)), JSON.stringify(pairs));
        touched.add(folder);
      };
      const pending = [...buckets];
      await Promise.all(
        Array.from({ length: SUMMARY_READERS }, async () => {
          for (let bucket = pending.shift(); bucket !== undefined; bucket = pending.shift()) await writeBucket(bucket);
        }),
      );
      // A shard's marker once its buckets are all written: until then an open summarises it from its documents.
      const shards = new Set([...buckets].map((bucket) => bucket >> 4));
      for (const shard of shards) {
        if (this.summarisedShards.has(shard)) continue;
        await this.writeDocument(path.join(this.dir, shardName(shard), SHARD_MARKER), '');
        this.summarisedShards.add(shard);
      }
    }
    await Promise.all([...touched].map((dir) => this.fs.syncDir(dir)));
    for (const [key, entry] of done) if (this.recent.get(key) === entry) this.recent.delete(key);
  }

  /** A temp file beside the document (never read: not *.json), synced, then renamed over it: always whole. */
  private async writeDocument(file: string, text: string): Promise<void> {
    const temp = `${file}.tmp`;
    const fd = await this.fs.open(temp, 'w');
    try {
      await appendAll(this.fs, fd, Buffer.from(text, 'utf8'));
      await this.fs.fdatasync(fd);
    } finally {
      await this.fs.close(fd);
    }
    await this.fs.rename(temp, file);
  }

  private fileOf(key: string): string {
    const hash = createHash('sha1').update(key).digest('hex');
    return path.join(this.dir, hash.slice(0, 2), `${hash}.json`);
  }
}

/** A key's summaries bucket: the first 12 bits of its SHA-1 (its shard, as in fileOf(), is the first 8). */
function bucketOf(key: string): number {
  const digest = createHash('sha1').update(key).digest();
  return (digest[0]! << 4) | (digest[1]! >> 4);
}

const shardName = (shard: number): string => shard.toString(16).padStart(2, '0');

function journalFile(dir: string, seq: number): string {
  return path.join(dir, 'journal', `${String(seq).padStart(8, '0')}.jsonl`);
}

/** A journal file open for appending, by plain file descriptor (see StoreFileSystem). */
interface Journal {
  fd: number;
  seq: number;
}

/** A new journal, its name synced into the folder: synced bytes in a file the folder forgot would be lost. */
async function openJournal(fs: StoreFileSystem, dir: string, seq: number): Promise<Journal> {
  const fd = await fs.open(journalFile(dir, seq), 'a');
  await fs.syncDir(path.join(dir, 'journal'));
  return { fd, seq };
}

/** write() may take less than it was given (a full disk, a signal): loop until every byte is in. */
async function appendAll(fs: StoreFileSystem, fd: number, bytes: Buffer): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await fs.write(fd, bytes, done, bytes.length - done);
}

async function listJournals(fs: StoreFileSystem, dir: string): Promise<{ file: string; seq: number }[]> {
  const names = (await fs.readdir(path.join(dir, 'journal'))).filter((n) => /^\d{8}\.jsonl$/.test(n)).sort();
  return names.map((n) => ({ file: path.join(dir, 'journal', n), seq: Number(n.slice(0, 8)) }));
}
