/** Builds the activities' clients from configuration. The only place secrets meet clients. */
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { ActivityDeps, ReputationDeps } from '../activities';
import type { Config } from '../config/config';
import { AbuseIpdbClient } from '../connectors/abuseipdb';
import { GreyNoiseClient } from '../connectors/greynoise';
import { JiraClient } from '../connectors/jira';
import { PantherAlerts } from '../connectors/panther/alerts';
import { PantherClient } from '../connectors/panther/client';
import { SlackClient } from '../connectors/slack';
import { VirusTotalClient } from '../connectors/virustotal';
import { LocalSiem } from '../siem/local/local-siem';
import { searchLinkKey, searchLinkTtlMs } from '../siem/local/search-link';
import { PantherSiem } from '../siem/panther/panther-siem';
import type { Siem } from '../siem/siem';
import { payloadCodec } from '../temporal/data-converter';
import { providerTaskQueue } from '../temporal/task-queues';

/** Heartbeats when called inside an activity (Panther queries report progress while they poll). */
function heartbeatIfInActivity(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Not inside an activity: nothing to report to.
  }
}

export async function openSiem(config: Config, panther: PantherClient | undefined, warn?: (message: string) => void): Promise<Siem> {
  if (config.siem.kind === 'local') {
    return LocalSiem.open({
      logsDir: config.siem.logsDir,
      publicUrl: config.api.publicUrl,
      ...(warn ? { onWarning: warn } : {}),
      ...(config.api.webhookSecret ? { linkKey: searchLinkKey(config.api.webhookSecret), linkTtlMs: searchLinkTtlMs(config.policy) } : {}),
    });
  }
  if (!panther || !config.panther) throw new Error('SIEM=panther needs PANTHER_API_URL and PANTHER_API_TOKEN');
  return new PantherSiem({
    client: panther,
    consoleUrl: config.panther.consoleUrl,
    queryTimeoutMs: config.panther.queryTimeoutMs,
    onProgress: heartbeatIfInActivity,
  });
}

export function reputationSources(config: Config): ReputationDeps['sources'] {
  const { virustotal, abuseipdb, greynoise } = config.reputation;
  const queue = (p: 'virustotal' | 'abuseipdb' | 'greynoise') => providerTaskQueue(config.temporal.taskQueue, p);
  const sources: ReputationDeps['sources'] = {};
  if (virustotal) {
    const client = new VirusTotalClient(virustotal);
    sources.virustotal = { ...virustotal, fetchTaskQueue: queue('virustotal'), fetch: (ip, signal) => client.ipReputation(ip, signal) };
  }
  if (abuseipdb) {
    const client = new AbuseIpdbClient(abuseipdb);
    sources.abuseipdb = { ...abuseipdb, fetchTaskQueue: queue('abuseipdb'), fetch: (ip, signal) => client.check(ip, signal) };
  }
  if (greynoise) {
    const client = new GreyNoiseClient(greynoise);
    sources.greynoise = { ...greynoise, fetchTaskQueue: queue('greynoise'), fetch: (ip, signal) => client.community(ip, signal) };
  }
  return sources;
}

export async function buildActivityDeps(
  config: Config,
  temporal: Client,
  print: (text: string) => void,
  warn?: (message: string) => void,
): Promise<ActivityDeps> {
  const panther = config.panther && new PantherClient({ apiUrl: config.panther.apiUrl, apiToken: config.panther.apiToken });
  // With encryption on, the IP in a cache workflow's id would be the one alert datum stored in clear.
  const codec = payloadCodec(config);
  return {
    siem: await openSiem(config, panther, warn),
    panther: panther && {
      alerts: new PantherAlerts(panther),
      writeBack: config.panther!.writeBack,
      comment: config.panther!.comment,
      statusOnTicket: config.panther!.statusOnTicket,
    },
    reputation: {
      temporal: { client: temporal, taskQueue: config.temporal.taskQueue },
      sources: reputationSources(config),
      waitMs: config.enrichmentWaitMs,
      indicatorKey: codec && ((indicator) => codec.pseudonym(indicator)),
    },
    slack: config.slack && {
      client: new SlackClient({ botToken: config.slack.botToken, apiUrl: config.slack.apiUrl }),
      channel: config.slack.channel,
      auditChannel: config.slack.auditChannel,
    },
    jira: config.jira && new JiraClient(config.jira),
    ticketsDir: path.join(config.dataDir, 'tickets'),
    print,
  };
}
