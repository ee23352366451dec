/**
 * Readable logs in development: one human line per entry when stdout is a terminal outside production, JSON
 * otherwise; redaction and credential scrubbing hold in both.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { chooseLogFormat, createLogger, type LogFormat } from '../src/logger.js';

function capture(format: LogFormat): { lines: () => string[]; logger: ReturnType<typeof createLogger> } {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { logger: createLogger('info', sink, format), lines: () => text.split('\n').filter(Boolean) };
}

function logSecrets(logger: ReturnType<typeof createLogger>): void {
  logger.info(
    {
      url: 'http://127.0.0.1:3978',
      headers: { authorization: 'Bearer s3cr3t-header-token', cookie: 'session=c00kie' },
      text: 'my password is hunter2',
      note: 'sent with Bearer s3cr3t-inline-token',
    },
    'bot listening',
  );
}

describe('the log format', () => {
  it('is pretty only on a terminal outside production, unless LOG_FORMAT says otherwise', () => {
    expect(chooseLogFormat('auto', true, false)).toBe('pretty');
    expect(chooseLogFormat('auto', false, false)).toBe('json');
    expect(chooseLogFormat('auto', true, true)).toBe('json');
    expect(chooseLogFormat('json', true, false)).toBe('json');
    expect(chooseLogFormat('pretty', false, true)).toBe('pretty');
    const config = loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'auto' });
    expect(chooseLogFormat(config.logFormat, true, config.production)).toBe('json');
    expect(loadConfig({}).logFormat).toBe('auto');
  });

  it('pretty: one readable line per entry, secrets redacted', async () => {
    const { logger, lines } = capture('pretty');
    logSecrets(logger);
    logger.warn({ conversationId: 'c-1' }, 'transcript write failed');
    await new Promise((r) => setImmediate(r));
    const out = lines();
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: bot listening /);
    expect(out[1]).toMatch(/WARN: transcript write failed .*"conversationId":"c-1"/);
    expect(() => JSON.parse(out[0]!)).toThrow();
    const all = out.join('\n');
    expect(all).not.toMatch(/s3cr3t|c00kie|hunter2/);
    expect(all).toContain('[redacted]');
  });

  it('json: one JSON object per entry, secrets redacted', async () => {
    const { logger, lines } = capture('json');
    logSecrets(logger);
    await new Promise((r) => setImmediate(r));
    const [line] = lines();
    const parsed = JSON.parse(line!) as Record<string, unknown>;
    expect(parsed).toMatchObject({ msg: 'bot listening', level: 30, text: '[redacted]', headers: { authorization: '[redacted]' } });
    expect(line).not.toMatch(/s3cr3t|c00kie|hunter2/);
  });
});
