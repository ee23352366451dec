import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFileSystem, type StoreFileSystem } from '../src/stores/embedded/fileSystem.js';
import { EmbeddedTranscriptStore } from '../src/stores/embedded/transcriptStore.js';
import type { TranscriptStore } from '../src/transcripts/types.js';
import { filesUnder } from './helpers/files.js';
import { transcriptStoreContract } from './transcriptStore.contract.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcripts-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
const fileOf = new Map<TranscriptStore, string>();
const freshFile = (): string => path.join(dir, `store-${++counter}`, 'transcripts');

async function open(): Promise<TranscriptStore> {
  const file = freshFile();
  const store = await EmbeddedTranscriptStore.open(file);
  fileOf.set(store, file);
  return store;
}

async function reopen(store: TranscriptStore): Promise<TranscriptStore> {
  const file = fileOf.get(store);
  if (!file) throw new Error('reopen: store was not opened by this test file');
  return EmbeddedTranscriptStore.open(file);
}

transcriptStoreContract('EmbeddedTranscriptStore', open, reopen);

describe('EmbeddedTranscriptStore on disk', () => {
  const who = { conversationId: 'disk', channelId: 'webchat', userId: 'ann@contoso.com' };
  const at = '2026-03-02T10:00:00.000Z';

  it('journals every change before the call returns, and keeps one JSON document per conversation', async () => {
    const folder = freshFile();
    const store = await EmbeddedTranscriptStore.open(folder);
    await store.log(who, { at, role: 'user', type: 'message', text: 'no code' });
    await store.progress(who, { branch: 'no-code', path: [{ node: 'main-menu' }] });
    await store.log({ ...who, conversationId: 'other' }, { at, role: 'user', type: 'message', text: 'hi' });
    // Acknowledged means on disk: the journal holds the latest value of both conversations already.
    const journaled = filesUnder(path.join(folder, 'journal'))
      .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as { key: string; value: Record<string, any> });
    expect(journaled.filter((l) => l.key === 'disk').at(-1)!.value.record).toMatchObject({ walk: { branch: 'no-code' } });
    expect(journaled.some((l) => l.key === 'other')).toBe(true);
    // Reopened (as after a crash), the journal goes into the documents: exactly one file per conversation.
    await EmbeddedTranscriptStore.open(folder);
    const docs = filesUnder(folder)
      .filter((f) => !f.includes(`${path.sep}journal${path.sep}`) && f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as { key: string; value: Record<string, any> });
    expect(docs.map((d) => d.key).sort()).toEqual(['disk', 'other']);
    const onDisk = docs.find((d) => d.key === 'disk')!.value;
    expect(onDisk.entries).toEqual([{ at, role: 'user', type: 'message', text: 'no code', seq: 1 }]);
    expect(onDisk.record).toMatchObject({
      ...who,
      lastActivityAt: at,
      messageCount: 1,
      preview: 'no code',
      sessions: [],
      walk: { branch: 'no-code' },
    });
  });

  it('reopen keeps the unfinished walk, so abandonment is still detected after a restart', async () => {
    const file = freshFile();
    const first = await EmbeddedTranscriptStore.open(file);
    await first.log(who, { at, role: 'user', type: 'message', text: 'lost phone' });
    await first.progress(who, { branch: 'lost-phone', path: [{ node: 'main-menu' }, { node: 'lost-phone' }] });
    const second = await EmbeddedTranscriptStore.open(file);
    const got = await second.get('disk', new Date(Date.parse(at) + 31 * 60_000));
    expect(got?.conversation).toMatchObject({
      outcome: 'abandoned',
      branch: 'lost-phone',
      path: [{ node: 'main-menu' }, { node: 'lost-phone' }],
    });
    expect(await second.analytics({}, new Date(Date.parse(at) + 31 * 60_000))).toMatchObject([
      { branch: 'lost-phone', abandoned: 1, topDropOff: { node: 'lost-phone', count: 1 } },
    ]);
  });

  it('honours abandonAfterMs and refuses a negative one', async () => {
    const store = await EmbeddedTranscriptStore.open(freshFile(), { abandonAfterMs: 5 * 60_000 });
    await store.log(who, { at, role: 'user', type: 'message', text: 'hi' });
    expect((await store.get('disk', new Date(Date.parse(at) + 5 * 60_000)))?.conversation.outcome).toBe('abandoned');
    await expect(EmbeddedTranscriptStore.open(freshFile(), { abandonAfterMs: -1 })).rejects.toThrow(RangeError);
  });

  it('treats channel-chosen ids like "__proto__" and "constructor" as ordinary conversations', async () => {
    const file = freshFile();
    const store = await EmbeddedTranscriptStore.open(file);
    expect(await store.get('constructor')).toBeUndefined();
    for (const id of ['__proto__', 'constructor'])
      await store.log({ ...who, conversationId: id }, { at, role: 'user', type: 'message', text: `id ${id}` });
    const again = await EmbeddedTranscriptStore.open(file);
    expect((await again.search({}, { offset: 0, limit: 10 })).items.map((c) => c.conversationId).sort()).toEqual([
      '__proto__',
      'constructor',
    ]);
    expect((await again.get('__proto__'))?.entries).toHaveLength(1);
    expect(await again.delete('__proto__')).toBe(true);
  });

  it('opens from its summaries, never every document; a folder without them (an older version) is summarised once', async () => {
    const file = freshFile();
    const reads: string[] = [];
    const counting: StoreFileSystem = {
      ...nodeFileSystem,
      readFile: (f) => {
        reads.push(path.basename(f));
        return nodeFileSystem.readFile(f);
      },
    };
    const documentReads = (): number => reads.filter((f) => f.endsWith('.json')).length;
    const first = await EmbeddedTranscriptStore.open(file);
    for (let i = 0; i < 30; i += 1)
      await first.log(
        { ...who, conversationId: `c${i}` },
        { at, role: 'user', type: 'message', text: i === 17 ? 'zebra crossing' : `word${i}` },
      );
    await first.close();
    // As a version without summaries left it: documents only.
    await EmbeddedTranscriptStore.open(file).then((s) => s.close()); // replays the journal into the documents
    for (const f of filesUnder(file).filter((f) => path.basename(f).startsWith('summaries'))) fs.rmSync(f);
    const upgraded = await EmbeddedTranscriptStore.open(file, { fs: counting });
    expect(documentReads()).toBe(30);
    expect((await upgraded.search({ text: 'zebra' }, { offset: 0, limit: 10 })).items.map((c) => c.conversationId)).toEqual(['c17']);
    await upgraded.close();
    reads.length = 0;
    const again = await EmbeddedTranscriptStore.open(file, { fs: counting });
    expect(documentReads()).toBe(0);
    expect(reads.filter((f) => f.startsWith('summaries.')).length).toBeGreaterThan(0);
    const found = await again.search({ text: 'word2' }, { offset: 0, limit: 50 });
    expect(found.items.map((c) => c.conversationId).sort()).toEqual([
      'c2',
      'c20',
      'c21',
      'c22',
      'c23',
      'c24',
      'c25',
      'c26',
      'c27',
      'c28',
      'c29',
    ]);
    expect(found.items[0]).toMatchObject({ messageCount: 1, userId: who.userId });
    expect(documentReads()).toBe(0); // lists and search come from memory
    expect((await again.get('c5'))?.entries.map((e) => e.text)).toEqual(['word5']);
    expect(documentReads()).toBe(1); // the transcript itself is read on demand
    await again.close();
  });

  it('a word searched before is found in conversations that bring new words later', async () => {
    const store = await EmbeddedTranscriptStore.open(freshFile());
    const find = async (text: string) => (await store.search({ text }, { offset: 0, limit: 10 })).items.map((c) => c.conversationId);
    await store.log(who, { at, role: 'user', type: 'message', text: 'hello there' });
    expect(await find('zeta')).toEqual([]);
    expect(await find('thermometer')).toEqual([]);
    await store.log({ ...who, conversationId: 'later' }, { at, role: 'user', type: 'message', text: 'zetamax thermometre' });
    expect(await find('zeta')).toEqual(['later']);
    expect(await find('thermometer')).toEqual(['later']); // one edit away, 11 letters: fuzzy
    expect(await find('hello zeta')).toEqual([]);
  });

  it('finds any word of a conversation with thousands of words, however far apart their ids (packed word ids)', async () => {
    const file = freshFile();
    let store = await EmbeddedTranscriptStore.open(file);
    const find = async (text: string) => (await store.search({ text }, { offset: 0, limit: 10 })).items.map((c) => c.conversationId);
    const words = (from: number, to: number): string =>
      Array.from({ length: to - from }, (_, i) => `w${(from + i).toString(36)}q`).join(' ');
    // 'many' gets ids 0..4999, 'few' a handful far after them, 'other' shares only the last ones.
    await store.log({ ...who, conversationId: 'many' }, { at, role: 'user', type: 'message', text: words(0, 5000) });
    await store.log({ ...who, conversationId: 'few' }, { at, role: 'user', type: 'message', text: `early ${words(4998, 5000)} rarest` });
    await store.log({ ...who, conversationId: 'other' }, { at, role: 'user', type: 'message', text: 'rarest' });
    expect(await find(`w${(0).toString(36)}q`)).toEqual(['many']);
    expect(await find(`w${(2500).toString(36)}q`)).toEqual(['many']);
    expect((await find(`w${(4999).toString(36)}q`)).sort()).toEqual(['few', 'many']);
    expect((await find('rarest')).sort()).toEqual(['few', 'other']);
    expect(await find('early rarest')).toEqual(['few']);
    expect(await find('missingword')).toEqual([]);
    await store.close(); // reopened: the words come back from the journal (and summaries) as the same ids' words
    store = await EmbeddedTranscriptStore.open(file);
    expect((await find(`w${(4999).toString(36)}q`)).sort()).toEqual(['few', 'many']);
    expect(await find('early rarest')).toEqual(['few']);
  });

  it('rejects an entry whose timestamp does not parse, without storing it', async () => {
    const store = await EmbeddedTranscriptStore.open(freshFile());
    await expect(store.log(who, { at: 'yesterday', role: 'user', type: 'message', text: 'x' })).rejects.toThrow(RangeError);
    expect(await store.get('disk')).toBeUndefined();
  });
});
