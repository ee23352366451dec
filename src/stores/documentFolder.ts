import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { TextFile } from 'lowdb/node';

/**
 * A folder of small JSON documents, one per key, for the embedded store. Writing one conversation costs the
 * same whether the folder holds a thousand conversations or a hundred thousand (lowdb's single-file stores
 * rewrite everything on every write). Each file is written by lowdb's TextFile (steno): a temp file renamed
 * over the old one, so a crash leaves the old or the new document, never a torn one; writes to one key that
 * pile up while one is in flight are coalesced into the newest.
 *
 * Files live in 256 sub-folders by hash so no directory grows huge; the key is kept inside the document,
 * since the file name is a hash.
 */
export class DocumentFolder<T> {
  /** One steno writer per file while writes are in flight: two writers on one file would share a temp file. */
  private readonly writers = new Map<string, { file: TextFile; inFlight: number }>();
  /** The latest operation per key, so a delete waits for earlier writes and a write for an earlier delete. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly deletes = new Map<string, Promise<void>>();

  private constructor(readonly dir: string) {}

  static async open<T>(dir: string): Promise<DocumentFolder<T>> {
    // All shard folders up front: writes then never wait on mkdir, which would break their order.
    await Promise.all(Array.from({ length: 256 }, (_, i) => mkdir(path.join(dir, i.toString(16).padStart(2, '0')), { recursive: true })));
    return new DocumentFolder<T>(dir);
  }

  async get(key: string): Promise<T | undefined> {
    await this.deletes.get(key);
    try {
      return (JSON.parse(await readFile(this.fileOf(key), 'utf8')) as { key: string; value: T }).value;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Resolves once this value (or a newer one for the same key) is on disk. */
  put(key: string, value: T): Promise<void> {
    const text = JSON.stringify({ key, value });
    const pendingDelete = this.deletes.get(key);
    const write = pendingDelete ? pendingDelete.then(() => this.write(key, text)) : this.write(key, text);
    return this.track(key, write);
  }

  delete(key: string): Promise<void> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const removal = before
      .catch(() => undefined)
      .then(() => unlink(this.fileOf(key)))
      .catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    this.deletes.set(key, removal);
    void removal.finally(() => {
      if (this.deletes.get(key) === removal) this.deletes.delete(key);
    });
    return this.track(key, removal);
  }

  /** Every document, read in parallel per shard (start-up only). */
  async loadAll(): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    for (const shard of (await readdir(this.dir)).filter((s) => /^[0-9a-f]{2}$/.test(s))) {
      const files = (await readdir(path.join(this.dir, shard))).filter((f) => f.endsWith('.json'));
      const docs = await Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(this.dir, shard, f), 'utf8')) as { key: string; value: T }));
      for (const doc of docs) found.set(doc.key, doc.value);
    }
    return found;
  }

  private async write(key: string, text: string): Promise<void> {
    const path_ = this.fileOf(key);
    let writer = this.writers.get(path_);
    if (!writer) {
      writer = { file: new TextFile(path_), inFlight: 0 };
      this.writers.set(path_, writer);
    }
    writer.inFlight += 1;
    try {
      // steno keeps only the newest pending text while a write is in flight: bursts cost two writes, not N.
      await writer.file.write(text);
    } finally {
      writer.inFlight -= 1;
      if (writer.inFlight === 0) this.writers.delete(path_);
    }
  }

  private track(key: string, op: Promise<void>): Promise<void> {
    const tail = Promise.allSettled([this.tails.get(key), op]).then(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return op;
  }

  private fileOf(key: string): string {
    const hash = createHash('sha1').update(key).digest('hex');
    return path.join(this.dir, hash.slice(0, 2), `${hash}.json`);
  }
}
