/**
 * Running a Panther data-lake or indicator-search query: execute, then poll `dataLakeQuery(id)` (status
 * is lower-case) with a growing pause (1 s, +1 s, at most 5 s, as Panther's own MCP server does), then
 * page through the results with `endCursor`. A query still running at the deadline — or whose caller
 * gave up — is cancelled, so it does not keep burning warehouse credits.
 */
import { ProviderError } from '../http';
import { categoryForFailedQuery } from './error-category';
import type { PantherClient } from './client';

const EXECUTE_SQL = `mutation ExecuteDataLakeQuery($input: ExecuteDataLakeQueryInput!) {
  executeDataLakeQuery(input: $input) { id }
}`;

const EXECUTE_INDICATOR_SEARCH = `mutation ExecuteIndicatorSearchQuery($input: ExecuteIndicatorSearchQueryInput!) {
  executeIndicatorSearchQuery(input: $input) { id }
}`;

const GET_QUERY = `query GetDataLakeQuery($id: ID!, $resultsInput: DataLakeQueryResultsInput) {
  dataLakeQuery(id: $id) {
    id
    status
    message
    results(input: $resultsInput) {
      edges { node }
      pageInfo { hasNextPage endCursor }
      stats { rowCount }
    }
  }
}`;

const CANCEL_QUERY = `mutation CancelDataLakeQuery($input: CancelDataLakeQueryInput!) {
  cancelDataLakeQuery(input: $input) { id }
}`;

interface QueryState {
  dataLakeQuery: {
    id: string;
    status: 'running' | 'succeeded' | 'failed' | 'cancelled';
    message?: string | null;
    results?: {
      edges: Array<{ node: Record<string, unknown> }>;
      pageInfo: { hasNextPage: boolean; endCursor?: string | null };
      stats?: { rowCount?: number } | null;
    } | null;
  };
}

export interface QueryResult {
  rows: Array<Record<string, unknown>>;
  /** Rows the query produced in all (more than `rows` when the page cap was reached). */
  totalRows: number;
  queryId: string;
}

export interface RunOptions {
  /** Give up (and cancel the query) this long after it was sent. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called on every poll (the activity heartbeats here). */
  onPoll?: () => void;
  /** Stop paging after this many rows. */
  maxRows?: number;
  pageSize?: number;
  /** Pause before the first poll; grows by the same amount up to 5 s. */
  pollStepMs?: number;
}

/** Resolves after `ms`, or at once when `signal` aborts (the listener is removed either way). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The caller's signal, aborted also at `deadline`: no request outlives the query's time. */
function untilDeadline(deadline: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Snowflake upper-cases unquoted aliases; rows are read with lower-case keys whatever came back. */
export function lowerKeys(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
}

export class DataLake {
  constructor(private readonly client: PantherClient) {}

  async sql(sql: string, opts: RunOptions): Promise<QueryResult> {
    const deadline = Date.now() + opts.timeoutMs;
    const { executeDataLakeQuery } = await this.client.graphql<{ executeDataLakeQuery: { id: string } }>(
      EXECUTE_SQL,
      { input: { sql, databaseName: 'panther_logs.public' } },
      untilDeadline(deadline, opts.signal),
    );
    return this.collect(executeDataLakeQuery.id, deadline, opts);
  }

  async indicatorSearch(
    input: { indicators: string[]; startTime: string; endTime: string; indicatorName: string },
    opts: RunOptions,
  ): Promise<QueryResult> {
    const deadline = Date.now() + opts.timeoutMs;
    const { executeIndicatorSearchQuery } = await this.client.graphql<{ executeIndicatorSearchQuery: { id: string } }>(
      EXECUTE_INDICATOR_SEARCH,
      { input },
      untilDeadline(deadline, opts.signal),
    );
    return this.collect(executeIndicatorSearchQuery.id, deadline, opts);
  }

  async cancel(id: string): Promise<void> {
    await this.client.graphql(CANCEL_QUERY, { input: { id } });
  }

  /** The query's state and a page of its results; undefined when Panther was still answering at the deadline. */
  private async read(id: string, pageSize: number, cursor: string | null, deadline: number, signal?: AbortSignal): Promise<QueryState['dataLakeQuery'] | undefined> {
    try {
      return (await this.client.graphql<QueryState>(GET_QUERY, { id, resultsInput: { pageSize, cursor } }, untilDeadline(deadline, signal))).dataLakeQuery;
    } catch (err) {
      if (Date.now() >= deadline && !signal?.aborted) return undefined;
      throw err;
    }
  }

  /** Polls until the query ends, or cancels it at `deadline` (counted from the execute call, which may be slow). */
  private async collect(id: string, deadline: number, opts: RunOptions): Promise<QueryResult> {
    const pageSize = Math.min(opts.pageSize ?? 999, 999);
    const maxRows = opts.maxRows ?? 5000;
    const step = opts.pollStepMs ?? 1000;
    let pause = step;
    let state: QueryState['dataLakeQuery'];
    const stillRunning = () =>
      new ProviderError('Panther', `Panther query ${id} still running after ${Math.round(opts.timeoutMs / 1000)} s; cancelled`, { category: 'invalid_request' });
    try {
      for (;;) {
        const polled = await this.read(id, pageSize, null, deadline, opts.signal).catch((err: unknown) => {
          // One poll Panther fails (a 502, a poll that timed out) says nothing about the query: poll again
          // while there is time, rather than cancel it and run the whole query again on the next attempt.
          if (err instanceof ProviderError && err.category === 'transient' && !opts.signal?.aborted && Date.now() + pause < deadline) return 'retry' as const;
          throw err;
        });
        if (polled === 'retry') {
          await sleep(pause, opts.signal);
          pause = Math.min(pause + step, 5 * step);
          continue;
        }
        if (!polled) throw stillRunning();
        state = polled;
        if (state.status !== 'running') break;
        opts.onPoll?.();
        if (opts.signal?.aborted) throw new ProviderError('Panther', `query ${id} abandoned: the activity was cancelled`);
        if (Date.now() + pause > deadline) throw stillRunning();
        await sleep(pause, opts.signal);
        pause = Math.min(pause + step, 5 * step);
      }
    } catch (err) {
      // Best effort: a query nobody waits for any more is cancelled.
      await this.cancel(id).catch(() => undefined);
      throw err;
    }
    if (state.status !== 'succeeded' || !state.results) {
      throw new ProviderError('Panther', `Panther query ${id} ${state.status}: ${state.message ?? 'no message'}`, {
        category: state.status === 'failed' ? categoryForFailedQuery(state.message) : 'invalid_request',
      });
    }
    const rows = state.results.edges.map((e) => lowerKeys(e.node));
    const totalRows = state.results.stats?.rowCount ?? rows.length;
    let page = state.results.pageInfo;
    // Paging is bounded by the deadline too: past it, the rows read so far are the answer (the total is known).
    while (page.hasNextPage && page.endCursor && rows.length < maxRows && Date.now() < deadline) {
      opts.onPoll?.();
      const next = (await this.read(id, pageSize, page.endCursor, deadline, opts.signal))?.results;
      if (!next) break;
      rows.push(...next.edges.map((e) => lowerKeys(e.node)));
      page = next.pageInfo;
    }
    return { rows, totalRows: Math.max(totalRows, rows.length), queryId: id };
  }
}
