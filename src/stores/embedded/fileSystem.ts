import { close, fdatasync, fsync, mkdir, open, readFile, readdir, rename, unlink, write } from 'node:fs';
import { promisify } from 'node:util';

/**
 * The file operations the embedded store makes, as a seam: tests pass a recording fake to prove the order
 * (journal bytes synced before a change is acknowledged, documents synced before their journal goes), and
 * STORE_FSYNC=off passes one whose syncs do nothing. File descriptors rather than FileHandles: a FileHandle
 * left open by a folder nobody closed (tests open many) is closed by the garbage collector with a warning,
 * and later Node versions throw.
 */
export interface StoreFileSystem {
  open(file: string, flags: 'a' | 'w'): Promise<number>;
  /** Bytes written, which may be fewer than asked (a full disk, a signal). */
  write(fd: number, bytes: Buffer, offset: number, length: number): Promise<number>;
  /** The file's data (and the size needed to read it back) on disk, not only in the page cache. */
  fdatasync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  /** The directory's entries (files created, renamed or removed in it) on disk. */
  syncDir(dir: string): Promise<void>;
  readFile(file: string): Promise<string>;
  readdir(dir: string): Promise<string[]>;
  mkdir(dir: string): Promise<void>;
}

const p = {
  open: promisify(open),
  write: promisify(write),
  fdatasync: promisify(fdatasync),
  fsync: promisify(fsync),
  close: promisify(close),
  rename: promisify(rename),
  unlink: promisify(unlink),
  readFile: promisify(readFile),
  readdir: promisify(readdir),
  mkdir: promisify(mkdir),
};

export const nodeFileSystem: StoreFileSystem = {
  open: (file, flags) => p.open(file, flags),
  write: async (fd, bytes, offset, length) => (await p.write(fd, bytes, offset, length)).bytesWritten,
  fdatasync: (fd) => p.fdatasync(fd),
  close: (fd) => p.close(fd),
  rename: (from, to) => p.rename(from, to),
  unlink: (file) => p.unlink(file),
  async syncDir(dir) {
    // Windows cannot open a directory for fsync; NTFS journals its directory changes itself.
    if (process.platform === 'win32') return;
    const fd = await p.open(dir, 'r');
    try {
      await p.fsync(fd);
    } finally {
      await p.close(fd);
    }
  },
  readFile: (file) => p.readFile(file, 'utf8'),
  readdir: (dir) => p.readdir(dir),
  mkdir: async (dir) => void (await p.mkdir(dir, { recursive: true })),
};

/**
 * STORE_FSYNC=off: the same writes without waiting for the disk. Unsafe: an operating-system crash or power
 * loss can lose acknowledged changes (a crash of the process alone still cannot). For benchmarks and tests.
 */
export function withoutSync(fs: StoreFileSystem): StoreFileSystem {
  return {
    open: (file, flags) => fs.open(file, flags),
    write: (fd, bytes, offset, length) => fs.write(fd, bytes, offset, length),
    fdatasync: async () => undefined,
    close: (fd) => fs.close(fd),
    rename: (from, to) => fs.rename(from, to),
    unlink: (file) => fs.unlink(file),
    syncDir: async () => undefined,
    readFile: (file) => fs.readFile(file),
    readdir: (dir) => fs.readdir(dir),
    mkdir: (dir) => fs.mkdir(dir),
  };
}
