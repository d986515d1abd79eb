/**
 * Small CloudTrail and Google Workspace fixtures in those sources' real event shapes (panther-analysis
 * test events), for the LogTypes beyond Okta. Written next to the Okta sample logs.
 */
import fs from 'node:fs';
import path from 'node:path';

export const ROOT_ARN = 'arn:aws:iam::123456789012:root';
export const CLOUDTRAIL_HOME_IP = '198.51.100.77';
export const GSUITE_USER = 'carol@acme.io';
export const GSUITE_HOME_IP = '198.51.100.88';
/** A rarely used account whose password an attacker guessed: 3 logins from home in 90 days, then the attack. */
export const QUIET_USER = 'dave@acme.io';
export const QUIET_HOME_IP = '198.51.100.89';
/** Clean by reputation (a residential proxy): the attacker's failures, then 4 successes, in the last hour. */
export const PROXY_IP = '203.0.113.147';

function hoursAgo(now: Date, h: number): string {
  return new Date(now.getTime() - h * 3_600_000).toISOString();
}

function consoleLogin(now: Date, h: number, ip: string, result: 'Success' | 'Failure') {
  return {
    eventVersion: '1.05',
    userIdentity: { type: 'Root', principalId: '123456789012', arn: ROOT_ARN, accountId: '123456789012', userName: 'root' },
    eventTime: hoursAgo(now, h),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)',
    requestParameters: null,
    responseElements: { ConsoleLogin: result },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/', MobileVersion: 'No', MFAUsed: 'Yes' },
    eventID: `evt-${h}-${result}`,
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: '123456789012',
  };
}

function gsuiteLogin(now: Date, h: number, ip: string, name: 'login_success' | 'login_failure', user = GSUITE_USER) {
  return {
    id: { applicationName: 'login', time: hoursAgo(now, h), uniqueQualifier: `${user}-${h}`, customerId: 'C0123' },
    actor: { email: user, profileId: '1234' },
    kind: 'admin#reports#activity',
    type: 'login',
    name,
    ipAddress: ip,
    parameters: { login_type: 'google_password' },
  };
}

export function writeMoreLogs(dir: string, now = new Date()): void {
  const cloudtrail = [
    ...[200, 150, 100, 50, 10].map((h) => consoleLogin(now, h, CLOUDTRAIL_HOME_IP, 'Success')),
    consoleLogin(now, 30, '198.51.100.78', 'Success'),
    ...[1, 1.01, 1.02].map((h) => consoleLogin(now, h, '185.220.101.48', 'Failure')),
  ];
  const gsuite = [
    ...[300, 120, 48, 5].map((h) => gsuiteLogin(now, h, GSUITE_HOME_IP, 'login_success')),
    ...[0.5, 0.51].map((h) => gsuiteLogin(now, h, '185.220.101.49', 'login_failure')),
    ...[1500, 900, 200].map((h) => gsuiteLogin(now, h, QUIET_HOME_IP, 'login_success', QUIET_USER)),
    ...[0.6, 0.59, 0.58, 0.57, 0.56].map((h) => gsuiteLogin(now, h, PROXY_IP, 'login_failure', QUIET_USER)),
    ...[0.55, 0.4, 0.3, 0.2].map((h) => gsuiteLogin(now, h, PROXY_IP, 'login_success', QUIET_USER)),
  ];
  for (const [table, events] of [['aws_cloudtrail', cloudtrail], ['gsuite_activityevent', gsuite]] as const) {
    fs.mkdirSync(path.join(dir, table), { recursive: true });
    fs.writeFileSync(path.join(dir, table, 'fixture.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  }
}
