import { existsSync } from 'node:fs';
import path from 'node:path';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { projectRoot } from './paths.js';

/** PostgreSQL schema names, unquoted identifiers only: the name goes into DDL, and one rule is easier to check than quoting rules. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const boolean = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting the bot reads from the environment, with its default. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  /** Loopback unless a deployment opens it up on purpose (behind a proxy, in a container). */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Public base URL of this server (behind a proxy): the Web Chat page's stream URLs are built from it. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Proxies whose X-Forwarded-For names the client: addresses, CIDR ranges or loopback/linklocal/uniquelocal. */
  TRUST_PROXY: z
    .string()
    .transform((v, ctx) => parseTrustedProxies(v, ctx))
    .optional(),
  /** Origins, besides this server's own Direct Line and (with an app id) the Bot Framework channels, replies may go to. */
  ALLOWED_SERVICE_URLS: z
    .string()
    .transform((v, ctx) => parseServiceUrls(v, ctx))
    .optional(),
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: z.string().default(''),
  DATA_DIR: z.string().min(1).default('data'),
  /** off: the embedded store never waits for the disk. Unsafe (power loss can lose acknowledged changes): benchmarks only. */
  STORE_FSYNC: z.enum(['on', 'off']).default('on'),
  KNOWLEDGE_DIR: z.string().min(1).default('knowledge'),
  /** The local Direct Line + Web Chat page; on by default only when no app id is configured. */
  LOCAL_DIRECTLINE: boolean.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** auto: one-line human logs on a terminal outside production, JSON otherwise. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  NODE_ENV: z.string().optional(),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(256 * 1024),
  /** A request (headers and body) that takes longer than this to arrive is cut off with 408. */
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(0.5).max(600).default(15),
  /** Below this recognizer confidence the bot offers its best guesses instead of jumping to a branch. */
  RECOGNIZER_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  /** Agents who may use the console and /api/agent: "name:token" pairs, comma-separated. */
  AGENT_TOKENS: z
    .string()
    .transform((v, ctx) => parseTokens(v, ctx))
    .optional(),
  /** Admins who may review transcripts at /admin and /api/admin: "name:token" pairs, comma-separated. */
  ADMIN_TOKENS: z
    .string()
    .transform((v, ctx) => parseTokens(v, ctx))
    .optional(),
  /** Transcripts older than this many days (by last activity) are deleted automatically. */
  TRANSCRIPT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** A Teams incoming webhook (or anything accepting its JSON) told about every new ticket. */
  ESCALATION_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Requests per minute one client address may make to the local Direct Line and the agent/admin APIs. */
  RATE_LIMIT_CLIENT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Messages per minute one conversation may send to the bot. */
  RATE_LIMIT_CONVERSATION_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Failed sign-ins (wrong or missing tokens) per minute from one client address before it gets 429. */
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** Conversations one client address may hold open on the local Direct Line at once. */
  DIRECTLINE_CONVERSATIONS_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Conversations the local Direct Line holds in memory at once. */
  DIRECTLINE_MAX_CONVERSATIONS: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Minutes a ticket may wait unclaimed before the user is told the help desk will follow up later. */
  HANDOFF_UNCLAIMED_MINUTES: z.coerce
    .number()
    .min(0.05)
    .max(24 * 60)
    .default(15),
  /** PostgreSQL instead of the embedded store (for several bot instances). The message never echoes the value: it may hold a password. */
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), { message: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  /** Connections each bot process may hold to PostgreSQL. */
  PG_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** The PostgreSQL schema holding the bot's tables (created if missing). */
  PG_SCHEMA: z
    .string()
    .regex(SCHEMA_NAME, 'must be a lower-case identifier: letters, digits and _, not starting with a digit, at most 63 characters')
    .default('public'),
  /** The optional model: on when a key or a base URL (Azure OpenAI, a local OpenAI-compatible server) is set. */
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** Longest the bot waits for one model call, its one retry included, before taking the local path. */
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** Model calls one conversation may make; past it the conversation stays on the local path. */
  OPENAI_BUDGET_PER_CONVERSATION: z.coerce.number().int().min(0).max(1000).default(20),
  /** Consecutive failed calls that open the circuit breaker, and how long it stays open before one trial call. */
  OPENAI_BREAKER_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  OPENAI_BREAKER_COOLDOWN_SECONDS: z.coerce.number().min(0.05).max(3600).default(30),
  /** Model confidence at or above which its branch is taken directly; below, it leads the guesses. */
  OPENAI_ROUTE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
});

/**
 * Bearer tokens are the only thing between the internet and the consoles. zxcvbn (the password-strength
 * estimator) sees through what length alone does not: repeats, sequences, keyboard walks and dictionary words.
 * 10^15 guesses is about 50 bits: out of reach online, and what 16 random hexadecimal characters give.
 */
const MIN_TOKEN_GUESSES_LOG10 = 15;
let strength: ZxcvbnFactory | undefined;
const guessesLog10 = (token: string): number =>
  (strength ??= new ZxcvbnFactory({ dictionary: zxcvbnCommon.dictionary, graphs: zxcvbnCommon.adjacencyGraphs })).check(token).guessesLog10;

function parseTokens(value: string, ctx: z.RefinementCtx): { name: string; token: string }[] {
  const agents = value
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(':');
      return { name: pair.slice(0, at).trim(), token: pair.slice(at + 1).trim() };
    });
  for (const a of agents) {
    if (!/^[\w .@-]{1,40}$/.test(a.name))
      ctx.addIssue({ code: 'custom', message: 'each entry is name:token, with a name of letters, digits, spaces, ".", "@" or "-"' });
    // Tokens are bearer secrets: short ones can be guessed.
    else if (a.token.length < 16) ctx.addIssue({ code: 'custom', message: `the token for "${a.name}" must be at least 16 characters` });
    else if (guessesLog10(a.token) < MIN_TOKEN_GUESSES_LOG10) {
      ctx.addIssue({
        code: 'custom',
        message: `the token for "${a.name}" is too easy to guess (repeats, sequences or words): make one with \`openssl rand -hex 24\``,
      });
    }
  }
  return agents;
}

