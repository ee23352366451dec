import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedTicketStore } from '../src/stores/embedded/ticketStore.js';
import type { TicketStore } from '../src/handoff/ticketStore.js';
import { tempDir } from './helpers/botHarness.js';
import { ticket, ticketStoreContract } from './ticketStore.contract.js';

const root = tempDir('mfa-tickets-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
const folderOf = new Map<TicketStore, string>();

ticketStoreContract('EmbeddedTicketStore', {
  async open() {
    const folder = path.join(root, `store-${(counter += 1)}`);
    const store = await EmbeddedTicketStore.open(folder);
    folderOf.set(store, folder);
    return store;
  },
  reopen: (store) => EmbeddedTicketStore.open(folderOf.get(store)!),
});

describe('EmbeddedTicketStore in memory', () => {
  it('hands out its tickets frozen: a caller that tries to change one fails at once and the store is unchanged', async () => {
    const store = await EmbeddedTicketStore.open(path.join(root, 'frozen'));
    await store.create(ticket());
    const [open] = await store.listOpen();
    expect(Object.isFrozen(open)).toBe(true);
    expect(() => {
      (open!.fields as { userId: string }).userId = 'mallory@contoso.com';
    }).toThrow(TypeError);
    expect((await store.get(open!.id))!.fields.userId).not.toBe('mallory@contoso.com');
    // An update still works on a copy of its own.
    const claimed = await store.update(open!.id, (t) => ({ ...t, status: 'assigned', assignedTo: 'alice' }));
    expect(claimed).toMatchObject({ status: 'assigned', assignedTo: 'alice' });
    expect(Object.isFrozen(claimed)).toBe(true);
    await store.close();
  });
});
