import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from './transaction.js';

/**
 * The PostgreSQL schema, as numbered migrations applied once each at start-up. Append new ones (never edit an
 * applied one): every instance runs this, and the advisory lock lets exactly one of several starting together
 * apply them while the others wait and then find nothing left to do.
 */

export interface Migration {
  version: number;
  name: string;
  /** The DDL, given the quoted schema name. */
  sql: (schema: string) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bot state, tickets, transcripts',
    sql: (s) => `
      CREATE TABLE ${s}.bot_state (
        key text PRIMARY KEY,
        doc jsonb NOT NULL,
        etag bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE ${s}.tickets (
        id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        conversation_id text NOT NULL,
        status text NOT NULL,
        user_waiting boolean NOT NULL,
        doc jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX tickets_open ON ${s}.tickets (seq) WHERE status IN ('queued', 'assigned');
      CREATE INDEX tickets_open_by_conversation ON ${s}.tickets (conversation_id) WHERE status IN ('queued', 'assigned');

      -- Times are kept as the ISO text callers gave (returned verbatim) beside epoch milliseconds (filtered and
      -- ordered on, exactly as JavaScript compares them). branch, rating and last_outcome are what the latest
      -- walk says; the outcome itself also depends on the clock (30 quiet minutes = abandoned), so queries derive it.
      CREATE TABLE ${s}.transcript_conversations (
        conversation_id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        channel_id text NOT NULL,
        user_id text NOT NULL,
        user_name text,
        started_at text NOT NULL,
        started_ms bigint NOT NULL,
        last_activity_at text NOT NULL,
        last_activity_ms bigint NOT NULL,
        message_count integer NOT NULL DEFAULT 0,
        preview text NOT NULL DEFAULT '',
        entry_count integer NOT NULL DEFAULT 0,
        sessions jsonb NOT NULL DEFAULT '[]',
        walk jsonb,
        terms tsvector NOT NULL DEFAULT ''::tsvector,
        last_outcome text GENERATED ALWAYS AS (sessions -> -1 ->> 'outcome') STORED,
        branch text GENERATED ALWAYS AS (CASE WHEN walk IS NULL THEN sessions -> -1 ->> 'branch' ELSE walk ->> 'branch' END) STORED,
        rating double precision GENERATED ALWAYS AS (CASE WHEN walk IS NULL THEN (sessions -> -1 ->> 'rating')::double precision END) STORED
      );
      CREATE INDEX transcript_conversations_newest ON ${s}.transcript_conversations (last_activity_ms DESC, conversation_id COLLATE "C");
      CREATE INDEX transcript_conversations_branch ON ${s}.transcript_conversations (branch);
      CREATE INDEX transcript_conversations_rating ON ${s}.transcript_conversations (rating);
      CREATE INDEX transcript_conversations_outcome ON ${s}.transcript_conversations (last_outcome);
      CREATE INDEX transcript_conversations_terms ON ${s}.transcript_conversations USING gin (terms);

      CREATE TABLE ${s}.transcript_entries (
        conversation_id text NOT NULL REFERENCES ${s}.transcript_conversations ON DELETE CASCADE,
        seq integer NOT NULL,
        entry jsonb NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
    `,
  },
  {
    version: 2,
    name: 'open tickets by user',
    // One open ticket per user (issue 15): looked up on every escalation, so indexed like the queue.
    sql: (s) => `
      CREATE INDEX tickets_open_by_user ON ${s}.tickets ((doc ->> 'userKey')) WHERE status IN ('queued', 'assigned');
    `,
  },
];

export const LATEST_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/** A 64-bit advisory lock key per schema, so instances sharing a schema queue up and other schemas do not wait. */
function lockKey(schema: string): string {
  return createHash('sha256').update(`mfa-helpdesk-bot/${schema}`).digest().readBigInt64BE(0).toString();
}

/**
 * Creates the schema if missing and applies pending migrations, all in one transaction: a failure leaves the
 * database as it was. Returns the versions applied now (empty when the schema was up to date).
 */
export async function migrate(pool: Pool, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const quoted = `"${schema}"`;
  const latest = Math.max(...migrations.map((m) => m.version));
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(schema)]);
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoted}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${quoted}.helpdesk_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${quoted}.helpdesk_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    if (newest > latest) {
      throw new Error(
        `PostgreSQL schema "${schema}" is at version ${newest}, newer than this build knows (${latest}): run a newer build of the bot`,
      );
    }
    const pending = migrations.filter((m) => !applied.has(m.version)).sort((a, b) => a.version - b.version);
    for (const m of pending) {
      await client.query(m.sql(quoted));
      await client.query(`INSERT INTO ${quoted}.helpdesk_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
    }
    return pending.map((m) => m.version);
  });
}