/** proxy-addr's trust list: compiled once so every request costs a lookup, and checked at start-up. */
function parseTrustedProxies(value: string, ctx: z.RefinementCtx): string[] {
  const entries = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  try {
    proxyaddr.compile(entries);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${(err as Error).message}; use addresses, CIDR ranges, loopback, linklocal or uniquelocal` });
  }
  return entries;
}

/** Exact http(s) base URLs: scheme, host, port and path; nothing a reply URL could be steered with. */
function parseServiceUrls(value: string, ctx: z.RefinementCtx): string[] {
  const urls: string[] = [];
  for (const entry of value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)) {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" must be an http(s) URL without credentials, query or fragment` });
      continue;
    }
    urls.push(url.href);
  }
  return urls;
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  /** proxy-addr trust entries; empty: the socket's address is the client's. */
  trustProxy: string[];
  /** Extra base URLs replies may go to (the Emulator, a test channel). */
  allowedServiceUrls: string[];
  app: { id: string; password: string; type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI'; tenantId: string };
  dataDir: string;
  /** Whether the embedded store fdatasyncs its journal before acknowledging a change (STORE_FSYNC). */
  storeFsync: boolean;
  knowledgeDir: string;
  localDirectLine: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  logFormat: z.infer<typeof envSchema>['LOG_FORMAT'];
  /** NODE_ENV === 'production': never pretty logs on `auto`. */
  production: boolean;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  recognizerThreshold: number;
  agents: { name: string; token: string }[];
  admins: { name: string; token: string }[];
  transcriptRetentionDays: number;
  escalationWebhookUrl: string | undefined;
  handoffUnclaimedMs: number;
  rateLimits: { clientPerMinute: number; conversationPerMinute: number; authFailuresPerMinute: number };
  directLine: { conversationsPerClient: number; maxConversations: number };
  /** Set: the PostgreSQL store; unset: the embedded store in dataDir. */
  database: { url: string; poolSize: number; schema: string } | undefined;
  /** Undefined when neither OPENAI_API_KEY nor OPENAI_BASE_URL is set: the bot runs on the local path only. */
  openai: OpenAIConfig | undefined;
}

export interface OpenAIConfig {
  /** A secret: never logged (the logger censors `apiKey`). Empty for servers that need none. */
  apiKey: string;
  baseUrl: string | undefined;
  model: string;
  timeoutMs: number;
  budgetPerConversation: number;
  breaker: { failures: number; cooldownMs: number };
  routeThreshold: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a ConfigError naming every bad variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = projectRoot()): Config {
  // Empty strings mean "unset" so that a copied .env.example with blank values still starts.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY ?? [],
    allowedServiceUrls: e.ALLOWED_SERVICE_URLS ?? [],
    app: { id: e.MicrosoftAppId, password: e.MicrosoftAppPassword, type: e.MicrosoftAppType, tenantId: e.MicrosoftAppTenantId },
    dataDir: path.resolve(root, e.DATA_DIR),
    storeFsync: e.STORE_FSYNC === 'on',
    knowledgeDir: path.resolve(root, e.KNOWLEDGE_DIR),
    localDirectLine: e.LOCAL_DIRECTLINE ?? e.MicrosoftAppId === '',
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    production: e.NODE_ENV === 'production',
    maxBodyBytes: e.MAX_BODY_BYTES,
    requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
    recognizerThreshold: e.RECOGNIZER_THRESHOLD,
    agents: e.AGENT_TOKENS ?? [],
    admins: e.ADMIN_TOKENS ?? [],
    transcriptRetentionDays: e.TRANSCRIPT_RETENTION_DAYS,
    escalationWebhookUrl: e.ESCALATION_WEBHOOK_URL,
    handoffUnclaimedMs: e.HANDOFF_UNCLAIMED_MINUTES * 60_000,
    rateLimits: {
      clientPerMinute: e.RATE_LIMIT_CLIENT_PER_MINUTE,
      conversationPerMinute: e.RATE_LIMIT_CONVERSATION_PER_MINUTE,
      authFailuresPerMinute: e.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
    },
    directLine: { conversationsPerClient: e.DIRECTLINE_CONVERSATIONS_PER_CLIENT, maxConversations: e.DIRECTLINE_MAX_CONVERSATIONS },
    database: e.DATABASE_URL ? { url: e.DATABASE_URL, poolSize: e.PG_POOL_SIZE, schema: e.PG_SCHEMA } : undefined,
    openai:
      e.OPENAI_API_KEY || e.OPENAI_BASE_URL
        ? {
            apiKey: e.OPENAI_API_KEY ?? '',
            baseUrl: e.OPENAI_BASE_URL,
            model: e.OPENAI_MODEL,
            timeoutMs: e.OPENAI_TIMEOUT_MS,
            budgetPerConversation: e.OPENAI_BUDGET_PER_CONVERSATION,
            breaker: { failures: e.OPENAI_BREAKER_FAILURES, cooldownMs: e.OPENAI_BREAKER_COOLDOWN_SECONDS * 1000 },
            routeThreshold: e.OPENAI_ROUTE_THRESHOLD,
          }
        : undefined,
  };
}

/** Loads `.env` into process.env when present (variables already set win), using Node's own parser. */
export function loadDotEnv(root = projectRoot()): void {
  const file = path.join(root, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
