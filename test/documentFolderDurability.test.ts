import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentFolder } from '../src/stores/embedded/documentFolder.js';
import { nodeFileSystem, type StoreFileSystem } from '../src/stores/embedded/fileSystem.js';
import { tempDir } from './helpers/botHarness.js';

/**
 * The order of file operations that makes an acknowledged change survive power loss, proven on a file system
 * that records every call (and lets a test hold a sync back or make it fail) in front of the real one.
 */
class RecordingFs implements StoreFileSystem {
  readonly calls: string[] = [];
  private readonly names = new Map<number, string>();
  /** Set: the next fdatasync waits for this promise (and rejects if it rejects). */
  gate: Promise<void> | undefined;
  failNextSync: Error | undefined;

  constructor(private readonly root: string) {}

  private name(file: string): string {
    return path
      .relative(this.root, file)
      .split(path.sep)
      .join('/')
      .replace(/[0-9a-f]{40}/, 'DOC');
  }
  private log(call: string): void {
    this.calls.push(call);
  }

  async open(file: string, flags: 'a' | 'w'): Promise<number> {
    const fd = await nodeFileSystem.open(file, flags);
    this.names.set(fd, this.name(file));
    this.log(`open ${this.name(file)}`);
    return fd;
  }
  async write(fd: number, bytes: Buffer, offset: number, length: number): Promise<number> {
    this.log(
      `write ${this.names.get(fd)} ${bytes
        .subarray(offset, offset + length)
        .toString('utf8')
        .trim()}`,
    );
    return nodeFileSystem.write(fd, bytes, offset, length);
  }
  async fdatasync(fd: number): Promise<void> {
    this.log(`fdatasync ${this.names.get(fd)}`);
    const gate = this.gate;
    this.gate = undefined;
    if (gate) await gate;
    const failure = this.failNextSync;
    this.failNextSync = undefined;
    if (failure) throw failure;
    return nodeFileSystem.fdatasync(fd);
  }
  async close(fd: number): Promise<void> {
    this.log(`close ${this.names.get(fd)}`);
    return nodeFileSystem.close(fd);
  }
  async rename(from: string, to: string): Promise<void> {
    this.log(`rename ${this.name(from)} -> ${this.name(to)}`);
    return nodeFileSystem.rename(from, to);
  }
  async unlink(file: string): Promise<void> {
    this.log(`unlink ${this.name(file)}`);
    return nodeFileSystem.unlink(file);
  }
  async syncDir(dir: string): Promise<void> {
    this.log(`syncDir ${this.name(dir)}`);
    return nodeFileSystem.syncDir(dir);
  }
  readFile = nodeFileSystem.readFile;
  readdir = nodeFileSystem.readdir;
  mkdir = nodeFileSystem.mkdir;
}

function held(): { promise: Promise<void>; release: () => void; fail: (err: Error) => void } {
  let release!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  return { promise, release, fail };
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 20; i += 1) await new Promise((r) => setImmediate(r));
  return done;
};

const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 300 && !done(); i += 1) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
};

