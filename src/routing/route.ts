/**
 * Routing decisions — pure functions over the Alert and the routing table.
 */
import type { Alert } from '../domain/alert';
import { PLAYBOOKS, type PlaybookId } from './playbooks';
import {
  DETECTION_ROUTES,
  FALLBACK_PLAYBOOK,
  GENERIC_LOG_TYPE_WORKFLOW,
  LOG_TYPE_WORKFLOWS,
} from './routing-table';

export type LogTypeWorkflowName =
  | (typeof LOG_TYPE_WORKFLOWS)[keyof typeof LOG_TYPE_WORKFLOWS]['workflow']
  | (typeof GENERIC_LOG_TYPE_WORKFLOW)['workflow'];

export interface LogTypeRoute {
  workflow: LogTypeWorkflowName;
  /** Appended to the parent's workflow id: `alert/panther/<id>/okta`. */
  childSuffix: string;
}

export interface PlaybookRoute {
  playbook: PlaybookId;
  /** `fallback` when the detection is not in the routing table: the ticket says so. */
  matchedBy: 'routing-table' | 'fallback';
}

export function routeByLogType(logType: string): LogTypeRoute {
  const route = (LOG_TYPE_WORKFLOWS as Record<string, LogTypeRoute | undefined>)[logType];
  return route ?? GENERIC_LOG_TYPE_WORKFLOW;
}

export function routeByDetection(detectionId: string): PlaybookRoute {
  const entry = DETECTION_ROUTES[detectionId];
  if (entry && entry.playbook in PLAYBOOKS) return { playbook: entry.playbook, matchedBy: 'routing-table' };
  return { playbook: FALLBACK_PLAYBOOK, matchedBy: 'fallback' };
}

/** The LogType the routing table pins for a detection, if any. */
export function logTypeForDetection(detectionId: string): string | undefined {
  return DETECTION_ROUTES[detectionId]?.logType;
}

export function childWorkflowId(parentWorkflowId: string, route: LogTypeRoute): string {
  return `${parentWorkflowId}/${route.childSuffix}`;
}

export function describeRoute(alert: Alert): { logType: LogTypeRoute; playbook: PlaybookRoute } {
  return { logType: routeByLogType(alert.logType), playbook: routeByDetection(alert.detectionId) };
}
