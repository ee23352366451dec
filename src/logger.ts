import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

const CENSOR = '[redacted]';
/** Header names whose values are credentials, wherever they turn up (headers objects, rawHeaders arrays). */
const SECRET_HEADER = /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|ocp-apim-subscription-key)$/i;
const BEARER = /\b(Bearer|Basic)\s+[\w\-.~+/=]+/gi;
/** Larger than any log call of ours; a library's object past it is cut rather than walked. */
const MAX_SCRUB_DEPTH = 8;
const MAX_SCRUB_NODES = 2_000;

/**
 * A copy of a log object with credentials removed: values of secret header names (as object keys or in a
 * rawHeaders [name, value, ...] list) and `Bearer ...`/`Basic ...` inside any string. Libraries log what they
 * like (restify's "error in formatter" warning logs the whole request, rawHeaders and all), so this runs on
 * every line, after known objects got their serializers, and before the path-based redaction below.
 */
function scrubLine(line: Record<string, unknown>): Record<string, unknown> {
  let budget = MAX_SCRUB_NODES;
  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return value.replace(BEARER, `$1 ${CENSOR}`);
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_SCRUB_DEPTH || (budget -= 1) < 0) return '[cut]';
    if (value instanceof Error) return scrub(pino.stdSerializers.err(value), depth);
    if (Array.isArray(value)) {
      return value.map((item, i) =>
        i > 0 && typeof value[i - 1] === 'string' && SECRET_HEADER.test(value[i - 1] as string) ? CENSOR : scrub(item, depth + 1),
      );
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = SECRET_HEADER.test(key) ? CENSOR : scrub(item, depth + 1);
    return out;
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(line)) {
    const known = SERIALIZERS[key];
    out[key] = SECRET_HEADER.test(key) ? CENSOR : scrub(known && value !== null && typeof value === 'object' ? known(value) : value, 1);
  }
  return out;
}

/** A request as a log line may show it: what was asked, never headers or the query string. */
function request(value: object): Record<string, unknown> {
  const { method, url } = value as { method?: unknown; url?: unknown };
  return { method, path: typeof url === 'string' ? url.split('?')[0] : undefined };
}

const SERIALIZERS: Record<string, (value: object) => unknown> = {
  req: request,
  request,
  res: (value) => ({ statusCode: (value as { statusCode?: unknown }).statusCode }),
  err: (value) => (value instanceof Error ? pino.stdSerializers.err(value) : value),
};

/** JSON lines for machines (files, pipes, journald, collectors), or one human line per entry for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * `auto` means pretty only for a developer watching a terminal: stdout a TTY and not production. Anything
 * read by a program (a pipe, a file, journald under systemd, a container's log driver) gets JSON.
 */
export function chooseLogFormat(setting: 'auto' | LogFormat, stdoutIsTTY: boolean, production: boolean): LogFormat {
  if (setting !== 'auto') return setting;
  return stdoutIsTTY && !production ? 'pretty' : 'json';
}

/**
 * Structured JSON logs (or, with `format` pretty, the same entries as one readable line each: redaction and
 * scrubbing run before either is written). Paths that can carry secrets or user text are redacted so they never reach a log
 * sink, whatever a caller passes in; requests are logged by method and path only, and every line is scrubbed
 * of credentials a library may have put anywhere.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream, format: LogFormat = 'json'): Logger {
  // In-process and synchronous (not pino's worker transport), so the last lines before process.exit are written.
  const out =
    format === 'pretty'
      ? pretty({
          destination: destination ?? 1,
          sync: true,
          singleLine: true,
          colorize: destination ? false : pretty.isColorSupported,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
        })
      : destination;
  return pino(
    {
      level,
      // Known objects are reduced by SERIALIZERS inside scrubLine: pino runs this formatter before its own serializers.
      formatters: { log: scrubLine },
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.password',
          '*.MicrosoftAppPassword',
          '*.token',
          // The model's API key, wherever a caller nests the config.
          'apiKey',
          '*.apiKey',
          '*.*.apiKey',
          'activity.text',
          'text',
        ],
        censor: CENSOR,
      },
    },
    out as pino.DestinationStream | undefined,
  );
}