describe('DocumentFolder durability (fdatasync before acknowledging)', () => {
  it('a put resolves only after its journal write was fdatasync-ed', async () => {
    const dir = tempDir('durable-');
    const fs = new RecordingFs(dir);
    const folder = await DocumentFolder.open<number>(dir, { fs });
    fs.calls.length = 0;
    const sync = held();
    fs.gate = sync.promise;
    const put = folder.put('a', 1);
    await until(() => fs.calls.includes('fdatasync journal/00000001.jsonl'));
    // Written, the sync under way: not acknowledged yet.
    expect(await settled(put)).toBe(false);
    sync.release();
    await put;
    expect(fs.calls).toEqual(['write journal/00000001.jsonl {"key":"a","value":1}', 'fdatasync journal/00000001.jsonl']);
    await folder.close();
  });

  it('changes made while a sync is under way share the next write and sync (group commit)', async () => {
    const dir = tempDir('durable-');
    const fs = new RecordingFs(dir);
    const folder = await DocumentFolder.open<number>(dir, { fs });
    fs.calls.length = 0;
    const sync = held();
    fs.gate = sync.promise;
    const first = folder.put('a', 1);
    await until(() => fs.calls.length === 2);
    // Five changes, each in an event-loop turn of its own, while the first sync waits.
    const later: Promise<void>[] = [];
    for (let i = 0; i < 5; i += 1) {
      later.push(folder.put(`k${i}`, i));
      await new Promise((r) => setImmediate(r));
    }
    sync.release();
    await Promise.all([first, ...later]);
    expect(fs.calls.filter((c) => c.startsWith('write'))).toHaveLength(2);
    expect(fs.calls.filter((c) => c.startsWith('fdatasync'))).toHaveLength(2);
    expect(fs.calls[2]).toBe(`write journal/00000001.jsonl ${[0, 1, 2, 3, 4].map((i) => `{"key":"k${i}","value":${i}}`).join('\n')}`);
    await folder.close();
  });

  it('when fdatasync fails the put rejects (nothing acknowledged), and later changes go to a new journal', async () => {
    const dir = tempDir('durable-');
    const fs = new RecordingFs(dir);
    const folder = await DocumentFolder.open<string>(dir, { fs });
    fs.failNextSync = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    await expect(folder.put('a', 'lost?')).rejects.toThrow(/EIO/);
    fs.calls.length = 0;
    await folder.put('b', 'kept');
    // (the failed journal is compacted away in the background meanwhile)
    expect(fs.calls.filter((c) => c.includes('journal/00000002'))).toEqual([
      'write journal/00000002.jsonl {"key":"b","value":"kept"}',
      'fdatasync journal/00000002.jsonl',
    ]);
    await folder.close();
    const again = await DocumentFolder.open<string>(dir);
    expect(await again.get('b')).toBe('kept');
    await again.close();
  });

  it('compaction: each document synced before its rename, folders synced after, the journal removed last', async () => {
    const dir = tempDir('durable-');
    const fs = new RecordingFs(dir);
    const folder = await DocumentFolder.open<string>(dir, { fs, journalLimit: 1 });
    fs.calls.length = 0;
    await folder.put('a', 'v');
    await until(() => fs.calls.includes('syncDir journal') && fs.calls.filter((c) => c === 'syncDir journal').length === 2);
    const shard = fs.calls
      .find((c) => c.startsWith('open') && c.endsWith('.tmp'))!
      .split(' ')[1]!
      .split('/')[0];
    expect(fs.calls).toEqual([
      'write journal/00000001.jsonl {"key":"a","value":"v"}',
      'fdatasync journal/00000001.jsonl',
      // past the limit: a new journal, its name synced into the folder
      'open journal/00000002.jsonl',
      'syncDir journal',
      'close journal/00000001.jsonl',
      `open ${shard}/DOC.json.tmp`,
      `write ${shard}/DOC.json.tmp {"key":"a","value":"v"}`,
      `fdatasync ${shard}/DOC.json.tmp`,
      `close ${shard}/DOC.json.tmp`,
      `rename ${shard}/DOC.json.tmp -> ${shard}/DOC.json`,
      `syncDir ${shard}`,
      'unlink journal/00000001.jsonl',
      'syncDir journal',
    ]);
    await folder.close();
    const again = await DocumentFolder.open<string>(dir);
    expect(await again.get('a')).toBe('v');
    await again.close();
  });

  it('sync: false (STORE_FSYNC=off) writes the same but never waits for the disk', async () => {
    const dir = tempDir('durable-');
    const fs = new RecordingFs(dir);
    const folder = await DocumentFolder.open<string>(dir, { fs, sync: false, journalLimit: 1 });
    await folder.put('a', 'v');
    await folder.close();
    expect(fs.calls.filter((c) => /fdatasync|syncDir/.test(c))).toEqual([]);
    expect(fs.calls).toContain('write journal/00000001.jsonl {"key":"a","value":"v"}');
  });
});
