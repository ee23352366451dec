import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PgDatabase } from '../src/stores/postgres/database.js';
import { PgStateStorage } from '../src/stores/postgres/stateStorage.js';
import { PgTicketStore } from '../src/stores/postgres/ticketStore.js';
import { PgTranscriptStore } from '../src/stores/postgres/transcriptStore.js';
import { SKIP_PG, TestSchema, withClient } from './helpers/pg.js';
import { storageContract } from './storage.contract.js';
import { ticket, ticketStoreContract } from './ticketStore.contract.js';
import { transcriptStoreContract } from './transcriptStore.contract.js';

/**
 * The shared contract suites against PostgreSQL, in this file's own schema. Three pools over it: the store
 * under test, a peer (a second bot instance using the data at the same time) and a "restarted" one.
 */
describe.skipIf(SKIP_PG)('PostgreSQL stores', () => {
  let schema: TestSchema;
  let main: PgDatabase;
  let second: PgDatabase;
  let restarted: PgDatabase;

  beforeAll(async () => {
    schema = await TestSchema.create();
    [main, second, restarted] = [await schema.open(), await schema.open(), await schema.open()];
  });
  afterAll(() => schema?.drop());
  beforeEach(() => schema.clear());

  storageContract('PgStateStorage', {
    open: async () => new PgStateStorage(main),
    reopen: async () => new PgStateStorage(restarted),
    peer: async () => new PgStateStorage(second),
  });

  ticketStoreContract('PgTicketStore', {
    open: async () => new PgTicketStore(main),
    reopen: async () => new PgTicketStore(restarted),
    peer: async () => new PgTicketStore(second),
  });

  it('writes land in PostgreSQL itself: another connection sees the state row, its eTag, and the ticket', async () => {
    await new PgStateStorage(main).write({ 'webchat/conversations/pg-1/': { step: 'lost-phone', eTag: '*' } });
    const t = ticket();
    await new PgTicketStore(main).create(t);
    const rows = await withClient(async (c) => ({
      state: (await c.query(`SELECT * FROM "${schema.name}".bot_state`)).rows,
      tickets: (await c.query(`SELECT * FROM "${schema.name}".tickets`)).rows,
    }));
    expect(rows.state).toHaveLength(1);
    expect(JSON.stringify(rows.state[0])).toContain('lost-phone');
    expect(JSON.stringify(rows.tickets)).toContain(t.id);
  });

  transcriptStoreContract(
    'PgTranscriptStore',
    async () => PgTranscriptStore.open(main),
    async () => PgTranscriptStore.open(restarted),
  );
});
