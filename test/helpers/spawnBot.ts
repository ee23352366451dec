import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/paths.js';

/** A port nobody listens on right now (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SpawnedBot {
  child: ChildProcess;
  /** Base URL from the "bot listening" log line. */
  url: string;
  /** Every stdout/stderr line so far (for failure messages). */
  output: string[];
  /** Structured log lines (parsed JSON) from stdout. */
  logs: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL now (if still running) and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the real server (`node --import tsx src/main.ts`) as a child process on `port` and resolves once its
 * "bot listening" JSON log line appears (LOG_LEVEL must be info or lower). Rejects if it exits first or does
 * not get ready within `readyTimeoutMs`.
 */
export async function spawnBot(
  env: Record<string, string>,
  { readyTimeoutMs = 30_000 }: { readyTimeoutMs?: number } = {},
): Promise<SpawnedBot> {
  const root = projectRoot();
  const child = spawn(process.execPath, ['--no-deprecation', '--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    // No inherited .env surprises: main.ts loads .env but variables set here win.
    // Blank, not absent: main.ts loads .env without overriding variables already set, and a developer's .env
    // must not point a test bot at a real model or database.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
      DATABASE_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let onLine: (line: string) => void = () => undefined;
  const split = (stream: NodeJS.ReadableStream, label: string): void => {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      let at: number;
      while ((at = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        output.push(`${label}${line}`);
        if (output.length > 5000) output.splice(0, output.length - 5000);
        if (label === '' && line.startsWith('{')) {
          try {
            const parsed = JSON.parse(line) as Record<string, unknown>;
            logs.push(parsed);
            if (logs.length > 20000) logs.splice(0, logs.length - 20000);
          } catch {
            /* not a log line */
          }
        }
        onLine(line);
      }
    });
  };
  split(child.stdout!, '');
  split(child.stderr!, '[stderr] ');

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`bot not ready after ${readyTimeoutMs} ms:\n${output.slice(-30).join('\n')}`));
    }, readyTimeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`bot exited (code ${code}, signal ${signal}) before it was ready:\n${output.slice(-30).join('\n')}`));
    });
    onLine = (line) => {
      if (!line.includes('"bot listening"')) return;
      try {
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if (parsed.msg === 'bot listening' && parsed.url) {
          clearTimeout(timer);
          resolve(parsed.url);
        }
      } catch {
        /* keep waiting */
      }
    };
  });
  onLine = () => undefined;
  return { child, url, output, logs, exited, kill };
}

export interface StoreCheck {
  /** JSON documents found (`*.json`). */
  documents: number;
  /** Temp files left by interrupted writes (steno's `.<name>.tmp`), ignored by the store. */
  tmpFiles: string[];
  /** Documents that did not parse or lack `{ key, value }`. */
  bad: { file: string; error: string }[];
  /** Other files (neither document, journal nor temp file). */
  other: string[];
  /** Journal lines that parse; a torn last line of a journal (a crash mid-write) is not counted as bad. */
  journalLines: number;
}

/** Parses every JSON document under the bot's DATA_DIR (one file per conversation, transcript, ticket). */
export function checkStoreDocuments(dataDir: string): StoreCheck {
  const result: StoreCheck = { documents: 0, tmpFiles: [], bad: [], other: [], journalLines: 0 };
  const entries = fs.readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  for (const entry of entries) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.name.endsWith('.tmp')) {
      result.tmpFiles.push(file);
      continue;
    }
    if (/^\d{8}\.jsonl$/.test(entry.name)) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (line === '') return;
        try {
          if (typeof (JSON.parse(line) as { key?: unknown }).key !== 'string') throw new Error('no key');
          result.journalLines += 1;
        } catch (err) {
          if (i < lines.length - 1) result.bad.push({ file: `${file}:${i + 1}`, error: (err as Error).message });
        }
      });
      continue;
    }
    if (!entry.name.endsWith('.json')) {
      result.other.push(file);
      continue;
    }
    result.documents += 1;
    try {
      const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      const ok =
        typeof doc === 'object' &&
        doc !== null &&
        !Array.isArray(doc) &&
        typeof (doc as { key?: unknown }).key === 'string' &&
        'value' in doc;
      if (!ok && !isLegacyCollection(file)) result.bad.push({ file, error: 'not a { key, value } document' });
    } catch (err) {
      result.bad.push({ file, error: (err as Error).message });
    }
  }
  return result;
}

/** Single-file JSON collections some stores may keep beside the sharded documents (they must parse too). */
function isLegacyCollection(file: string): boolean {
  return !/[\\/][0-9a-f]{2}[\\/][0-9a-f]{40}\.json$/.test(file);
}

/**
 * The bot's conversation-state document for a conversation, if it has been written: the journal's latest line
 * for its key when there is one (the documents catch up at compaction), else its document.
 */
export function readStateDocument(
  dataDir: string,
  channelId: string,
  conversationId: string,
): { key: string; value: Record<string, unknown> } | undefined {
  const key = `${channelId}/conversations/${conversationId}/`;
  const dir = path.join(dataDir, 'state');
  // undefined: not in any journal; null: deleted since the documents were written.
  let journaled: { key: string; value: Record<string, unknown> } | null | undefined;
  const journals = path.join(dir, 'journal');
  const names = fs.existsSync(journals)
    ? fs
        .readdirSync(journals)
        .filter((n) => n.endsWith('.jsonl'))
        .sort()
    : [];
  for (const name of names) {
    for (const line of fs.readFileSync(path.join(journals, name), 'utf8').split('\n')) {
      if (!line.includes(JSON.stringify(key))) continue;
      let parsed: { key: string; value?: Record<string, unknown>; deleted?: true };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        continue; // the line being written right now
      }
      if (parsed.key === key) journaled = parsed.deleted ? null : { key, value: parsed.value! };
    }
  }
  if (journaled !== undefined) return journaled ?? undefined;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const doc = JSON.parse(fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8')) as {
      key: string;
      value: Record<string, unknown>;
    };
    if (doc.key === key) return doc;
  }
  return undefined;
}
