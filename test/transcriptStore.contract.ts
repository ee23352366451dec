import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationInfo, TranscriptEntry, TranscriptStore } from '../src/transcripts/types.js';
import type { Outcome, PathEntry, SessionOutcome } from '../src/tree/types.js';

// Every store must behave the same; `open` returns an empty store with the default 30-minute abandon period,
// `reopen` (where storage outlives the object) returns a new object over the same storage.
const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const date = (minutes: number): Date => new Date(T0 + minutes * 60_000);
const at = (minutes: number): string => date(minutes).toISOString();
const H = 60;
const NOW = date(12 * H);
const ALL = { offset: 0, limit: 100 };

const info = (id: string, userId = `${id}@contoso.com`): ConversationInfo => ({ conversationId: id, channelId: 'webchat', userId });
const path = (...nodes: string[]): PathEntry[] => nodes.map((node) => ({ node }));
const user = (minute: number, text: string): Omit<TranscriptEntry, 'seq'> => ({ at: at(minute), role: 'user', type: 'message', text });
const bot = (minute: number, text: string): Omit<TranscriptEntry, 'seq'> => ({ at: at(minute), role: 'bot', type: 'message', text });
const ids = (r: { items: Array<{ conversationId: string }> }): string[] => r.items.map((c) => c.conversationId);

interface Walk {
  branch: string | null;
  nodes: string[];
  outcome: Outcome;
  rating?: number;
  ticketId?: string;
}
function session(id: string, minute: number, w: Walk, userId = `${id}@contoso.com`): SessionOutcome {
  const s: SessionOutcome = {
    conversationId: id,
    channelId: 'webchat',
    userId,
    startedAt: at(minute),
    endedAt: at(minute + 1),
    branch: w.branch,
    path: path(...w.nodes),
    outcome: w.outcome,
    rating: w.rating ?? null,
  };
  return w.ticketId ? { ...s, ticketId: w.ticketId } : s;
}

// One user message at `minute`, a bot reply 30 s later, finished walks at minute+1..+2, +3..+4, then maybe an
// unfinished walk. lastActivityAt = the last walk's end, or minute + 0.5 without walks.
interface Seed {
  id: string;
  minute: number;
  text: string;
  reply?: string;
  userId?: string;
  walks?: Walk[];
  unfinished?: { branch: string | null; nodes: string[] };
}
const SEED: Seed[] = [
  {
    id: 'c01',
    minute: 1 * H,
    text: 'Authenticator app stopped sending notifications',
    walks: [{ branch: 'no-code', nodes: ['main-menu', 'no-code', 'nc-check', 'nc-notify'], outcome: 'resolved', rating: 5 }],
  },
  {
    id: 'c02',
    minute: 2 * H,
    text: 'No verification code arrives by text message',
    reply: 'Sorry about that',
    userId: 'alice@contoso.com',
    walks: [
      {
        branch: 'no-code',
        nodes: ['main-menu', 'no-code', 'nc-check', 'escalate'],
        outcome: 'escalated',
        rating: 2,
        ticketId: 'MFA-7K3P9Q',
      },
    ],
  },
  {
    id: 'c03',
    minute: 3 * H,
    text: 'The code never arrives and I lost my phone',
    walks: [
      { branch: 'no-code', nodes: ['main-menu', 'no-code', 'nc-check'], outcome: 'abandoned' },
      { branch: 'lost-phone', nodes: ['main-menu', 'lost-phone', 'lp-backup'], outcome: 'resolved', rating: 4 },
    ],
  },
  {
    id: 'c04',
    minute: 4 * H,
    text: 'Authenticator approvals time out',
    walks: [
      {
        branch: 'no-code',
        nodes: ['main-menu', 'no-code', 'nc-check', 'nc-notify', 'escalate'],
        outcome: 'escalated',
        ticketId: 'MFA-2B4D6F',
      },
    ],
  },
  {
    id: 'c05',
    minute: 5 * H,
    text: 'Codes stopped arriving yesterday',
    unfinished: { branch: 'no-code', nodes: ['main-menu', 'no-code', 'nc-notify'] },
  },
  {
    id: 'c06',
    minute: 6 * H,
    text: 'Phone notifications are silent',
    walks: [{ branch: 'lost-phone', nodes: ['main-menu', 'lost-phone', 'lp-backup', 'lp-recovery'], outcome: 'cancelled' }],
  },
  {
    id: 'c07',
    minute: 7 * H,
    text: 'I dropped my phone in the lake',
    userId: 'alice@contoso.com',
    walks: [{ branch: 'lost-phone', nodes: ['main-menu', 'lost-phone', 'escalate'], outcome: 'escalated', rating: 1 }],
  },
  {
    id: 'c08',
    minute: 11 * H + 50,
    text: 'New phone, lost the old one',
    unfinished: { branch: 'lost-phone', nodes: ['main-menu', 'lost-phone'] },
  },
  { id: 'c09', minute: 9 * H, text: 'menu', walks: [{ branch: null, nodes: ['main-menu'], outcome: 'cancelled' }] },
  {
    id: 'c10',
    minute: 10 * H,
    text: 'Setting up my new phone',
    walks: [{ branch: 'new-phone', nodes: ['escalate'], outcome: 'escalated', rating: 3 }],
  },
  {
    id: 'c11',
    minute: 11 * H,
    text: 'Sign-in keeps looping',
    walks: [{ branch: 'sign-in-loop', nodes: ['main-menu', 'sign-in-loop', 'sl-cookies'], outcome: 'resolved' }],
  },
];
// Derived at NOW: c05 quiet 7 h -> abandoned; c08 quiet 9.5 min -> in-progress. Newest activity first:
const NEWEST_FIRST = ['c08', 'c11', 'c10', 'c09', 'c07', 'c06', 'c05', 'c04', 'c03', 'c02', 'c01'];

