import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths.js';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting the bot reads from the environment, with its default. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Public base URL of this server, used as the local Direct Line's serviceUrl; derived from the port when unset. */
  PUBLIC_URL: z.url().optional(),
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: z.string().default(''),
  DATA_DIR: z.string().min(1).default('data'),
  KNOWLEDGE_DIR: z.string().min(1).default('knowledge'),
  /** The local Direct Line + Web Chat page; on by default only when no app id is configured. */
  LOCAL_DIRECTLINE: boolean.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(256 * 1024),
  /** Below this recognizer confidence the bot offers its best guesses instead of jumping to a branch. */
  RECOGNIZER_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  app: { id: string; password: string; type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI'; tenantId: string };
  dataDir: string;
  knowledgeDir: string;
  localDirectLine: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  maxBodyBytes: number;
  recognizerThreshold: number;
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
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    app: { id: e.MicrosoftAppId, password: e.MicrosoftAppPassword, type: e.MicrosoftAppType, tenantId: e.MicrosoftAppTenantId },
    dataDir: path.resolve(root, e.DATA_DIR),
    knowledgeDir: path.resolve(root, e.KNOWLEDGE_DIR),
    localDirectLine: e.LOCAL_DIRECTLINE ?? e.MicrosoftAppId === '',
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    recognizerThreshold: e.RECOGNIZER_THRESHOLD,
  };
}

/** Loads `.env` into process.env when present (variables already set win), using Node's own parser. */
export function loadDotEnv(root = projectRoot()): void {
  const file = path.join(root, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
