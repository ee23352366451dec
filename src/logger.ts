import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Paths that can carry secrets or user text are redacted so they never reach a log
 * sink, whatever a caller passes in.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
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
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
