import type { Storage, StoreItem } from 'botbuilder';
import { describe, expect, it } from 'vitest';

/**
 * What every Bot Framework `Storage` of ours must do (lowdb and PostgreSQL run the same suite). `open` returns
 * an empty storage; `reopen` a new object over the same data (a restart); `peer` another object over the same
 * data used at the same time (a second bot instance). Without `peer` the races run on one object.
 */
export interface StorageFactory {
  open(): Promise<Storage>;
  reopen?(storage: Storage): Promise<Storage>;
  peer?(storage: Storage): Promise<Storage>;
}

const KEY = 'webchat/conversations/c-1/';
const CONFLICT = /eTag conflict/;

async function eTagOf(storage: Storage, key: string): Promise<string> {
  const eTag = (await storage.read([key]))[key]?.eTag;
  if (typeof eTag !== 'string') throw new Error(`no eTag stored for ${key}`);
  return eTag;
}

async function valueOf(storage: Storage, key: string): Promise<StoreItem | undefined> {
  return (await storage.read([key]))[key];
}

export function storageContract(name: string, factory: StorageFactory): void {
  describe(`Storage contract: ${name}`, () => {
    it('reads what was written, with a fresh string eTag, as a copy; missing keys are left out', async () => {
      const storage = await factory.open();
      expect(await storage.read([])).toEqual({});
      expect(await storage.read(['nope'])).toEqual({});
      const state = { dialogState: { dialogStack: [{ id: 'main', state: { n: 1, list: ['a', 'b'], nested: { ok: true, none: null } } }] } };
      await storage.write({ [KEY]: { ...state, eTag: '*' } });
      const got = await storage.read([KEY, 'missing']);
      expect(Object.keys(got)).toEqual([KEY]);
      const { eTag, ...rest } = got[KEY]!;
      expect(rest).toEqual(state);
      expect(typeof eTag).toBe('string');
      expect(eTag).not.toBe('*');
      (got[KEY]!.dialogState as typeof state.dialogState).dialogStack[0]!.state.n = 99;
      expect(((await valueOf(storage, KEY))!.dialogState as typeof state.dialogState).dialogStack[0]!.state.n).toBe(1);
    });

    it('every write gets a new eTag; the current one writes, a stale one is refused and changes nothing; "*" or none overwrites', async () => {
      const storage = await factory.open();
      await storage.write({ [KEY]: { v: 1 } });
      const first = await eTagOf(storage, KEY);
      await storage.write({ [KEY]: { v: 2, eTag: first } });
      const second = await eTagOf(storage, KEY);
      expect(second).not.toBe(first);
      await expect(storage.write({ [KEY]: { v: 3, eTag: first } })).rejects.toThrow(CONFLICT);
      expect(await valueOf(storage, KEY)).toEqual({ v: 2, eTag: second });
      await storage.write({ [KEY]: { v: 4, eTag: '*' } });
      expect((await valueOf(storage, KEY))?.v).toBe(4);
      await storage.write({ [KEY]: { v: 5 } });
      expect((await valueOf(storage, KEY))?.v).toBe(5);
      // An eTag for a key nobody stored yet is no conflict (MemoryStorage behaves the same).
      await storage.write({ fresh: { v: 1, eTag: '17' } });
      expect((await valueOf(storage, 'fresh'))?.v).toBe(1);
    });

    it('delete removes keys (missing ones are fine) and a deleted key can be written again', async () => {
      const storage = await factory.open();
      await storage.write({ a: { v: 1 }, b: { v: 1 } });
      await storage.delete(['a', 'never-there']);
      await storage.delete([]);
      expect(Object.keys(await storage.read(['a', 'b']))).toEqual(['b']);
      await storage.write({ a: { v: 2 } });
      expect((await valueOf(storage, 'a'))?.v).toBe(2);
    });

    it('a write of several keys with one stale eTag writes none of them', async () => {
      const storage = await factory.open();
      await storage.write({ a: { v: 1 }, b: { v: 1 } });
      const a = await eTagOf(storage, 'a');
      const staleB = await eTagOf(storage, 'b');
      await storage.write({ b: { v: 2 } }); // b's eTag moves on
      await expect(storage.write({ a: { v: 3, eTag: a }, b: { v: 3, eTag: staleB } })).rejects.toThrow(CONFLICT);
      expect((await valueOf(storage, 'a'))?.v).toBe(1);
      expect((await valueOf(storage, 'b'))?.v).toBe(2);
    });

    it(`two writers holding the same eTag${factory.peer ? ' on two instances' : ''}: exactly one is stored, the other refused`, async () => {
      const storage = await factory.open();
      const other = factory.peer ? await factory.peer(storage) : storage;
      await storage.write({ [KEY]: { who: 'nobody' } });
      for (let round = 0; round < 5; round += 1) {
        const eTag = await eTagOf(storage, KEY);
        const results = await Promise.allSettled([
          storage.write({ [KEY]: { who: `a${round}`, eTag } }),
          other.write({ [KEY]: { who: `b${round}`, eTag } }),
        ]);
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i === 0 ? `a${round}` : `b${round}`] : []));
        const refused = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
        expect(won).toHaveLength(1);
        expect(refused).toEqual([expect.stringMatching(CONFLICT)]);
        expect((await valueOf(other, KEY))?.who).toBe(won[0]);
        expect((await valueOf(storage, KEY))?.who).toBe(won[0]);
      }
    });

    it('keys are opaque strings: channel ids with punctuation, unicode, prototype names, long keys', async () => {
      const storage = await factory.open();
      const keys = [
        'msteams/conversations/19:abc@thread.v2;messageid=17/',
        'webchat/conversations/ünï 😀/',
        '__proto__',
        'constructor',
        `long/${'x'.repeat(600)}`,
      ];
      for (const [i, key] of keys.entries()) await storage.write({ [key]: { i } });
      const got = await storage.read(keys);
      expect(keys.map((k) => Object.hasOwn(got, k) && got[k]!.i)).toEqual(keys.map((_k, i) => i));
    });

    it('text comes back exactly as written: NUL, lone surrogates and U+FDD0 in keys, values and property names', async () => {
      const storage = await factory.open();
      const odd = 'nul\u0000 half\ud800 other\udc00 nonchar\uFDD0 esc\uFDD00000 \uFFFD';
      const keys = [`webchat/conversations/${odd}/`, 'webchat/conversations/nul\uFFFD /', 'webchat/conversations/nul /'];
      const state = { text: odd, list: [odd, '\u0000'], [odd]: { nested: odd } };
      for (const [i, key] of keys.entries()) await storage.write({ [key]: { ...state, i } });
      const check = async (s: Storage): Promise<void> => {
        const got = await s.read(keys);
        // distinct keys stay distinct: none collapses into another
        expect(keys.map((k) => got[k]?.i)).toEqual([0, 1, 2]);
        const { eTag: _eTag, ...rest } = got[keys[0]!]!;
        expect(rest).toEqual({ ...state, i: 0 });
      };
      await check(storage);
      if (factory.reopen) await check(await factory.reopen(storage));
      await storage.delete([keys[0]!]);
      expect(Object.keys(await storage.read(keys))).toEqual(keys.slice(1));
    });

    it.runIf(factory.reopen !== undefined)(
      'persists: a reopened storage has the items and eTags, and still refuses a stale eTag',
      async () => {
        const storage = await factory.open();
        await storage.write({ [KEY]: { v: 1 } });
        const stale = await eTagOf(storage, KEY);
        await storage.write({ [KEY]: { v: 2, eTag: stale } });
        const again = await factory.reopen!(storage);
        expect((await valueOf(again, KEY))?.v).toBe(2);
        await expect(again.write({ [KEY]: { v: 3, eTag: stale } })).rejects.toThrow(CONFLICT);
        await again.write({ [KEY]: { v: 3, eTag: await eTagOf(again, KEY) } });
        expect((await valueOf(again, KEY))?.v).toBe(3);
      },
    );
  });
}
