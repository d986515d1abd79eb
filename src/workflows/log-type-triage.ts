/**
 * One child workflow per LogType. Each knows where that LogType's data lives (for Okta: the user's login
 * history in okta_systemlog) and runs the detection's playbook with that knowledge.
 */
import { workflowInfo } from '@temporalio/workflow';
import { PLAYBOOK_RUNNERS, type PlaybookContext } from './playbooks';
import type { LogTypeTriageInput, PlaybookReport } from './types';

async function runPlaybook(input: LogTypeTriageInput, ctx: PlaybookContext): Promise<PlaybookReport> {
  const run = PLAYBOOK_RUNNERS[input.playbook.playbook];
  return {
    playbook: input.playbook.playbook,
    matchedBy: input.playbook.matchedBy,
    logTypeWorkflow: workflowInfo().workflowType,
    enrichments: await run(input.alert, ctx),
  };
}

/** Okta System Log alerts: login history comes from Okta's own events. */
export async function oktaTriage(input: LogTypeTriageInput): Promise<PlaybookReport> {
  return runPlaybook(input, { loginLogType: 'Okta.SystemLog' });
}

/** AWS CloudTrail alerts: login history comes from ConsoleLogin events, keyed by the user's ARN. */
export async function cloudTrailTriage(input: LogTypeTriageInput): Promise<PlaybookReport> {
  return runPlaybook(input, { loginLogType: 'AWS.CloudTrail' });
}

/** Google Workspace alerts: login history comes from the login application's events. */
export async function gsuiteTriage(input: LogTypeTriageInput): Promise<PlaybookReport> {
  return runPlaybook(input, { loginLogType: 'GSuite.ActivityEvent' });
}

/** Every other LogType: the playbook's steps that need no LogType-specific data. */
export async function genericTriage(input: LogTypeTriageInput): Promise<PlaybookReport> {
  return runPlaybook(input, {});
}
