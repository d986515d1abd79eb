/**
 * Panther alerts through the public API: reading an alert (and its first events) when the webhook lacked
 * the LogType or the indicators, and writing back what autotriage found (a comment, optionally a status).
 * Documents from reference/panther.md §2.4.
 */
import type { PantherClient } from './client';
import type { SiemAlertStatus } from '../../domain/alert';

const GET_ALERT = `query GetAlertById($id: ID!, $eventsInput: AlertEventsInput) {
  alert(id: $id) {
    id
    title
    severity
    status
    events(input: $eventsInput) {
      edges { node }
    }
  }
}`;

const UPDATE_STATUS = `mutation UpdateAlertStatusById($input: UpdateAlertStatusByIdInput!) {
  updateAlertStatusById(input: $input) { alerts { id status } }
}`;

/** 50 comments a page: 1,000 comments on one alert is past any triage. */
const MAX_COMMENT_PAGES = 20;

const CREATE_COMMENT = `mutation CreateAlertComment($input: CreateAlertCommentInput!) {
  createAlertComment(input: $input) { comment { id } }
}`;

/** Panther's AlertStatus enum. */
export type PantherAlertStatus = SiemAlertStatus;

export interface PantherAlertEvents {
  id: string;
  title: string;
  status: string;
  events: Array<Record<string, unknown>>;
}

export class PantherAlerts {
  constructor(private readonly client: PantherClient) {}

  /** The longest one call can take. */
  get timeoutMs(): number {
    return this.client.timeoutMs;
  }

  async get(alertId: string, signal?: AbortSignal, eventCount = 10): Promise<PantherAlertEvents> {
    const { alert } = await this.client.graphql<{
      alert: { id: string; title: string; status: string; events?: { edges: Array<{ node: Record<string, unknown> }> } | null };
    }>(GET_ALERT, { id: alertId, eventsInput: { pageSize: eventCount } }, signal);
    return { id: alert.id, title: alert.title, status: alert.status, events: (alert.events?.edges ?? []).map((e) => e.node) };
  }

  async setStatus(alertId: string, status: PantherAlertStatus, signal?: AbortSignal): Promise<void> {
    await this.client.graphql(UPDATE_STATUS, { input: { ids: [alertId], status } }, signal);
  }

  async comment(alertId: string, body: string, signal?: AbortSignal): Promise<void> {
    await this.client.graphql(CREATE_COMMENT, { input: { alertId, body, format: 'PLAIN_TEXT' } }, signal);
  }

  /**
   * Whether a comment containing `marker` exists (REST `GET /alert-comments`; look-before-create on
   * retries). Every page: a busy alert has more than one page of comments, ours among the later ones.
   */
  async hasComment(alertId: string, marker: string, signal?: AbortSignal, beforePage?: () => void): Promise<boolean> {
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_COMMENT_PAGES; pages++) {
      beforePage?.();
      const params = new URLSearchParams({ 'alert-id': alertId, limit: '50', ...(cursor ? { cursor } : {}) });
      // An empty answer (a 204, a proxy's empty 200) is a page with no comments, not a crash retried for hours.
      const page = ((await this.client.rest('GET', `/alert-comments?${params.toString()}`, undefined, signal)) ?? {}) as {
        results?: Array<{ body?: string }>;
        next?: string | null;
      };
      if ((page.results ?? []).some((c) => (c.body ?? '').includes(marker))) return true;
      if (!page.next) return false;
      cursor = page.next;
    }
    return false;
  }
}
