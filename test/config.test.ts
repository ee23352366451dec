import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration from the environment', () => {
  it('starts with no variables at all: local web chat on, anonymous bot endpoint', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3978, localDirectLine: true, app: { id: '' }, recognizerThreshold: 0.5 });
    expect(config.dataDir.endsWith('/data')).toBe(true);
  });

  it('turns the local Direct Line off by default once an app id is configured', () => {
    expect(loadConfig({ MicrosoftAppId: 'a-b-c', MicrosoftAppPassword: 's' }).localDirectLine).toBe(false);
    expect(loadConfig({ MicrosoftAppId: 'a-b-c', LOCAL_DIRECTLINE: 'true' }).localDirectLine).toBe(true);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', MicrosoftAppType: 'Personal', RECOGNIZER_THRESHOLD: '3' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT: /m);
    expect(problems).toMatch(/^MicrosoftAppType: /m);
    expect(problems).toMatch(/^RECOGNIZER_THRESHOLD: /m);
  });

  it('parses agent tokens and refuses short ones, naming the agent', () => {
    expect(loadConfig({ AGENT_TOKENS: 'alice:4b227777d4dd1fc61c6f884f, bob:ef2d127de37b942baad06145' }).agents).toEqual([
      { name: 'alice', token: '4b227777d4dd1fc61c6f884f' },
      { name: 'bob', token: 'ef2d127de37b942baad06145' },
    ]);
    expect(() => loadConfig({ AGENT_TOKENS: 'alice:short' })).toThrow(/AGENT_TOKENS: the token for "alice" must be at least 16 characters/);
    expect(() => loadConfig({ ESCALATION_WEBHOOK_URL: 'ftp://example.org/hook' })).toThrow(/ESCALATION_WEBHOOK_URL/);
  });

  it('treats empty values as unset, so a copied .env.example starts as is', () => {
    expect(loadConfig({ PORT: '', MicrosoftAppId: '' }).port).toBe(3978);
  });

  it('DATABASE_URL selects the PostgreSQL store with its pool size and schema; without it the embedded store', () => {
    expect(loadConfig({}).database).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://bot:pw@db.internal:5433/helpdesk' }).database).toEqual({
      url: 'postgres://bot:pw@db.internal:5433/helpdesk',
      poolSize: 10,
      schema: 'public',
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/helpdesk', PG_POOL_SIZE: '25', PG_SCHEMA: 'helpdesk_bot' }).database).toEqual({
      url: 'postgresql://db/helpdesk',
      poolSize: 25,
      schema: 'helpdesk_bot',
    });
  });

  it('names a bad DATABASE_URL, PG_POOL_SIZE or PG_SCHEMA, without echoing the URL (it may hold a password)', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://bot:hunter2@db/helpdesk', PG_POOL_SIZE: '0', PG_SCHEMA: 'Bad-Name' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL$/m);
    expect(problems).toMatch(/^PG_POOL_SIZE: /m);
    expect(problems).toMatch(/^PG_SCHEMA: must be a lower-case identifier/m);
    expect(problems).not.toContain('hunter2');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db:port/helpdesk' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ PG_POOL_SIZE: 'ten' })).toThrow(/PG_POOL_SIZE/);
  });
});

describe('shipped examples', () => {
  it('.env.example parses as a valid configuration', async () => {
    const { readFileSync } = await import('node:fs');
    const { parseEnv } = await import('node:util');
    const { projectRoot } = await import('../src/paths.js');
    const env = parseEnv(readFileSync(`${projectRoot()}/.env.example`, 'utf8'));
    expect(Object.keys(env)).toContain('MicrosoftAppId');
    expect(loadConfig(env)).toMatchObject({ port: 3978, localDirectLine: true });
  });

  it('the Teams app package has a manifest with the app id placeholder and icons of the required sizes', async () => {
    const { readFileSync } = await import('node:fs');
    const { projectRoot } = await import('../src/paths.js');
    const dir = `${projectRoot()}/appPackage`;
    const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8')) as {
      id: string;
      bots: { botId: string }[];
      icons: { color: string; outline: string };
    };
    expect(manifest.id).toBe('{{MICROSOFT_APP_ID}}');
    expect(manifest.bots[0]!.botId).toBe(manifest.id);
    const size = (file: string) => {
      const png = readFileSync(`${dir}/${file}`);
      return [png.readUInt32BE(16), png.readUInt32BE(20)];
    };
    expect(size(manifest.icons.color)).toEqual([192, 192]);
    expect(size(manifest.icons.outline)).toEqual([32, 32]);
  });
});
