import fs from 'node:fs';
import path from 'node:path';
import type { Storage } from 'botbuilder';
import { afterAll } from 'vitest';
import { LowdbStorage } from '../src/stores/lowdbStorage.js';
import { tempDir } from './helpers/botHarness.js';
import { storageContract } from './storage.contract.js';

const root = tempDir('mfa-storage-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
const folderOf = new Map<Storage, string>();

storageContract('LowdbStorage', {
  async open() {
    const folder = path.join(root, `store-${(counter += 1)}`);
    const storage = await LowdbStorage.open(folder);
    folderOf.set(storage, folder);
    return storage;
  },
  reopen: (storage) => LowdbStorage.open(folderOf.get(storage)!),
});
