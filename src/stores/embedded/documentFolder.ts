import { createHash } from 'node:crypto';
import { close as closeFd, open as openFd, write as writeFd } from 'node:fs';
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { TextFile } from 'lowdb/node';
import { readJournal } from './journal.js';

/** A key's value since the last compaction; `deleted` marks a removal not yet applied to the documents. */
interface Entry<T> {
  value?: T;
  deleted?: true;
}

/** Past this many journal bytes its changes are written into the documents and a new journal begins. */
const JOURNAL_LIMIT = 8 * 1024 * 1024;
/**
 * And at the latest this long after a journal's first change: a journal keeps every version of what it
 * holds (a ticket answer before its redaction, a dialog step since left), the documents only the latest.
 */
const JOURNAL_MAX_AGE_MS = 30_000;
/** Documents written at once during a compaction (each is a temp file and a rename). */
const COMPACTION_WRITERS = 16;

/**
 * The embedded store's folder of small JSON documents, one per key, with a write-ahead journal in front.
 *
 * lowdb keeps a whole database in one file and rewrites it on every write, so its cost grows with the store.
 * Here a change costs the same whatever the number of keys: every put or delete made in one event-loop turn is
 * appended to the journal in one write (all conversations' turns share it), and resolves once that write is
 * done, so an acknowledged change survives a crash of the process (SIGKILL). In the background, every 8 MB of
 * journal the latest value of each key changed since is written to its document (lowdb's TextFile: a temp file
 * renamed over the old one, so a document is always whole), then that journal is removed. A key changed ten
 * times between compactions costs one document write. At open, journals left by a crash are replayed into the
 * documents. Documents are not fsynced: an operating-system crash can lose the last seconds, as before.
 *
 * Documents live in 256 sub-folders by the key's hash, the key kept inside (`{ key, value }`).
 */
