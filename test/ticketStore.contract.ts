import { describe, expect, it } from 'vitest';
import { TicketConflict, type TicketStore } from '../src/handoff/ticketStore.js';
import type { Ticket } from '../src/tickets/ticket.js';

/**
 * What every TicketStore must do (lowdb and PostgreSQL run the same suite). `open` returns an empty store;
 * `reopen` a new object over the same data (a restart); `peer` another object over the same data in use at
 * the same time (a second bot instance). Without `peer` the races run on one object.
 */
export interface TicketStoreFactory {
  open(): Promise<TicketStore>;
  reopen?(store: TicketStore): Promise<TicketStore>;
  peer?(store: TicketStore): Promise<TicketStore>;
}

let made = 0;
export function ticket(over: Partial<Ticket> = {}): Ticket {
  made += 1;
  const conversationId = over.conversation?.conversationId ?? `conv-${made}`;
  return {
    id: `MFA-T${String(made).padStart(5, '0')}`,
    status: 'queued',
    priority: 'normal',
    category: 'no-code',
    categoryTitle: 'No code, text or call arrives',
    fields: { userId: 'alex@contoso.com', errorMessage: 'AADSTS50076: the code never arrives', errorCode: 'AADSTS50076' },
    extras: { ipAddress: '203.0.113.7' },
    stepsTried: [{ node: 'no-code', title: 'No code arrives', outcome: 'not fixed' }],
    escalatedFrom: 'asked for a person',
    conversation: {
      channelId: 'webchat',
      serviceUrl: 'http://127.0.0.1:9/',
      conversationId,
      reference: { conversation: { id: conversationId }, channelId: 'webchat', bot: { id: 'bot' }, user: { id: 'u1', name: 'Alex' } },
    },
    userName: 'Alex',
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T10:00:00.000Z',
    userWaiting: true,
    messages: [],
    ...over,
  };
}

/** The claim rule as HandoffService applies it: the first agent wins, everyone after gets AlreadyClaimed. */
const claimBy =
  (agent: string) =>
  (t: Ticket): Ticket => {
    if (t.status === 'assigned') throw new TicketConflict('AlreadyClaimed', `Ticket ${t.id} is already claimed by ${t.assignedTo}.`);
    return { ...t, status: 'assigned', assignedTo: agent, assignedAt: '2026-11-22T10:05:00.000Z' };
  };

const ids = (tickets: Ticket[]): string[] => tickets.map((t) => t.id);