async function seed(store: TranscriptStore): Promise<void> {
  for (const s of SEED) {
    const who = info(s.id, s.userId);
    await store.log(who, user(s.minute, s.text));
    await store.log(who, bot(s.minute + 0.5, s.reply ?? 'Let us get you back in'));
    for (const [k, w] of (s.walks ?? []).entries()) await store.record(session(s.id, s.minute + 1 + 2 * k, w, who.userId));
    if (s.unfinished) await store.progress(who, { branch: s.unfinished.branch, path: path(...s.unfinished.nodes) });
  }
}

export function transcriptStoreContract(
  name: string,
  open: () => Promise<TranscriptStore>,
  reopen?: (store: TranscriptStore) => Promise<TranscriptStore>,
): void {
  describe(`TranscriptStore contract: ${name}`, () => {
    it('log + get: per-conversation seq, order, message count, preview from the first user message', async () => {
      const store = await open();
      const long = 'I cannot sign in because ' + 'the code never comes '.repeat(8);
      const who = { ...info('solo'), userName: 'Alice' };
      await store.log(who, { at: at(0), role: 'bot', type: 'message', text: 'What is going on?', buttons: ['No code', 'Lost phone'] });
      await store.log(who, user(1, long));
      await store.log(who, { at: at(2), role: 'bot', type: 'event', name: 'handoff' });
      await store.log(who, user(3, 'second message'));
      await store.log(info('other'), user(5, 'hello'));
      const got = await store.get('solo', date(4));
      expect(got?.entries.map((e) => [e.seq, e.at])).toEqual([
        [1, at(0)],
        [2, at(1)],
        [3, at(2)],
        [4, at(3)],
      ]);
      expect(got?.entries[0]).toEqual({
        seq: 1,
        at: at(0),
        role: 'bot',
        type: 'message',
        text: 'What is going on?',
        buttons: ['No code', 'Lost phone'],
      });
      expect(got?.conversation).toEqual({
        conversationId: 'solo',
        channelId: 'webchat',
        userId: 'solo@contoso.com',
        userName: 'Alice',
        startedAt: at(0),
        lastActivityAt: at(3),
        messageCount: 3, // the event is not a message
        preview: `${long.slice(0, 119)}…`,
        outcome: 'in-progress',
        branch: null,
        path: [],
        rating: null,
        ticketId: null,
        sessions: [],
      });
      expect(got?.conversation.preview).toHaveLength(120);
      expect((await store.get('other'))?.entries[0]?.seq).toBe(1);
      expect(await store.get('missing')).toBeUndefined();
      expect([await store.has('solo'), await store.has('other'), await store.has('missing')]).toEqual([true, true, false]);
      got?.entries[0]?.buttons?.push('tampered'); // copies out: callers cannot edit the store
      expect((await store.get('solo'))?.entries[0]?.buttons).toEqual(['No code', 'Lost phone']);
    });

    it('record/list: sessions across conversations oldest first; record creates the conversation', async () => {
      const store = await open();
      const b1 = session('b', 20, {
        branch: 'lost-phone',
        nodes: ['main-menu', 'lost-phone'],
        outcome: 'escalated',
        ticketId: 'MFA-XYZ234',
      });
      const a1 = session('a', 10, { branch: 'no-code', nodes: ['main-menu', 'no-code'], outcome: 'resolved', rating: 4 });
      const a2 = session('a', 30, { branch: null, nodes: ['main-menu'], outcome: 'cancelled' });
      for (const s of [b1, a1, a2]) await store.record(s);
      expect(await store.list()).toEqual([a1, b1, a2]);
      expect(await store.list({ conversationId: 'a' })).toEqual([a1, a2]);
      expect(await store.list({ conversationId: 'zzz' })).toEqual([]);
      const b = (await store.get('b', date(21)))?.conversation;
      expect(b).toMatchObject({
        channelId: 'webchat',
        userId: 'b@contoso.com',
        startedAt: at(20),
        lastActivityAt: at(21),
        messageCount: 0,
        preview: '',
      });
      expect(b).toMatchObject({ outcome: 'escalated', branch: 'lost-phone', ticketId: 'MFA-XYZ234', rating: null, sessions: [b1] });
      expect((await store.get('a', date(31)))?.conversation).toMatchObject({ outcome: 'cancelled', branch: null, sessions: [a1, a2] });
    });

    it('rateTicket: the rating after an agent resolved reaches the walk that ended in that ticket, and the figures', async () => {
      const store = await open();
      const escalated = session('r', 10, {
        branch: 'lost-phone',
        nodes: ['main-menu', 'lost-phone'],
        outcome: 'escalated',
        ticketId: 'MFA-RATE23',
      });
      const later = session('r', 30, { branch: 'no-code', nodes: ['main-menu', 'no-code'], outcome: 'resolved', rating: 2 });
      await store.record(escalated);
      await store.rateTicket('r', 'MFA-RATE23', 5);
      expect((await store.get('r', date(11)))?.conversation).toMatchObject({
        outcome: 'escalated',
        rating: 5,
        sessions: [{ ...escalated, rating: 5 }],
      });
      await store.record(later);
      await store.rateTicket('r', 'MFA-NOPE22', 1); // no such walk: nothing changes
      await store.rateTicket('nobody', 'MFA-RATE23', 1);
      expect((await store.list({ conversationId: 'r' })).map((x) => x.rating)).toEqual([5, 2]);
      const stats = await store.analytics({}, date(31));
      expect(stats.find((x) => x.branch === 'lost-phone')).toMatchObject({ averageRating: 5, ratings: 1 });
      expect((await store.search({ rating: 5 }, { offset: 0, limit: 10 }, date(31))).total).toBe(0); // the latest walk is rated 2
    });

    it('closeTicket: an agent-resolved ticket reads resolved (by an agent), a withdrawn one cancelled; branch figures still count the escalation', async () => {
      const store = await open();
      const walk = (id: string, ticketId: string) =>
        session(id, 10, { branch: 'lost-phone', nodes: ['main-menu', 'lost-phone', 'escalate-help-desk'], outcome: 'escalated', ticketId });
      await store.record(walk('agent', 'MFA-AGNT23'));
      await store.record(walk('gone', 'MFA-GONE23'));
      await store.closeTicket('agent', 'MFA-AGNT23', 'resolved');
      await store.rateTicket('agent', 'MFA-AGNT23', 4);
      await store.closeTicket('gone', 'MFA-GONE23', 'withdrawn');
      await store.closeTicket('gone', 'MFA-NOPE22', 'resolved'); // no such walk: nothing changes
      const resolved = (await store.get('agent', date(12)))?.conversation;
      expect(resolved).toMatchObject({ outcome: 'resolved', resolvedBy: 'agent', rating: 4, ticketId: 'MFA-AGNT23' });
      expect(resolved?.sessions[0]).toMatchObject({ outcome: 'escalated', ticketOutcome: 'resolved' });
      const withdrawn = (await store.get('gone', date(12)))?.conversation;
      expect(withdrawn).toMatchObject({ outcome: 'cancelled', ticketId: 'MFA-GONE23' });
      expect(withdrawn?.resolvedBy).toBeUndefined();
      const page = { offset: 0, limit: 10 };
      expect(ids(await store.search({ outcome: 'resolved' }, page, date(12)))).toEqual(['agent']);
      expect(ids(await store.search({ outcome: 'cancelled' }, page, date(12)))).toEqual(['gone']);
      expect((await store.search({ outcome: 'escalated' }, page, date(12))).total).toBe(0);
      expect((await store.analytics({}, date(12))).find((x) => x.branch === 'lost-phone')).toMatchObject({ escalated: 2, resolved: 0 });
    });

    it('a walk after a ticket keeps the ticket on the conversation, in progress and once finished', async () => {
      const store = await open();
      await store.record(
        session('t', 10, { branch: 'no-code', nodes: ['main-menu', 'no-code'], outcome: 'escalated', ticketId: 'MFA-KEEP23' }),
      );
      await store.progress(info('t'), { branch: 'lost-phone', path: path('main-menu', 'lost-phone') }, date(12).toISOString());
      expect((await store.get('t', date(13)))?.conversation).toMatchObject({
        outcome: 'in-progress',
        branch: 'lost-phone',
        ticketId: 'MFA-KEEP23',
      });
      await store.record(session('t', 13, { branch: 'lost-phone', nodes: ['main-menu', 'lost-phone'], outcome: 'resolved', rating: 5 }));
      expect((await store.get('t', date(15)))?.conversation).toMatchObject({ outcome: 'resolved', ticketId: 'MFA-KEEP23', rating: 5 });
    });

    it('progress: the unfinished walk is in progress, then abandoned after 30 minutes; record clears it', async () => {
      const store = await open();
      await store.log(info('p'), user(0, 'help'));
      await store.record(session('p', 1, { branch: 'no-code', nodes: ['main-menu', 'no-code'], outcome: 'resolved', rating: 5 })); // last activity at(2)
      const walk = { branch: 'lost-phone', path: path('main-menu', 'lost-phone') };
      await store.progress(info('p'), walk, date(2).toISOString());
      const view = async (minutes: number) => (await store.get('p', date(minutes)))?.conversation;
      expect(await view(2 + 29.99)).toMatchObject({ outcome: 'in-progress', ...walk, rating: null, ticketId: null });
      expect(await view(2 + 30)).toMatchObject({ outcome: 'abandoned', ...walk, rating: null });
      await store.progress(info('p'), null, date(2).toISOString());
      expect(await view(600)).toMatchObject({ outcome: 'resolved', branch: 'no-code', rating: 5 });
      await store.progress(info('p'), walk, date(2).toISOString());
      await store.record(session('p', 3, { branch: 'lost-phone', nodes: ['main-menu', 'lost-phone'], outcome: 'cancelled' }));
      expect(await view(600)).toMatchObject({ outcome: 'cancelled', branch: 'lost-phone' });
      await store.log(info('q'), user(0, 'hi')); // no walk at all
      expect((await store.get('q', date(29)))?.conversation.outcome).toBe('in-progress');
      expect((await store.get('q', date(30)))?.conversation.outcome).toBe('abandoned');
      // The first progress of a conversation may come before its first logged activity (logged after the turn).
      await store.progress(info('ghost'), walk, date(1).toISOString());
      expect((await store.get('ghost', date(2)))?.conversation).toMatchObject({ outcome: 'in-progress', ...walk });
    });

    it('text comes back exactly as given: NUL, lone surrogates and U+FDD0 in ids, names, entries, walks and branches', async () => {
      const store = await open();
      const odd = 'nul\u0000 half\ud800 other\udc00 nonchar\uFDD0 esc\uFDD00000 \uFFFD';
      const id = `conv ${odd}`;
      const who = { conversationId: id, channelId: `chan ${odd}`, userId: `user ${odd}`, userName: odd };
      const entry = { at: at(0), role: 'user' as const, type: 'message', name: odd, text: `help ${odd}`, buttons: [odd], card: odd };
      await store.log(who, entry);
      await store.log(info('conv nul\uFFFD half\uFFFD other\uFFFD nonchar\uFDD0 esc\uFDD00000 \uFFFD'), user(1, 'look-alike'));
      const walk = { ...session(id, 1, { branch: `branch ${odd}`, nodes: [odd], outcome: 'escalated', ticketId: `MFA-${odd}` }), ...who };
      delete (walk as { userName?: string }).userName;
      await store.record(walk);
      await store.rateTicket(id, `MFA-${odd}`, 4);
      await store.progress(who, { branch: odd, path: path(odd) }, at(3));
      const check = async (s: TranscriptStore): Promise<void> => {
        const got = await s.get(id, date(4));
        expect(got?.entries).toEqual([{ ...entry, seq: 1 }]);
        expect(got?.conversation).toMatchObject({ ...who, preview: `help ${odd}`, branch: odd, path: path(odd) });
        expect(got?.conversation.sessions).toEqual([{ ...walk, rating: 4 }]);
        expect(await s.list({ conversationId: id })).toEqual([{ ...walk, rating: 4 }]);
        expect(await s.has(id)).toBe(true);
        expect(ids(await s.search({ branch: odd }, ALL, date(4)))).toEqual([id]);
        expect(ids(await s.search({ text: 'help' }, ALL, date(4)))).toEqual([id]);
        expect((await s.analytics({}, date(4))).map((b) => b.branch)).toContain(`branch ${odd}`);
      };
      await check(store);
      if (reopen) await check(await reopen(store));
      expect(await store.delete(id)).toBe(true);
      expect((await store.search({}, ALL, date(4))).items.map((c) => c.userId)).toEqual([
        'conv nul\uFFFD half\uFFFD other\uFFFD nonchar\uFDD0 esc\uFDD00000 \uFFFD@contoso.com',
      ]);
    });

    describe('on the seeded set', () => {
      let store: TranscriptStore;
      beforeEach(async () => {
        store = await open();
        await seed(store);
      });
      const find = async (filter: Parameters<TranscriptStore['search']>[0], now = NOW) => ids(await store.search(filter, ALL, now));

      it('search orders newest activity first and filters by outcome, branch, rating and [from, to)', async () => {
        expect(await find({})).toEqual(NEWEST_FIRST);
        expect(await find({ outcome: 'escalated' })).toEqual(['c10', 'c07', 'c04', 'c02']);
        expect(await find({ outcome: 'resolved' })).toEqual(['c11', 'c03', 'c01']); // c03's last walk resolved
        expect(await find({ outcome: 'cancelled' })).toEqual(['c09', 'c06']);
        expect(await find({ outcome: 'abandoned' })).toEqual(['c05']);
        expect(await find({ outcome: 'in-progress' })).toEqual(['c08']);
        expect(await find({ outcome: 'abandoned' }, date(11 * H + 50.5 + 30))).toEqual(['c08', 'c05']);
        expect(await find({ branch: 'no-code' })).toEqual(['c05', 'c04', 'c02', 'c01']);
        expect(await find({ rating: 4 })).toEqual(['c03']);
        // from is inclusive (c02 last active at 2h+2), to exclusive (c04 last active at 4h+2)
        expect(await find({ from: date(2 * H + 2), to: date(4 * H + 2) })).toEqual(['c03', 'c02']);
        expect(await find({ branch: 'no-code', outcome: 'escalated' })).toEqual(['c04', 'c02']);
        expect(await find({ branch: 'no-code', outcome: 'escalated', from: date(3 * H) })).toEqual(['c04']);
        expect(await find({ branch: 'lost-phone', rating: 1 })).toEqual(['c07']);
        expect(await find({ branch: 'lost-phone', rating: 5 })).toEqual([]);
      });

      it('text search: words anywhere in the conversation, all required, prefixes, user and ticket ids', async () => {
        expect(await find({ text: 'authenticator' })).toEqual(['c04', 'c01']);
        expect(await find({ text: 'AUTHENTICATOR notifications' })).toEqual(['c01']);
        expect(await find({ text: 'notif' })).toEqual(['c06', 'c01']);
        expect(await find({ text: 'arriv' })).toEqual(['c05', 'c03', 'c02']);
        expect(await find({ text: 'arrives sorry' })).toEqual(['c02']); // user message + bot reply
        expect(await find({ text: 'alice' })).toEqual(['c07', 'c02']);
        expect(await find({ text: 'alice lake' })).toEqual(['c07']);
        expect(await find({ text: 'MFA-7K3P9Q' })).toEqual(['c02']);
        expect(await find({ text: 'password' })).toEqual([]);
        expect(await find({ text: '   ' })).toEqual(NEWEST_FIRST);
        expect(await find({ text: 'authenticator', outcome: 'escalated' })).toEqual(['c04']);
        await store.log(info('c11'), user(11 * H + 5, 'password reset did not help'));
        expect(await find({ text: 'password' })).toEqual(['c11']);
      });

      it('pages: total counts every match, items only the requested slice', async () => {
        const page = await store.search({}, { offset: 2, limit: 3 }, NOW);
        expect(page.total).toBe(11);
        expect(ids(page)).toEqual(['c10', 'c09', 'c07']);
        expect(ids(await store.search({}, { offset: 10, limit: 5 }, NOW))).toEqual(['c01']);
        expect(await store.search({ outcome: 'escalated' }, { offset: 4, limit: 5 }, NOW)).toEqual({ total: 4, items: [] });
        expect((await store.search({}, { offset: 0, limit: 0 }, NOW)).total).toBe(11);
        await expect(store.search({}, { offset: -1, limit: 5 }, NOW)).rejects.toThrow(RangeError);
      });

      it('delete and purgeBefore remove conversations, their entries and their search terms', async () => {
        expect(await store.delete('c02')).toBe(true);
        expect(await store.delete('c02')).toBe(false);
        expect(await store.get('c02')).toBeUndefined();
        expect(await store.has('c02')).toBe(false);
        expect(await store.list({ conversationId: 'c02' })).toEqual([]);
        expect(await find({ text: 'sorry' })).toEqual([]);
        expect(await store.purgeBefore(date(4 * H))).toBe(2); // c01 (1h+2), c03 (3h+4); c04 is at 4h+2
        expect(await find({})).toEqual(NEWEST_FIRST.filter((id) => !['c01', 'c02', 'c03'].includes(id)));
        expect(await find({ text: 'authenticator' })).toEqual(['c04']);
        expect(await store.purgeBefore(date(4 * H))).toBe(0);
      });

      it('analytics per branch, checked by hand', async () => {
        expect(await store.analytics({}, NOW)).toEqual([
          // no-code walks: c01 resolved(5), c02 escalated(2) from nc-check, c03's first walk abandoned at nc-check,
          // c04 escalated from nc-notify, c05 unfinished and quiet 7 h -> abandoned at nc-notify.
          // 5 walks: 1/5 = 0.2 resolved, 2/5 = 0.4 escalated, rating (5+2)/2 = 3.5; nc-check 2 = nc-notify 2 -> id order
          {
            branch: 'no-code',
            conversations: 5,
            resolved: 1,
            escalated: 2,
            abandoned: 2,
            resolutionRate: 0.2,
            escalationRate: 0.4,
            averageRating: 3.5,
            ratings: 2,
            topDropOff: { node: 'nc-check', count: 2 },
          },
          // c03's second walk resolved(4), c06 cancelled at lp-recovery, c07 escalated(1) from lost-phone; c08 still in progress.
          // 3 walks: 1/3, 1/3, (4+1)/2 = 2.5; lost-phone 1 = lp-recovery 1 -> 'lost-phone' sorts first
          {
            branch: 'lost-phone',
            conversations: 3,
            resolved: 1,
            escalated: 1,
            abandoned: 1,
            resolutionRate: 1 / 3,
            escalationRate: 1 / 3,
            averageRating: 2.5,
            ratings: 2,
            topDropOff: { node: 'lost-phone', count: 1 },
          },
          // c10 went straight to escalate: the escalate node itself is the drop-off
          {
            branch: 'new-phone',
            conversations: 1,
            resolved: 0,
            escalated: 1,
            abandoned: 0,
            resolutionRate: 0,
            escalationRate: 1,
            averageRating: 3,
            ratings: 1,
            topDropOff: { node: 'escalate', count: 1 },
          },
          // c09 cancelled at the menu, before picking a branch
          {
            branch: 'other',
            conversations: 1,
            resolved: 0,
            escalated: 0,
            abandoned: 1,
            resolutionRate: 0,
            escalationRate: 0,
            averageRating: null,
            ratings: 0,
            topDropOff: { node: 'main-menu', count: 1 },
          },
          {
            branch: 'sign-in-loop',
            conversations: 1,
            resolved: 1,
            escalated: 0,
            abandoned: 0,
            resolutionRate: 1,
            escalationRate: 0,
            averageRating: null,
            ratings: 0,
            topDropOff: null,
          },
        ]);
        // 30 min after c08's last activity its walk counts: lost-phone 4 walks, abandoned 2, lost-phone drop-off 2
        const later = (await store.analytics({}, date(11 * H + 50.5 + 30))).find((b) => b.branch === 'lost-phone');
        expect(later).toMatchObject({
          conversations: 4,
          resolved: 1,
          abandoned: 2,
          resolutionRate: 0.25,
          topDropOff: { node: 'lost-phone', count: 2 },
        });
        // Only conversations active from 6h: c06, c07 (c08 in progress), c09, c10, c11
        const recent = await store.analytics({ from: date(6 * H) }, NOW);
        expect(recent.map((b) => [b.branch, b.conversations])).toEqual([
          ['lost-phone', 2],
          ['new-phone', 1],
          ['other', 1],
          ['sign-in-loop', 1],
        ]);
        expect(recent[0]).toMatchObject({ resolved: 0, escalated: 1, abandoned: 1, averageRating: 1, ratings: 1 });
        // Conversations whose latest walk escalated: c02, c04 (no-code), c07, c10
        const escalated = await store.analytics({ outcome: 'escalated' }, NOW);
        expect(escalated.map((b) => [b.branch, b.escalated, b.averageRating])).toEqual([
          ['no-code', 2, 2],
          ['lost-phone', 1, 1],
          ['new-phone', 1, 3],
        ]);
      });

      it.runIf(reopen !== undefined)('persists: a reopened store has the same conversations, entries, index and figures', async () => {
        const before = {
          all: await store.search({}, ALL, NOW),
          c02: await store.get('c02', NOW),
          list: await store.list(),
          stats: await store.analytics({}, NOW),
        };
        const again = await reopen!(store);
        expect(await again.search({}, ALL, NOW)).toEqual(before.all);
        expect(await again.get('c02', NOW)).toEqual(before.c02);
        expect(await again.list()).toEqual(before.list);
        expect(await again.analytics({}, NOW)).toEqual(before.stats);
        expect(ids(await again.search({ text: 'arrives sorry' }, ALL, NOW))).toEqual(['c02']);
        await again.log(info('c02', 'alice@contoso.com'), user(2 * H + 10, 'still there?'));
        expect((await again.get('c02'))?.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
      });
    });
  });
}
