/**
 * pino, pretty for people (a TTY or LOG_FORMAT=pretty) and JSON for machines. Known secret-bearing keys are
 * redacted wherever they appear, so a logged config or error object cannot leak a token.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const REDACT_PATHS = [
  'apiKey',
  'apiToken',
  'botToken',
  'token',
  'signingSecret',
  'webhookSecret',
  'password',
  'authorization',
  '*.apiKey',
  '*.apiToken',
  '*.botToken',
  '*.token',
  '*.signingSecret',
  '*.webhookSecret',
  '*.password',
  '*.authorization',
  'headers.authorization',
  'headers["x-apikey"]',
  'headers["x-webhook-secret"]',
  'headers["x-api-key"]',
];

export interface LoggerOptions {
  name: string;
  level?: string;
  format?: 'pretty' | 'json';
}

export function createLogger({ name, level = 'info', format = 'json' }: LoggerOptions): Logger {
  const options = { name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (format === 'pretty') {
    return pino(
      options,
      pretty({ colorize: process.stdout.isTTY || !!process.env.FORCE_COLOR, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name', sync: true }),
    );
  }
  return pino(options);
}
