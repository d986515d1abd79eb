/**
 * Routing decisions — pure functions over the Alert and the routing table.
 */
import { isDetectionError, type Alert } from '../domain/alert';
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
  /**
   * `fallback` when the detection is not in the routing table, `detection-error` when the alert reports
   * that the detection itself failed (its playbook expects a security event): the ticket says so.
   */
  matchedBy: 'routing-table' | 'fallback' | 'detection-error';
}

export function routeByLogType(logType: string): LogTypeRoute {
  // hasOwn: a LogType named "constructor" must not match Object.prototype.
  return Object.hasOwn(LOG_TYPE_WORKFLOWS, logType)
    ? (LOG_TYPE_WORKFLOWS as Record<string, LogTypeRoute>)[logType]!
    : GENERIC_LOG_TYPE_WORKFLOW;
}

export function routeByDetection(detectionId: string, alertType?: string): PlaybookRoute {
  if (isDetectionError(alertType)) return { playbook: FALLBACK_PLAYBOOK, matchedBy: 'detection-error' };
  const entry = Object.hasOwn(DETECTION_ROUTES, detectionId) ? DETECTION_ROUTES[detectionId] : undefined;
  if (entry && Object.hasOwn(PLAYBOOKS, entry.playbook)) return { playbook: entry.playbook, matchedBy: 'routing-table' };
  return { playbook: FALLBACK_PLAYBOOK, matchedBy: 'fallback' };
}

/** The LogType the routing table pins for a detection, if any. */
export function logTypeForDetection(detectionId: string): string | undefined {
  return Object.hasOwn(DETECTION_ROUTES, detectionId) ? DETECTION_ROUTES[detectionId]?.logType : undefined;
}

export function childWorkflowId(parentWorkflowId: string, route: LogTypeRoute): string {
  return `${parentWorkflowId}/${route.childSuffix}`;
}

export function describeRoute(alert: Alert): { logType: LogTypeRoute; playbook: PlaybookRoute } {
  return { logType: routeByLogType(alert.logType), playbook: routeByDetection(alert.detectionId, alert.alertType) };
}