export class DocumentFolder<T> {
  /** Changes not yet in the documents (journaled or about to be): reads see them first. */
  private readonly recent = new Map<string, Entry<T>>();
  /** Changes waiting for the next journal write. */
  private batch = new Map<string, Entry<T>>();
  private batchWritten: Promise<void> | undefined;
  /** Journal writes and rotations, one after another. */
  private chain: Promise<void> = Promise.resolve();
  private journalBytes = 0;
  private compacting: Promise<void> = Promise.resolve();
  private ageTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly dir: string,
    private journal: Journal,
    private readonly journalLimit: number,
    private readonly journalMaxAgeMs: number,
  ) {}

  /** The limits are for tests: how much journal, or how old a one, triggers a compaction. */
  static async open<T>(
    dir: string,
    { journalLimit = JOURNAL_LIMIT, journalMaxAgeMs = JOURNAL_MAX_AGE_MS }: { journalLimit?: number; journalMaxAgeMs?: number } = {},
  ): Promise<DocumentFolder<T>> {
    // All shard folders up front: document writes then never wait on mkdir.
    await Promise.all(Array.from({ length: 256 }, (_, i) => mkdir(path.join(dir, i.toString(16).padStart(2, '0')), { recursive: true })));
    await mkdir(path.join(dir, 'journal'), { recursive: true });
    const left = await listJournals(dir);
    const folder = new DocumentFolder<T>(dir, await openJournal(dir, (left.at(-1)?.seq ?? 0) + 1), journalLimit, journalMaxAgeMs);
    // A crash may have left journals behind: their changes go into the documents before anything is read.
    for (const { file } of left) for (const [key, entry] of await readJournal<T>(file)) folder.recent.set(key, entry);
    await folder.writeDocuments(new Map(folder.recent));
    await Promise.all(left.map(({ file }) => unlink(file)));
    return folder;
  }

  async get(key: string): Promise<T | undefined> {
    const entry = this.recent.get(key);
    if (entry) return entry.value;
    try {
      return (JSON.parse(await readFile(this.fileOf(key), 'utf8')) as { key: string; value: T }).value;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * Resolves once this value (or a newer one for the same key) is in the journal. The value is serialised
   * when the journal is written, so the caller must not change it afterwards except to make it newer.
   */
  put(key: string, value: T): Promise<void> {
    return this.change(key, { value });
  }

  delete(key: string): Promise<void> {
    return this.change(key, { deleted: true });
  }

  /** Every document (start-up only: the journal was replayed into the documents at open). */
  async loadAll(): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    for (const shard of (await readdir(this.dir)).filter((s) => /^[0-9a-f]{2}$/.test(s))) {
      const files = (await readdir(path.join(this.dir, shard))).filter((f) => f.endsWith('.json'));
      const docs = await Promise.all(
        files.map(async (f) => JSON.parse(await readFile(path.join(this.dir, shard, f), 'utf8')) as { key: string; value: T }),
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
    await closeJournal(this.journal);
  }

  private change(key: string, entry: Entry<T>): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`DocumentFolder ${this.dir} is closed`));
    this.recent.set(key, entry);
    this.batch.set(key, entry);
    // Everything changed before the event loop moves on goes into one journal write.
    this.batchWritten ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writeBatch());
    return this.batchWritten;
  }

  private writeBatch(): Promise<void> {
    const batch = this.batch;
    this.batch = new Map();
    this.batchWritten = undefined;
    const lines =
      [...batch].map(([key, e]) => JSON.stringify(e.deleted ? { key, deleted: true } : { key, value: e.value })).join('\n') + '\n';
    const written = this.chain.then(async () => {
      const bytes = Buffer.from(lines, 'utf8');
      await appendAll(this.journal.fd, bytes);
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
    this.journal = await openJournal(this.dir, old.seq + 1);
    this.journalBytes = 0;
    await closeJournal(old);
    const changed = new Map(this.recent);
    this.compacting = this.compacting
      .then(() => this.writeDocuments(changed))
      .then(() => unlink(journalFile(this.dir, old.seq)))
      // A failed compaction leaves its journal in place: the next open replays it.
      .catch(() => undefined);
  }

  /** Applies changes to the documents, then forgets those not changed again meanwhile. */
  private async writeDocuments(changed: Map<string, Entry<T>>): Promise<void> {
    const queue = [...changed];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [key, entry] = next;
        if (entry.deleted)
          await unlink(this.fileOf(key)).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ENOENT') throw err;
          });
        else await new TextFile(this.fileOf(key)).write(JSON.stringify({ key, value: entry.value }));
        if (this.recent.get(key) === entry) this.recent.delete(key);
      }
    };
    await Promise.all(Array.from({ length: COMPACTION_WRITERS }, worker));
  }

  private fileOf(key: string): string {
    const hash = createHash('sha1').update(key).digest('hex');
    return path.join(this.dir, hash.slice(0, 2), `${hash}.json`);
  }
}

function journalFile(dir: string, seq: number): string {
  return path.join(dir, 'journal', `${String(seq).padStart(8, '0')}.jsonl`);
}

/**
 * A journal file open for appending, by plain file descriptor: a FileHandle left open by a folder nobody
 * closed (tests open many) is closed by the garbage collector with a warning, and later Node versions throw.
 */
interface Journal {
  fd: number;
  seq: number;
}

const open = promisify(openFd);
const write = promisify(writeFd);
const closeFile = promisify(closeFd);

async function openJournal(dir: string, seq: number): Promise<Journal> {
  return { fd: await open(journalFile(dir, seq), 'a'), seq };
}

function closeJournal(journal: Journal): Promise<void> {
  return closeFile(journal.fd);
}

/** write() may take less than it was given (a full disk, a signal): loop until every byte is in. */
async function appendAll(fd: number, bytes: Buffer): Promise<void> {
  for (let done = 0; done < bytes.length;) done += (await write(fd, bytes, done, bytes.length - done)).bytesWritten;
}

async function listJournals(dir: string): Promise<{ file: string; seq: number }[]> {
  const names = (await readdir(path.join(dir, 'journal'))).filter((n) => /^\d{8}\.jsonl$/.test(n)).sort();
  return names.map((n) => ({ file: path.join(dir, 'journal', n), seq: Number(n.slice(0, 8)) }));
}
