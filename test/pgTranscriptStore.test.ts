import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PgDatabase } from '../src/stores/postgres/database.js';
import { EmbeddedTranscriptStore } from '../src/stores/embedded/transcriptStore.js';
import { PgTranscriptStore } from '../src/stores/postgres/transcriptStore.js';
import { MAX_TERMS_PER_CONVERSATION } from '../src/stores/postgres/searchTerms.js';
import type { ConversationFilter, ConversationOutcome, TranscriptStore } from '../src/transcripts/types.js';
import type { Outcome } from '../src/tree/types.js';
import { tempDir } from './helpers/botHarness.js';
import { SKIP_PG, TestSchema } from './helpers/pg.js';

const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const who = (id: string) => ({ conversationId: id, channelId: 'webchat', userId: `${id}@contoso.com` });
const ALL = { offset: 0, limit: 500 };

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BRANCHES = ['no-code', 'lost-phone', 'new-phone', null];
const NODES = ['main-menu', 'no-code', 'nc-check', 'nc-notify', 'lost-phone', 'lp-backup', 'escalate'];
const OUTCOMES: Outcome[] = ['resolved', 'escalated', 'abandoned', 'cancelled'];
// Short words only: the embedded store's MiniSearch is fuzzy from 6 letters on, PostgreSQL is not.
const WORDS = ['code', 'phone', 'lost', 'app', 'sms', 'call', 'new', 'help', 'fail', 'token'];

/** The same random conversations into several stores, through their public methods. */
async function seedRandom(stores: TranscriptStore[], seed: number, count: number): Promise<void> {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  for (let c = 0; c < count; c += 1) {
    const id = `r${String(c).padStart(3, '0')}`;
    let minute = Math.floor(rnd() * 600);
    const ops: ((s: TranscriptStore) => Promise<void>)[] = [];
    const words = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(WORDS)).join(' ');
    const m0 = minute;
    ops.push((s) => s.log(who(id), { at: at(m0), role: 'user', type: 'message', text: words }));
    for (let k = Math.floor(rnd() * 3); k > 0; k -= 1) {
      const start = (minute += 1 + Math.floor(rnd() * 20));
      const end = (minute += Math.floor(rnd() * 5));
      const path = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => ({ node: pick(NODES) }));
      const outcome = pick(OUTCOMES);
      const session = {
        ...who(id),
        startedAt: at(start),
        endedAt: at(end),
        branch: pick(BRANCHES),
        path,
        outcome,
        rating: rnd() < 0.5 ? 1 + Math.floor(rnd() * 5) : null,
      };
      ops.push((s) => s.record(session));
    }
    if (rnd() < 0.4) {
      const walk = { branch: pick(BRANCHES), path: [{ node: pick(NODES) }, { node: pick(NODES) }] };
      ops.push((s) => s.progress(who(id), walk, at(minute)));
    }
    for (const op of ops) for (const s of stores) await op(s);
  }
}