export function ticketStoreContract(name: string, factory: TicketStoreFactory): void {
  describe(`TicketStore contract: ${name}`, () => {
    it('create + get round-trip the whole ticket, which callers cannot change in the store; a duplicate id is refused; unknown ids are undefined', async () => {
      const store = await factory.open();
      const t = ticket({ messages: [{ seq: 1, from: 'user', text: 'Hello 👋', at: '2026-11-22T10:01:00.000Z' }] });
      await store.create(t);
      expect(await store.get(t.id)).toEqual(t);
      await expect(store.create({ ...t, priority: 'urgent' })).rejects.toThrow(/already exists/);
      expect((await store.get(t.id))?.priority).toBe('normal');
      expect(await store.get('MFA-NOPE00')).toBeUndefined();
      // A copy (PostgreSQL) or frozen (the embedded store, which hands out its own objects): never the store's to change.
      const copy = (await store.get(t.id))!;
      try {
        copy.messages.push({ seq: 2, from: 'bot', text: 'tampered', at: t.createdAt });
        copy.fields.userId = 'mallory@contoso.com';
      } catch (err) {
        expect(err).toBeInstanceOf(TypeError);
      }
      expect(await store.get(t.id)).toEqual(t);
    });

    it('listOpen holds queued and assigned tickets in creation order; findOpenByConversation the one a user waits on', async () => {
      const store = await factory.open();
      const queued = ticket();
      const assigned = ticket({ status: 'assigned', assignedTo: 'alice' });
      const resolved = ticket({ status: 'resolved', closedAt: '2026-11-22T11:00:00.000Z' });
      const closed = ticket({ status: 'closed-without-agent', userWaiting: false });
      const notWaiting = ticket({ userWaiting: false });
      for (const t of [queued, assigned, resolved, closed, notWaiting]) await store.create(t);
      expect(ids(await store.listOpen())).toEqual([queued.id, assigned.id, notWaiting.id]);
      expect((await store.findOpenByConversation(assigned.conversation.conversationId))?.id).toBe(assigned.id);
      expect(await store.findOpenByConversation(resolved.conversation.conversationId)).toBeUndefined();
      expect(await store.findOpenByConversation(notWaiting.conversation.conversationId)).toBeUndefined();
      expect(await store.findOpenByConversation('no-such-conversation')).toBeUndefined();
      // A conversation escalating again after its first ticket closed waits on the new one.
      const again = ticket({ conversation: { ...resolved.conversation } });
      await store.create(again);
      expect((await store.findOpenByConversation(resolved.conversation.conversationId))?.id).toBe(again.id);
      await store.update(queued.id, (t) => ({ ...t, status: 'resolved' }));
      expect(ids(await store.listOpen())).toEqual([assigned.id, notWaiting.id, again.id]);
    });

    it('openTicketFor finds the oldest open ticket a user opened, in any conversation; closed tickets and other users never', async () => {
      const store = await factory.open();
      const key = `webchat:u_${made}`;
      const closed = ticket({ userKey: key, status: 'closed-without-agent', closedAt: '2026-11-22T09:00:00.000Z' });
      const first = ticket({ userKey: key, status: 'assigned', assignedTo: 'alice', userWaiting: false });
      const second = ticket({ userKey: key, createdAt: '2026-11-22T10:30:00.000Z' });
      const someoneElse = ticket({ userKey: `${key}x` });
      const noKey = ticket();
      for (const t of [closed, first, second, someoneElse, noKey]) await store.create(t);
      expect((await store.openTicketFor(key))?.id).toBe(first.id);
      expect(first.conversation.conversationId).not.toBe(second.conversation.conversationId);
      await store.update(first.id, (t) => ({ ...t, status: 'resolved', closedAt: '2026-11-22T11:00:00.000Z' }));
      expect((await store.openTicketFor(key))?.id).toBe(second.id);
      expect(await store.openTicketFor('webchat:nobody')).toBeUndefined();
      // A typed email is not a key: the field is the user's, the key the channel's.
      expect(await store.openTicketFor('alex@contoso.com')).toBeUndefined();
      if (factory.reopen) expect((await (await factory.reopen(store)).openTicketFor(key))?.id).toBe(second.id);
    });

    it('update stores what the mutator returns for the current ticket; an unknown id gives undefined without calling it', async () => {
      const store = await factory.open();
      const t = ticket();
      await store.create(t);
      const claimed = await store.update(t.id, claimBy('alice'));
      expect(claimed).toMatchObject({ id: t.id, status: 'assigned', assignedTo: 'alice' });
      expect(await store.get(t.id)).toEqual(claimed);
      const seen: Ticket[] = [];
      await store.update(t.id, (cur) => {
        seen.push(structuredClone(cur));
        return { ...cur, userWaiting: false };
      });
      expect(seen).toEqual([claimed]);
      expect(await store.findOpenByConversation(t.conversation.conversationId)).toBeUndefined();
      let called = false;
      expect(await store.update('MFA-NOPE00', (cur) => ((called = true), cur))).toBeUndefined();
      expect(called).toBe(false);
    });

    it('a TicketConflict (or any error) thrown by the mutator propagates as is and leaves the ticket untouched', async () => {
      const store = await factory.open();
      const t = ticket();
      await store.create(t);
      await store.update(t.id, claimBy('alice'));
      const before = await store.get(t.id);
      const refused = await store.update(t.id, claimBy('bob')).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(TicketConflict);
      expect(refused).toMatchObject({ code: 'AlreadyClaimed', message: expect.stringContaining('alice') });
      await expect(
        store.update(t.id, () => {
          throw new RangeError('mutator bug');
        }),
      ).rejects.toThrow(RangeError);
      expect(await store.get(t.id)).toEqual(before);
      // The store is still usable afterwards (nothing left locked or half-written).
      await store.update(t.id, (cur) => ({ ...cur, status: 'resolved' }));
      expect((await store.get(t.id))?.status).toBe('resolved');
    });

    it(`claims racing${factory.peer ? ' on two instances' : ''}: exactly one agent wins, all others get AlreadyClaimed`, async () => {
      const store = await factory.open();
      const other = factory.peer ? await factory.peer(store) : store;
      for (let round = 0; round < 3; round += 1) {
        const t = ticket();
        await store.create(t);
        const agents = Array.from({ length: 8 }, (_, i) => `agent-${round}-${i}`);
        const results = await Promise.allSettled(agents.map((a, i) => (i % 2 ? other : store).update(t.id, claimBy(a))));
        const winners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value!.assignedTo] : []));
        const losers = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as TicketConflict).code] : []));
        expect(winners).toHaveLength(1);
        expect(losers).toEqual(Array(7).fill('AlreadyClaimed'));
        expect((await other.get(t.id))?.assignedTo).toBe(winners[0]);
      }
    });

    it(`concurrent read-modify-write updates${factory.peer ? ' from two instances' : ''} never lose one`, async () => {
      const store = await factory.open();
      const other = factory.peer ? await factory.peer(store) : store;
      const t = ticket();
      await store.create(t);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).update(t.id, (cur) => ({
            ...cur,
            messages: [...cur.messages, { seq: cur.messages.length + 1, from: 'user' as const, text: `m${i}`, at: t.createdAt }],
          })),
        ),
      );
      const messages = (await store.get(t.id))!.messages;
      expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(messages.map((m) => m.text).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
    });

    it('text comes back exactly as given: NUL, lone surrogates and U+FDD0 in ids, fields, messages and property names', async () => {
      const store = await factory.open();
      const odd = 'nul\u0000 half\ud800 other\udc00 nonchar\uFDD0 esc\uFDD00000 \uFFFD';
      const conversation = ticket().conversation;
      const t = ticket({
        id: `MFA-${odd}`,
        conversation: { ...conversation, conversationId: `conv ${odd}` },
        fields: { userId: odd, errorMessage: odd },
        extras: { [odd]: odd },
        userName: odd,
        messages: [{ seq: 1, from: 'user', text: odd, at: '2026-11-22T10:01:00.000Z' }],
      });
      const plain = ticket({ id: 'MFA-nul\uFFFD half\uFFFD', conversation: { ...conversation, conversationId: 'conv nul\uFFFD' } });
      await store.create(t);
      await store.create(plain);
      expect(await store.get(t.id)).toEqual(t);
      expect(await store.get(plain.id)).toEqual(plain);
      expect((await store.findOpenByConversation(`conv ${odd}`))?.id).toBe(t.id);
      const updated = await store.update(t.id, (x) => ({ ...x, messages: [...x.messages, { ...x.messages[0]!, seq: 2 }] }));
      expect(updated?.messages.map((m) => m.text)).toEqual([odd, odd]);
      const again = factory.reopen ? await factory.reopen(store) : store;
      expect(await again.get(t.id)).toEqual(updated);
      expect(ids(await again.listOpen())).toEqual([t.id, plain.id]);
    });

    it.runIf(factory.reopen !== undefined)(
      'persists: a reopened store has every ticket, open or not, and goes on updating them',
      async () => {
        const store = await factory.open();
        const open = ticket();
        const done = ticket({ status: 'resolved' });
        await store.create(open);
        await store.create(done);
        await store.update(open.id, claimBy('alice'));
        const again = await factory.reopen!(store);
        expect(await again.get(open.id)).toEqual(await store.get(open.id));
        expect(await again.get(done.id)).toEqual(done);
        expect(ids(await again.listOpen())).toEqual([open.id]);
        await expect(again.update(open.id, claimBy('bob'))).rejects.toMatchObject({ code: 'AlreadyClaimed' });
      },
    );
  });
}
