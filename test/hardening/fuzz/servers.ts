/** The two in-process apps the fuzz aims at, the capture server standing in for the channel, and their logs. */
import { Writable } from 'node:stream';
import { tempDir } from '../../helpers/botHarness.js';
import { CaptureServer } from '../../helpers/captureServer.js';
import { createLogger, loadConfig, startApp, type App } from './botModules.js';
import { ADMIN, AGENT, MAX_BODY } from './settings.js';

export interface FuzzServers {
  /** The bot endpoint without an app id or local channel (anonymous, replies to the capture server), and the consoles' APIs. */
  app: App;
  /** The local Direct Line and its connector, where the bot endpoint takes nothing but the channel's own activities. */
  dlApp: App;
  capture: CaptureServer;
  dataDir: string;
  dlDataDir: string;
  /** Both apps' log lines (warn and up), kept for the report. */
  logLines: string[];
  close(): Promise<void>;
}

/** Rate limits and Direct Line quotas far above what the fuzz sends: it is after the handlers, not the limiters. */
function config(capture: CaptureServer, localDirectLine: boolean, dir: string): ReturnType<typeof loadConfig> {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    LOG_LEVEL: 'warn',
    LOCAL_DIRECTLINE: String(localDirectLine),
    ALLOWED_SERVICE_URLS: capture.url,
    MAX_BODY_BYTES: String(MAX_BODY),
    AGENT_TOKENS: `fuzzagent:${AGENT}`,
    ADMIN_TOKENS: `fuzzadmin:${ADMIN}`,
    RATE_LIMIT_CONVERSATION_PER_MINUTE: '100000',
    RATE_LIMIT_CLIENT_PER_MINUTE: '100000',
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000',
    DIRECTLINE_CONVERSATIONS_PER_CLIENT: '10000',
    DIRECTLINE_MAX_CONVERSATIONS: '10000',
  });
}

export async function startFuzzServers(): Promise<FuzzServers> {
  const capture = await CaptureServer.start();
  const dataDir = tempDir('mfa-fuzz-');
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logLines.push(line);
      done();
    },
  });
  const dlDataDir = tempDir('mfa-fuzz-dl-');
  let app: App;
  let dlApp: App;
  try {
    [app, dlApp] = await Promise.all([
      startApp(config(capture, false, dataDir), { logger: createLogger('warn', sink) }),
      startApp(config(capture, true, dlDataDir), { logger: createLogger('warn', sink) }),
    ]);
  } catch (err) {
    await capture.close();
    throw err;
  }
  const close = async (): Promise<void> => {
    await Promise.all([app.close(), dlApp.close()]);
    await capture.close();
  };
  return { app, dlApp, capture, dataDir, dlDataDir, logLines, close };
}
