import fs from 'node:fs';
import path from 'node:path';
import type { Storage } from 'botbuilder';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedStateStorage } from '../src/stores/embedded/stateStorage.js';
import { tempDir } from './helpers/botHarness.js';
import { storageContract } from './storage.contract.js';

const root = tempDir('mfa-storage-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let counter = 0;
const folderOf = new Map<Storage, string>();

storageContract('EmbeddedStateStorage', {
  async open() {
    const folder = path.join(root, `store-${(counter += 1)}`);
    const storage = await EmbeddedStateStorage.open(folder);
    folderOf.set(storage, folder);
    return storage;
  },
  reopen: (storage) => EmbeddedStateStorage.open(folderOf.get(storage)!),
});

describe('EmbeddedStateStorage on disk', () => {
  it('an acknowledged write survives a process that never closed the store, and reaches its document at the next open', async () => {
    const folder = path.join(root, 'crashed');
    const crashed = await EmbeddedStateStorage.open(folder);
    await crashed.write({ 'webchat/conversations/c1/': { step: 'no-code-number', eTag: '*' } });
    // No close(): the journal holds it. A new open (the restarted process) replays it into the documents.
    const restarted = await EmbeddedStateStorage.open(folder);
    expect((await restarted.read(['webchat/conversations/c1/']))['webchat/conversations/c1/']).toMatchObject({ step: 'no-code-number' });
    const docs = fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.json'));
    expect(docs).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(docs[0]!.parentPath, docs[0]!.name), 'utf8'))).toMatchObject({
      key: 'webchat/conversations/c1/',
      value: { step: 'no-code-number' },
    });
    await restarted.close();
  });
});
