/**
 * Listing Panther alerts created in a time range (for backfill), as the webhook would have delivered
 * them: `alerts(input: {createdAtAfter, createdAtBefore, cursor})` paged with its cursor.
 */
import type { PantherClient } from './client';

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
      const page: { alerts: { edges: Array<{ node: AlertNode }>; pageInfo: { hasNextPage: boolean; endCursor?: string | null } } } =
        await this.client.graphql(LIST_ALERTS, {
          input: { createdAtAfter: from.toISOString(), createdAtBefore: to.toISOString(), pageSize, cursor, sortDir: 'ascending' },
        });
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
}
