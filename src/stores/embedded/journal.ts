import { readFile } from 'node:fs/promises';

/** One journal line: the key's new value, or its removal. */
type Line<T> = { key: string; value: T } | { key: string; deleted: true };

/**
 * The changes in one journal file, the last per key winning. Each journal write is whole lines, so only the
 * very end of a file can be cut short (a crash of the machine in mid-write): that line is ignored, since its
 * write never completed and nobody was told it had. A bad line anywhere else is damage the operator must see.
 */
export async function readJournal<T>(
  file: string,
  read: (file: string) => Promise<string> = (f) => readFile(f, 'utf8'),
): Promise<Map<string, { value?: T; deleted?: true }>> {
  const changes = new Map<string, { value?: T; deleted?: true }>();
  const lines = (await read(file)).split('\n');
  const last = lines.length - 1;
  lines.forEach((text, i) => {
    if (text === '') return;
    let line: Line<T>;
    try {
      line = JSON.parse(text) as Line<T>;
      if (typeof line.key !== 'string') throw new Error('no key');
    } catch (err) {
      if (i === last) return;
      throw new Error(`Store journal ${file}, line ${i + 1}: ${(err as Error).message}`, { cause: err });
    }
    changes.set(line.key, 'deleted' in line ? { deleted: true } : { value: line.value });
  });
  return changes;
}
