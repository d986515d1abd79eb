/** Builds the activities' clients from configuration. The only place secrets meet clients. */
import path from 'node:path';
import type { ActivityDeps } from '../activities';
import type { Config } from '../config/config';
import { JiraClient } from '../connectors/jira';
import { SlackClient } from '../connectors/slack';
import { VirusTotalClient } from '../connectors/virustotal';
import { LocalSiem } from '../siem/local/local-siem';
import type { Siem } from '../siem/siem';

export async function openSiem(config: Config): Promise<Siem> {
  if (config.siem.kind === 'local') {
    return LocalSiem.open({ logsDir: config.siem.logsDir, publicUrl: config.api.publicUrl });
  }
  throw new Error('SIEM=panther is not available yet in this version');
}

export async function buildActivityDeps(config: Config, print: (text: string) => void): Promise<ActivityDeps> {
  return {
    virustotal: config.virustotal && new VirusTotalClient(config.virustotal),
    siem: await openSiem(config),
    slack: config.slack && {
      client: new SlackClient({ botToken: config.slack.botToken, apiUrl: config.slack.apiUrl }),
      channel: config.slack.channel,
    },
    jira: config.jira && new JiraClient(config.jira),
    ticketsDir: path.join(config.dataDir, 'tickets'),
    print,
  };
}
