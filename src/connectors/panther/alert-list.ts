/**
 * Listing Panther alerts created in a time range (for backfill), as the webhook would have delivered
 * them: `alerts(input: {createdAtAfter, createdAtBefore, cursor})` paged with its cursor.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError } from '../http';
import type { PantherClient } from './client';

/**
 * A page that fails the way a busy API fails (5xx, a timeout, a 429) is asked again: a backfill of a month
 * must not die on one bad page. Transient failures back off 1, 2, 4… s; a 429 waits its Retry-After.
 */
export const PAGE_RETRY = { attempts: 6, firstDelayMs: 1000, maxDelayMs: 30_000 } as const;

const LIST_ALERTS = `query ListAlerts($input: AlertsInput!) {
  alerts(input: $input) {
    edges {
      node {
        id
        title
        severity
        type
        createdAt
        description
        runbook
        origin { ... on Detection { id name } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface AlertNode {
  id: string;
  title: string;
  severity: string;
  type: string;
  createdAt: string;
  description?: string | null;
  runbook?: string | null;
  origin?: { id?: string; name?: string | null } | null;
}

export interface WebhookShapedAlert {
  id: string;
  alertId: string;
  title: string;
  severity: string;
  type: string;
  createdAt: string;
  link: string;
  name?: string | null;
  description?: string | null;
  runbook?: string | null;
  alertContext: Record<string, unknown>;
}

export class PantherAlertSource {
  constructor(
    private readonly client: PantherClient,
    private readonly consoleUrl: string,
  ) {}

  async *list(from: Date, to: Date, pageSize = 50): AsyncGenerator<WebhookShapedAlert> {
    let cursor: string | null = null;
    for (;;) {
      const page = await this.page({ createdAtAfter: from.toISOString(), createdAtBefore: to.toISOString(), pageSize, cursor, sortDir: 'ascending' });
      for (const { node } of page.alerts.edges) {
        yield {
          id: node.origin?.id ?? 'Unknown.Detection',
          alertId: node.id,
          title: node.title,
          severity: node.severity,
          type: node.type,
          createdAt: node.createdAt,
          link: `${this.consoleUrl}/alerts/${encodeURIComponent(node.id)}`,
          name: node.origin?.name,
          description: node.description,
          runbook: node.runbook,
          alertContext: {},
        };
      }
      if (!page.alerts.pageInfo.hasNextPage || !page.alerts.pageInfo.endCursor) return;
      cursor = page.alerts.pageInfo.endCursor;
    }
  }

  private async page(input: Record<string, unknown>): Promise<AlertPage> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.graphql<AlertPage>(LIST_ALERTS, { input });
      } catch (err) {
        const retryable = err instanceof ProviderError && (err.category === 'transient' || err.category === 'rate_limit');
        if (!retryable || attempt >= PAGE_RETRY.attempts) throw err;
        const backoff = Math.min(PAGE_RETRY.firstDelayMs * 2 ** (attempt - 1), PAGE_RETRY.maxDelayMs);
        await sleep(err.category === 'rate_limit' ? Math.min(err.details.retryAfterMs ?? backoff, PAGE_RETRY.maxDelayMs) : backoff);
      }
    }
  }
}

interface AlertPage {
  alerts: { edges: Array<{ node: AlertNode }>; pageInfo: { hasNextPage: boolean; endCursor?: string | null } };
}
