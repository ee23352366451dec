import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentFolder } from '../src/stores/embedded/documentFolder.js';
import { tempDir } from './helpers/botHarness.js';

const journalsOf = (dir: string): string[] => fs.readdirSync(path.join(dir, 'journal')).sort();
const documentsOf = (dir: string): { key: string; value: unknown }[] =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => JSON.parse(fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')) as { key: string; value: unknown });
const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !done(); i += 1) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
};

describe('DocumentFolder (journal in front of one document per key)', () => {
  it('reads its own changes at once, and a put is in the journal when it resolves', async () => {
    const dir = tempDir('docs-');
    const folder = await DocumentFolder.open<{ n: number }>(dir);
    const put = folder.put('a', { n: 1 });
    expect(await folder.get('a')).toEqual({ n: 1 });
    await put;
    const [journal] = journalsOf(dir);
    expect(fs.readFileSync(path.join(dir, 'journal', journal!), 'utf8')).toBe('{"key":"a","value":{"n":1}}\n');
    await folder.close();
  });

  it('writes everything changed in one event-loop turn as one journal append, the latest value per key', async () => {
    const dir = tempDir('docs-');
    const folder = await DocumentFolder.open<number>(dir);
    const writes = [folder.put('a', 1), folder.put('b', 2), folder.put('a', 3), folder.delete('b')];
    expect(new Set(writes).size).toBe(1); // one shared promise: one write
    await Promise.all(writes);
    const lines = fs
      .readFileSync(path.join(dir, 'journal', journalsOf(dir)[0]!), 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { key: 'a', value: 3 },
      { key: 'b', deleted: true },
    ]);
    await folder.close();
  });

  it('after a crash (never closed), the next open replays the journal into the documents and removes it', async () => {
    const dir = tempDir('docs-');
    const crashed = await DocumentFolder.open<string>(dir);
    await crashed.put('kept', 'v1');
    await crashed.put('gone', 'x');
    await crashed.put('kept', 'v2');
    await crashed.delete('gone');
    const reopened = await DocumentFolder.open<string>(dir);
    expect(await reopened.get('kept')).toBe('v2');
    expect(await reopened.get('gone')).toBeUndefined();
    expect(documentsOf(dir)).toEqual([{ key: 'kept', value: 'v2' }]);
    expect(journalsOf(dir)).toHaveLength(1); // only the new, empty one
    expect([...(await reopened.loadAll())]).toEqual([['kept', 'v2']]);
    await reopened.close();
  });

  it('ignores a torn last line (a machine crash mid-write) and names the file and line of damage elsewhere', async () => {
    const dir = tempDir('docs-');
    fs.mkdirSync(path.join(dir, 'journal'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'journal', '00000001.jsonl'), '{"key":"a","value":1}\n{"key":"b","val');
    const folder = await DocumentFolder.open<number>(dir);
    expect([await folder.get('a'), await folder.get('b')]).toEqual([1, undefined]);
    await folder.close();

    const damaged = tempDir('docs-');
    fs.mkdirSync(path.join(damaged, 'journal'), { recursive: true });
    fs.writeFileSync(path.join(damaged, 'journal', '00000003.jsonl'), '{"key":"a","value":1}\nnot json\n{"key":"b","value":2}\n');
    await expect(DocumentFolder.open(damaged)).rejects.toThrow(/00000003\.jsonl, line 2/);
  });

  it('past the journal limit, writes the changes into the documents in the background and drops that journal', async () => {
    const dir = tempDir('docs-');
    const folder = await DocumentFolder.open<string>(dir, { journalLimit: 4_096 });
    const big = 'x'.repeat(1_000);
    for (let round = 0; round < 3; round += 1) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => folder.put(`k${i}`, `${round}${big}`)));
    }
    // Each round passed the limit: its journal was compacted away, the documents hold the last round.
    await until(() => journalsOf(dir).length === 1 && documentsOf(dir).filter((d) => String(d.value).startsWith('2')).length === 10);
    expect(journalsOf(dir)).toEqual(['00000004.jsonl']);
    // A delete below the limit stays in the journal; reads see it, the document goes at the next compaction.
    await folder.delete('k9');
    expect(await folder.get('k9')).toBeUndefined();
    expect(await folder.get('k3')).toBe(`2${big}`);
    expect(documentsOf(dir)).toHaveLength(10);
    await folder.close();
    const again = await DocumentFolder.open<string>(dir);
    expect((await again.loadAll()).size).toBe(9);
    expect(documentsOf(dir)).toHaveLength(9);
    await again.close();
  });

  it('compacts a journal at the latest journalMaxAgeMs after its first change, so old versions do not linger', async () => {
    const dir = tempDir('docs-');
    const folder = await DocumentFolder.open<string>(dir, { journalMaxAgeMs: 100 });
    await folder.put('answer', 'my code is 482193');
    await folder.put('answer', 'my code is [code]');
    await until(() => journalsOf(dir).length === 1 && documentsOf(dir).length === 1);
    const everything = fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
      .join('\n');
    expect(everything).not.toContain('482193');
    expect(documentsOf(dir)).toEqual([{ key: 'answer', value: 'my code is [code]' }]);
    await folder.close();
  });

  it('refuses changes once closed', async () => {
    const folder = await DocumentFolder.open<number>(tempDir('docs-'));
    await folder.close();
    await expect(folder.put('a', 1)).rejects.toThrow(/closed/);
  });
});
