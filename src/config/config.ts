/**
 * Configuration from the environment (and `.env` when present), validated once at start with messages
 * that name the variable. Secrets live only here and in the clients built from it: they never enter
 * workflow inputs, results, history or logs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const optionalString = z.string().optional();
const optionalUrl = z.url({ protocol: /^https?$/ }).optional();
const port = z.coerce.number().int().min(0).max(65535);

const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: optionalUrl,
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('autotriage'),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: optionalString,
  WEBHOOK_SECRET: optionalString,
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  VIRUSTOTAL_API_KEY: optionalString,
  VIRUSTOTAL_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://www.virustotal.com/api/v3'),
  SIEM: z.enum(['local', 'panther']).default('local'),
  LOCAL_SIEM_LOGS: z.string().default('./data/logs'),
  PANTHER_API_URL: optionalUrl,
  PANTHER_API_TOKEN: optionalString,
  SLACK_BOT_TOKEN: optionalString,
  SLACK_CHANNEL: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
  SLACK_AUDIT_CHANNEL: optionalString,
  JIRA_HOST: optionalUrl,
  JIRA_EMAIL: optionalString,
  JIRA_API_TOKEN: optionalString,
  JIRA_PROJECT_KEY: optionalString,
  JIRA_ISSUE_TYPE: z.string().default('Task'),
  AUTOCLOSE_MODE: z.enum(['off', 'shadow', 'enforce']).default('shadow'),
  DATA_DIR: z.string().default('./.data'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  api: { host: string; port: number; publicUrl: string; webhookSecret?: string; maxBodyBytes: number };
  temporal: { address: string; namespace: string; taskQueue: string; uiPort: number; cliPath?: string };
  virustotal?: { apiKey: string; baseUrl: string };
  siem: { kind: 'local'; logsDir: string } | { kind: 'panther'; apiUrl: string; apiToken: string };
  slack?: { botToken: string; channel: string; apiUrl: string; signingSecret?: string; auditChannel?: string };
  jira?: { host: string; email: string; apiToken: string; projectKey: string; issueType: string };
  autoCloseMode: 'off' | 'shadow' | 'enforce';
  dataDir: string;
  log: { level: Env['LOG_LEVEL']; format: 'pretty' | 'json' };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads `.env` from the working directory if it exists; real environment variables win. */
export function loadDotEnv(file = path.resolve('.env')): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

function requireTogether(env: Env, names: (keyof Env)[], what: string): boolean {
  const set = names.filter((n) => env[n] !== undefined);
  if (set.length === 0) return false;
  if (set.length < names.length) {
    const missing = names.filter((n) => env[n] === undefined);
    throw new ConfigError(`${what} is partly configured: set ${missing.join(', ')} too (or unset ${set.join(', ')})`);
  }
  return true;
}

/** An empty value means unset (so `PORT=` in a .env falls back to the default). */
function withoutEmpty(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== ''),
  );
}

export function parseConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(withoutEmpty(source));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const hasSlack = requireTogether(env, ['SLACK_BOT_TOKEN', 'SLACK_CHANNEL'], 'Slack');
  const hasJira = requireTogether(env, ['JIRA_HOST', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY'], 'Jira');
  if (env.SIEM === 'panther' && (!env.PANTHER_API_URL || !env.PANTHER_API_TOKEN)) {
    throw new ConfigError('SIEM=panther needs PANTHER_API_URL and PANTHER_API_TOKEN');
  }
  const displayHost = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return {
    api: {
      host: env.HOST,
      port: env.PORT,
      publicUrl: (env.PUBLIC_URL ?? `http://${displayHost}:${env.PORT}`).replace(/\/+$/, ''),
      webhookSecret: env.WEBHOOK_SECRET,
      maxBodyBytes: env.MAX_BODY_BYTES,
    },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiPort: env.TEMPORAL_UI_PORT,
      cliPath: env.TEMPORAL_CLI_PATH,
    },
    virustotal: env.VIRUSTOTAL_API_KEY
      ? { apiKey: env.VIRUSTOTAL_API_KEY, baseUrl: env.VIRUSTOTAL_BASE_URL.replace(/\/+$/, '') }
      : undefined,
    siem:
      env.SIEM === 'panther'
        ? { kind: 'panther', apiUrl: env.PANTHER_API_URL!, apiToken: env.PANTHER_API_TOKEN! }
        : { kind: 'local', logsDir: path.resolve(env.LOCAL_SIEM_LOGS) },
    slack: hasSlack
      ? {
          botToken: env.SLACK_BOT_TOKEN!,
          channel: env.SLACK_CHANNEL!,
          apiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`,
          signingSecret: env.SLACK_SIGNING_SECRET,
          auditChannel: env.SLACK_AUDIT_CHANNEL,
        }
      : undefined,
    jira: hasJira
      ? {
          host: env.JIRA_HOST!.replace(/\/+$/, ''),
          email: env.JIRA_EMAIL!,
          apiToken: env.JIRA_API_TOKEN!,
          projectKey: env.JIRA_PROJECT_KEY!,
          issueType: env.JIRA_ISSUE_TYPE,
        }
      : undefined,
    autoCloseMode: env.AUTOCLOSE_MODE,
    dataDir: path.resolve(env.DATA_DIR),
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json') },
  };
}

/** Loads `.env`, parses, and exits with the message on a bad configuration (for process entry points). */
export function loadConfigOrExit(): Config {
  loadDotEnv();
  try {
    return parseConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`autotriage: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}