describe.skipIf(SKIP_PG)('PgTranscriptStore beyond the contract', () => {
  let schema: TestSchema;
  let main: PgDatabase;
  let second: PgDatabase;
  const dirs: string[] = [];

  beforeAll(async () => {
    schema = await TestSchema.create();
    [main, second] = [await schema.open(), await schema.open()];
  });
  afterAll(async () => {
    await schema?.drop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  beforeEach(() => schema.clear());

  it('agrees with the embedded store on random data: every filter, page and figure, at several instants', async () => {
    const dir = tempDir('mfa-pg-vs-lowdb-');
    dirs.push(dir);
    const lowdb = await EmbeddedTranscriptStore.open(dir);
    const pg = PgTranscriptStore.open(main);
    await seedRandom([lowdb, pg], 20260302, 80);
    const outcomes: ConversationOutcome[] = ['resolved', 'escalated', 'abandoned', 'cancelled', 'in-progress'];
    const filters: ConversationFilter[] = [
      {},
      ...outcomes.map((outcome) => ({ outcome })),
      ...BRANCHES.filter((b): b is string => b !== null).map((branch) => ({ branch })),
      ...[1, 2, 3, 4, 5].map((rating) => ({ rating })),
      { from: new Date(T0 + 200 * 60_000), to: new Date(T0 + 400 * 60_000) },
      { outcome: 'abandoned', branch: 'no-code', from: new Date(T0 + 100 * 60_000) },
      ...['code', 'pho', 'lost app', 'SMS', 'r01', 'zzz', '...'].map((text) => ({ text })),
      { text: 'help', outcome: 'resolved' },
    ];
    for (const minutes of [0, 300, 650, 2000]) {
      const now = new Date(T0 + minutes * 60_000);
      for (const filter of filters) {
        expect(await pg.search(filter, ALL, now), `${JSON.stringify(filter)} at +${minutes} min`).toEqual(
          await lowdb.search(filter, ALL, now),
        );
      }
      expect(await pg.search({}, { offset: 7, limit: 9 }, now)).toEqual(await lowdb.search({}, { offset: 7, limit: 9 }, now));
      for (const filter of [
        {},
        { outcome: 'escalated' as const },
        { outcome: 'abandoned' as const },
        { rating: 5 },
        { from: new Date(T0 + 300 * 60_000) },
      ]) {
        expect(await pg.analytics(filter, now), `analytics ${JSON.stringify(filter)} at +${minutes} min`).toEqual(
          await lowdb.analytics(filter, now),
        );
      }
    }
    expect(await pg.list()).toEqual(await lowdb.list());
    expect(await pg.get('r007', new Date(T0))).toEqual(await lowdb.get('r007', new Date(T0)));
  });

  it('logs racing from two instances get distinct, gap-free sequence numbers', async () => {
    const a = PgTranscriptStore.open(main);
    const b = PgTranscriptStore.open(second);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).log(who('race'), { at: at(i), role: i % 3 ? 'bot' : 'user', type: 'message', text: `m${i}` }),
      ),
    );
    const got = await a.get('race', new Date(T0));
    expect(got?.entries.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(got?.entries.map((e) => e.text).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`).sort());
    expect(got?.conversation).toMatchObject({ messageCount: 40, startedAt: at(0), lastActivityAt: at(39) });
  });

  it('stores text PostgreSQL cannot hold (NUL, lone surrogates) escaped, returns it as given, and finds it by its words', async () => {
    const store = PgTranscriptStore.open(main);
    const id = 'nul\u0000id';
    await store.log(
      { ...who(id), userName: 'Eve\u0000' },
      { at: at(0), role: 'user', type: 'message', text: 'bad\u0000byte and \ud800 half', buttons: ['x\udc00'] },
    );
    const got = await store.get(id, new Date(T0));
    expect(got?.entries[0]).toMatchObject({ text: 'bad\u0000byte and \ud800 half', buttons: ['x\udc00'] });
    expect(got?.conversation).toMatchObject({ conversationId: id, userName: 'Eve\u0000', preview: 'bad\u0000byte and \ud800 half' });
    expect((await store.search({ text: 'bad half' }, ALL, new Date(T0))).total).toBe(1);
    // In the table itself: the escapes (U+FDD0 and the code unit in hex), which no other string shares.
    const raw = await main.query<{ preview: string }>(
      `SELECT preview::bytea::text AS preview FROM ${main.table('transcript_conversations')}`,
    );
    expect(raw.rows[0]?.preview).toContain(Buffer.from('\uFDD00000', 'utf8').toString('hex'));
  });

  it('a conversation stops gaining search terms at the cap; its transcript stays complete; long words match by their start', async () => {
    const store = PgTranscriptStore.open(main);
    const many = Array.from({ length: MAX_TERMS_PER_CONVERSATION + 500 }, (_, i) => `w${i}`).join(' ');
    await store.log(who('big'), { at: at(0), role: 'user', type: 'message', text: many });
    await store.log(who('big'), { at: at(1), role: 'user', type: 'message', text: 'zebra' });
    const long = `${'x'.repeat(70)}yz`;
    await store.log(who('long'), { at: at(2), role: 'user', type: 'message', text: `see ${long}` });
    const find = async (text: string) => (await store.search({ text }, ALL, new Date(T0))).items.map((c) => c.conversationId);
    expect((await store.get('big'))?.entries).toHaveLength(2);
    expect(await find('w1')).toEqual(['big']);
    expect(await find('zebra')).toEqual([]);
    expect(await find('xxxxxxxxxx')).toEqual(['long']);
    expect(await find(long)).toEqual(['long']);
  });

  it('honours abandonAfterMs and refuses a negative one', async () => {
    const store = PgTranscriptStore.open(main, { abandonAfterMs: 5 * 60_000 });
    await store.log(who('quiet'), { at: at(0), role: 'user', type: 'message', text: 'hi' });
    expect((await store.get('quiet', new Date(T0 + 5 * 60_000)))?.conversation.outcome).toBe('abandoned');
    expect((await store.search({ outcome: 'abandoned' }, ALL, new Date(T0 + 5 * 60_000))).total).toBe(1);
    expect(() => PgTranscriptStore.open(main, { abandonAfterMs: -1 })).toThrow(RangeError);
  });

  it('rejects an entry whose timestamp does not parse, without storing anything', async () => {
    const store = PgTranscriptStore.open(main);
    await expect(store.log(who('when'), { at: 'yesterday', role: 'user', type: 'message', text: 'x' })).rejects.toThrow(RangeError);
    await expect(
      store.record({ ...who('when'), startedAt: at(0), endedAt: 'later', branch: null, path: [], outcome: 'resolved', rating: null }),
    ).rejects.toThrow(RangeError);
    expect(await store.get('when')).toBeUndefined();
  });
});
