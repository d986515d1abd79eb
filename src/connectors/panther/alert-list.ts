/**
 * Listing Panther alerts created in a time range (for backfill), as the webhook would have delivered
 * them: `alerts(input: {createdAtAfter, createdAtBefore, cursor})` paged with its cursor.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { nextTransientDelay } from '../../domain/transient-retry';
import { ProviderError } from '../http';
import type { PantherClient } from './client';

/** A 429 waits its Retry-After, up to this long each time. */
const MAX_RETRY_AFTER_MS = 60_000;

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

  async *list(from: Date, to: Date, opts: { pageSize?: number; signal?: AbortSignal } = {}): AsyncGenerator<WebhookShapedAlert> {
    const { pageSize = 50, signal } = opts;
    let cursor: string | null = null;
    for (;;) {
      // ALERT is Panther's default listing, named anyway: detection and system errors are not triaged.
      const input = { type: 'ALERT', createdAtAfter: from.toISOString(), createdAtBefore: to.toISOString(), pageSize, cursor, sortDir: 'ascending' };
      const page = await this.page(input, signal);
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
      // The same cursor again would list the same page for ever: stop, and say where the run got to.
      if (page.alerts.pageInfo.endCursor === cursor) {
        throw new Error(`the Panther API answered the page after cursor ${JSON.stringify(cursor)} with the same cursor: its paging is stuck`);
      }
      cursor = page.alerts.pageInfo.endCursor;
    }
  }

  /**
   * One page. A page that fails the way a busy API fails is asked again — a backfill of a month must not die
   * on one bad page: a 5xx or a timeout with the enrichments' backoff (1, 2, 4, 8 s… for up to 30 s), a 429
   * after its Retry-After, as often as Panther asks — and one without (API Gateway's throttle sends none)
   * after 1, 2, 4… up to 60 s, so a throttled API is not asked every second. A stopped run (`signal`) is
   * not retried.
   */
  private async page(input: Record<string, unknown>, signal?: AbortSignal): Promise<AlertPage> {
    let failingSince: number | undefined;
    let throttled = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.graphql<AlertPage>(LIST_ALERTS, { input }, signal);
      } catch (err) {
        if (signal?.aborted || !(err instanceof ProviderError)) throw err;
        let delay: number | undefined;
        if (err.category === 'rate_limit') delay = Math.min(err.details.retryAfterMs ?? 1000 * 2 ** throttled++, MAX_RETRY_AFTER_MS);
        else if (err.category === 'transient') delay = nextTransientDelay(attempt, Date.now() - (failingSince ??= Date.now()));
        if (delay === undefined) throw err;
        await sleep(delay, undefined, { signal });
      }
    }
  }
}

interface AlertPage {
  alerts: { edges: Array<{ node: AlertNode }>; pageInfo: { hasNextPage: boolean; endCursor?: string | null } };
}
