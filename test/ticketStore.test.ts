import fs from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { LowdbTicketStore, type TicketStore } from '../src/stores/ticketStore.js';
import { tempDir } from './helpers/botHarness.js';
import { ticketStoreContract } from './ticketStore.contract.js';

const root = tempDir('mfa-tickets-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
const folderOf = new Map<TicketStore, string>();

ticketStoreContract('LowdbTicketStore', {
  async open() {
    const folder = path.join(root, `store-${(counter += 1)}`);
    const store = await LowdbTicketStore.open(folder);
    folderOf.set(store, folder);
    return store;
  },
  reopen: (store) => LowdbTicketStore.open(folderOf.get(store)!),
});
