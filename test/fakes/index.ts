/**
 * The third-party API fakes, and `startFakes()` to run all three with matching client configuration
 * (plus the Panther fake, only when asked for with `startFakes({ panther: {...} })`).
 */
import { JiraFake, type JiraFakeOptions } from './jira';
import { PantherFake, type PantherFakeOptions } from './panther';
import { SlackFake, type SlackFakeOptions } from './slack';
import { VirusTotalFake, type VirusTotalFakeOptions } from './virustotal';

export * from './http-fake';
export * from './virustotal';
export * from './slack';
export * from './jira';
export * from './panther';
export * from './abuseipdb';
export * from './greynoise';

/** Credentials the fakes accept by default (and `env` advertises). */
export const FAKE_CREDENTIALS = {
  virustotalApiKey: 'f'.repeat(64),
  slackBotToken: 'xoxb-000000000000-0000000000000-fakefakefakefakefakefake',
  slackChannel: 'C0SOCALERTS',
  slackSigningSecret: 'fake-signing-secret-0123456789abcdef',
  jiraEmail: 'autotriage-bot@example.com',
  jiraApiToken: 'ATATT-fake-jira-api-token',
  jiraProjectKey: 'SEC',
  pantherApiToken: 'fake-panther-api-token-0123456789abcdef',
} as const;

export interface StartFakesOptions {
  /** Fixed ports (default 0 = any free port). */
  ports?: { vt?: number; slack?: number; jira?: number; panther?: number };
  vt?: Partial<VirusTotalFakeOptions>;
  slack?: Partial<SlackFakeOptions>;
  jira?: Partial<JiraFakeOptions>;
  /**
   * Also start the Panther fake (`{}` for the defaults) and add `PANTHER_API_URL`/`PANTHER_API_TOKEN` to
   * `env`. Off by default: with those set autotriage looks alerts up in Panther and writes back to it.
   */
  panther?: Partial<PantherFakeOptions>;
}

export interface RunningFakes {
  vt: VirusTotalFake;
  slack: SlackFake;
  jira: JiraFake;
  /** Present only when `startFakes({ panther })` asked for it. */
  panther?: PantherFake;
  /** Environment variables that point autotriage's config at the fakes. */
  env: Record<string, string>;
  stop(): Promise<void>;
  /** Reset every started fake (records, faults, state). */
  reset(): void;
}

export async function startFakes(opts: StartFakesOptions = {}): Promise<RunningFakes> {
  const c = FAKE_CREDENTIALS;
  const vt = new VirusTotalFake({ apiKey: c.virustotalApiKey, ...opts.vt });
  const slack = new SlackFake({ token: c.slackBotToken, ...opts.slack });
  const jira = new JiraFake({ email: c.jiraEmail, apiToken: c.jiraApiToken, projects: [c.jiraProjectKey], ...opts.jira });
  const panther = opts.panther ? new PantherFake({ apiKey: c.pantherApiToken, ...opts.panther }) : undefined;
  const all = panther ? [vt, slack, jira, panther] : [vt, slack, jira];
  const stop = async (): Promise<void> => {
    await Promise.all(all.map((f) => f.stop()));
  };
  try {
    await vt.start(opts.ports?.vt);
    await slack.start(opts.ports?.slack);
    await jira.start(opts.ports?.jira);
    await panther?.start(opts.ports?.panther);
  } catch (err) {
    await stop();
    throw err;
  }
  const env: Record<string, string> = {
    VIRUSTOTAL_BASE_URL: vt.apiBaseUrl,
    VIRUSTOTAL_API_KEY: vt.apiKey,
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_CHANNEL: c.slackChannel,
    SLACK_SIGNING_SECRET: c.slackSigningSecret,
    JIRA_HOST: jira.url,
    JIRA_EMAIL: jira.email,
    JIRA_API_TOKEN: jira.apiToken,
    JIRA_PROJECT_KEY: jira.projects[0] ?? c.jiraProjectKey,
    ...(panther ? { PANTHER_API_URL: panther.graphqlUrl, PANTHER_API_TOKEN: panther.apiKey } : {}),
  };
  return { vt, slack, jira, ...(panther ? { panther } : {}), env, stop, reset: () => all.forEach((f) => f.reset()) };
}
