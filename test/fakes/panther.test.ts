/**
 * Drives the Panther fake with plain fetch, as a GraphQL/REST client would, using the documents Panther's own
 * MCP server sends (reference/panther.md §2).
 */
import assert from 'node:assert/strict';
import { FAKE_CREDENTIALS, PantherFake, graphqlRoot, graphqlRootIs, isRecord, startFakes, type PantherRow } from './index';

const API_KEY = 'panther-test-key';

const EXECUTE_SQL = `mutation ExecuteDataLakeQuery($input: ExecuteDataLakeQueryInput!) {
    executeDataLakeQuery(input: $input) {
        id
    }
}`;

const GET_QUERY = `query GetDataLakeQuery($id: ID!, $root: Boolean = false, $resultsInput: DataLakeQueryResultsInput) {
    dataLakeQuery(id: $id, root: $root) {
        id
        status
        message
        sql
        startedAt
        completedAt
        results(input: $resultsInput) {
            edges { node }
            pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
            columnInfo { order types }
            stats { bytesScanned executionTime rowCount }
        }
    }
}`;

const EXECUTE_INDICATORS = `mutation IssueQuery($input: ExecuteIndicatorSearchQueryInput!) {
  executeIndicatorSearchQuery(input: $input) { id }
}`;

const CANCEL = `mutation CancelDataLakeQuery($input: CancelDataLakeQueryInput!) { cancelDataLakeQuery(input: $input) { id } }`;

const GET_ALERT = `query GetAlertById($id: ID!, $events: AlertEventsInput) {
    alert(id: $id) { id title severity status createdAt type description reference runbook
        firstEventOccurredAt lastReceivedEventAt updatedAt origin { ... on Detection { id name } }
        events(input: $events) { edges { node } pageInfo { hasNextPage endCursor } } }
}`;

const UPDATE_STATUS = `mutation UpdateAlertStatusById($input: UpdateAlertStatusByIdInput!) {
    updateAlertStatusById(input: $input) { alerts { id status updatedAt } }
}`;

const CREATE_COMMENT = `mutation CreateAlertComment($input: CreateAlertCommentInput!) {
    createAlertComment(input: $input) {
        comment { id body createdAt createdBy { ... on User { id email givenName familyName } } format }
    }
}`;

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** Reads `obj.a.b.c` from parsed JSON without `any`. */
function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (typeof key === 'number') current = Array.isArray(current) ? (current[key] as unknown) : undefined;
    else current = isRecord(current) ? current[key] : undefined;
  }
  return current;
}

describe('PantherFake with fetch', function () {
  let fake: PantherFake;

  async function post(url: string, payload: unknown, headers: Record<string, string> = { 'x-api-key': API_KEY }, init: RequestInit = {}): Promise<Reply> {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload), ...init });
    const text = await res.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as unknown);
    return { status: res.status, body: isRecord(parsed) ? parsed : { value: parsed } };
  }

  function gql(query: string, variables: Record<string, unknown> = {}, init: RequestInit = {}): Promise<Reply> {
    return post(fake.graphqlUrl, { query, variables }, { 'x-api-key': API_KEY }, init);
  }

  async function execute(sql: string, extra: Record<string, unknown> = {}): Promise<string> {
    const reply = await gql(EXECUTE_SQL, { input: { sql, databaseName: 'panther_logs.public', ...extra } });
    assert.equal(reply.status, 200);
    assert.equal(reply.body['errors'], undefined, JSON.stringify(reply.body['errors']));
    const id = at(reply.body, 'data', 'executeDataLakeQuery', 'id');
    assert.equal(typeof id, 'string');
    return id as string;
  }

  async function poll(id: string, resultsInput?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await gql(GET_QUERY, { id, root: false, ...(resultsInput ? { resultsInput } : {}) });
    assert.equal(reply.status, 200);
    assert.equal(reply.body['errors'], undefined, JSON.stringify(reply.body['errors']));
    const query = at(reply.body, 'data', 'dataLakeQuery');
    assert.ok(isRecord(query));
    return query;
  }

  before(async () => {
    fake = new PantherFake({ apiKey: API_KEY });
    await fake.start();
  });
  after(async () => {
    await fake.stop();
  });
  afterEach(() => fake.reset());

  it('answers 401 with a GraphQL-style body for a missing or wrong X-API-Key (REST too)', async () => {
    const missing = await post(fake.graphqlUrl, { query: EXECUTE_SQL, variables: { input: { sql: 'SELECT 1' } } }, {});
    assert.equal(missing.status, 401);
    assert.deepEqual(missing.body, { errors: [{ message: 'Unauthorized' }] });
    const wrong = await post(fake.graphqlUrl, { query: EXECUTE_SQL, variables: { input: { sql: 'SELECT 1' } } }, { 'x-api-key': 'nope' });
    assert.equal(wrong.status, 401);
    const rest = await fetch(`${fake.restUrl}/alert-comments?alert-id=a1`, { headers: { 'x-api-key': 'nope' } });
    assert.equal(rest.status, 401);
    assert.equal(fake.queries.length, 0, 'nothing executed without auth');
  });

  it('runs executeDataLakeQuery: running for pollsUntilDone reads, then succeeded with rows, columns and stats', async () => {
    const rows: PantherRow[] = [
      { p_event_time: '2024-05-14 17:01:09.123', actor_email: 'jdoe@acme.io', src_ip: '203.0.113.45', failures: 6 },
    ];
    fake.respond = (q) => (q.kind === 'sql' && q.sql?.includes('okta_systemlog') ? rows : []);
    const sql = "SELECT * FROM panther_logs.public.okta_systemlog WHERE p_occurs_since('1 d') LIMIT 100";
    const id = await execute(sql);

    for (let i = 1; i <= 2; i++) {
      const running = await poll(id);
      assert.equal(running['status'], 'running', `read ${i}`);
      assert.equal(running['results'], null, 'no results while running');
      assert.equal(running['completedAt'], null);
    }
    const done = await poll(id);
    assert.equal(done['status'], 'succeeded');
    assert.equal(done['sql'], sql);
    assert.match(String(done['startedAt']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(String(done['completedAt']), /Z$/);
    assert.deepEqual(at(done, 'results', 'edges'), [{ node: rows[0] }]);
    assert.deepEqual(at(done, 'results', 'pageInfo'), { hasNextPage: false, endCursor: null, hasPreviousPage: false, startCursor: null });
    assert.deepEqual(at(done, 'results', 'columnInfo', 'order'), ['p_event_time', 'actor_email', 'src_ip', 'failures']);
    assert.equal(at(done, 'results', 'columnInfo', 'types', 'failures'), 'NUMBER');
    assert.equal(at(done, 'results', 'stats', 'rowCount'), 1);

    const record = fake.query(id);
    assert.equal(record?.kind, 'sql');
    assert.equal(record?.sql, sql);
    assert.equal(record?.databaseName, 'panther_logs.public');
    assert.equal(record?.status, 'succeeded');
    assert.equal(record?.polls, 3);
    assert.equal(record?.cancelled, false);
  });

  it('pages results with pageSize and endCursor (3 pages of 2, 2, 1)', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ n: i, ip: `198.51.100.${i}` }));
    fake.respond = () => ({ rows, pollsUntilDone: 0 });
    const id = await execute('SELECT n, ip FROM t');

    const seen: unknown[] = [];
    let cursor: string | null = null;
    const pages: Array<Record<string, unknown>> = [];
    do {
      const query = await poll(id, { pageSize: 2, cursor });
      assert.equal(query['status'], 'succeeded');
      pages.push(query);
      const edges = at(query, 'results', 'edges');
      assert.ok(Array.isArray(edges));
      seen.push(...edges.map((e: unknown) => at(e, 'node')));
      assert.equal(at(query, 'results', 'stats', 'rowCount'), 5, 'rowCount is the total');
      const endCursor = at(query, 'results', 'pageInfo', 'endCursor');
      cursor = typeof endCursor === 'string' ? endCursor : null;
      assert.equal(at(query, 'results', 'pageInfo', 'hasNextPage'), cursor !== null);
    } while (cursor !== null && pages.length < 10);

    assert.equal(pages.length, 3);
    assert.deepEqual(pages.map((p) => (at(p, 'results', 'edges') as unknown[]).length), [2, 2, 1]);
    assert.deepEqual(seen, rows);

    const bad = await gql(GET_QUERY, { id, resultsInput: { cursor: 'not-a-cursor' } });
    assert.equal(at(bad.body, 'data', 'dataLakeQuery', 'results'), null, 'a bad cursor nulls results only');
    assert.deepEqual(at(bad.body, 'errors', 0, 'path'), ['dataLakeQuery', 'results']);
  });

  it('caps pageSize at 999', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => ({ i }));
    fake.respond = () => ({ rows, pollsUntilDone: 0 });
    const id = await execute('SELECT i FROM big');
    const query = await poll(id, { pageSize: 5000 });
    assert.equal((at(query, 'results', 'edges') as unknown[]).length, 999);
    assert.equal(at(query, 'results', 'pageInfo', 'hasNextPage'), true);
  });

  it('fails a query with the responder message and no results', async () => {
    fake.respond = () => ({ error: "SQL compilation error: Object 'NOPE' does not exist", pollsUntilDone: 1 });
    const id = await execute('SELECT * FROM nope');
    assert.equal((await poll(id))['status'], 'running');
    const failed = await poll(id);
    assert.equal(failed['status'], 'failed');
    assert.equal(failed['message'], "SQL compilation error: Object 'NOPE' does not exist");
    assert.equal(failed['results'], null);
    assert.equal(fake.query(id)?.status, 'failed');

    fake.respond = () => {
      throw new Error('responder blew up');
    };
    const thrown = await execute('SELECT 1');
    fake.pollsUntilDone = 0;
    assert.equal((await poll(thrown))['status'], 'running', 'pollsUntilDone is fixed at execution');
    assert.equal((await poll(thrown))['status'], 'running');
    const done = await poll(thrown);
    assert.equal(done['status'], 'failed');
    assert.equal(done['message'], 'responder blew up');
  });

  it('keeps a neverFinishes query running until cancelDataLakeQuery, then reports cancelled', async () => {
    fake.neverFinishes = true;
    const id = await execute('SELECT * FROM slow');
    for (let i = 0; i < 5; i++) assert.equal((await poll(id))['status'], 'running');

    const cancel = await gql(CANCEL, { input: { id } });
    assert.deepEqual(cancel.body, { data: { cancelDataLakeQuery: { id } } });
    const cancelled = await poll(id);
    assert.equal(cancelled['status'], 'cancelled');
    assert.equal(cancelled['results'], null);
    assert.equal(fake.query(id)?.cancelled, true);
    assert.equal(fake.query(id)?.status, 'cancelled');
    assert.deepEqual(fake.cancellations.map((c) => [c.id, c.statusBefore]), [[id, 'running']]);

    const unknown = await gql(CANCEL, { input: { id: 'no-such-query' } });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body['data'], null);
    assert.deepEqual(at(unknown.body, 'errors', 0, 'path'), ['cancelDataLakeQuery']);
  });

  it('lets a per-query neverFinishes from the responder be lifted later', async () => {
    fake.respond = () => ({ rows: [{ a: 1 }], neverFinishes: true, pollsUntilDone: 0 });
    const id = await execute('SELECT a FROM t');
    assert.equal((await poll(id))['status'], 'running');
    const record = fake.query(id);
    assert.ok(record);
    record.neverFinishes = false;
    assert.equal((await poll(id))['status'], 'succeeded');
  });

  it('records executeIndicatorSearchQuery input and serves its results through dataLakeQuery', async () => {
    const requests: unknown[] = [];
    fake.respond = (q) => {
      requests.push(q);
      return { rows: [{ p_log_type: 'Okta.SystemLog', p_any_ip_addresses: ['203.0.113.45'] }], pollsUntilDone: 0 };
    };
    const input = {
      indicators: ['203.0.113.45'],
      startTime: '2024-05-13T00:00:00.000Z',
      endTime: '2024-05-14T23:59:59.000Z',
      indicatorName: 'p_any_ip_addresses',
    };
    const reply = await gql(EXECUTE_INDICATORS, { input });
    const id = at(reply.body, 'data', 'executeIndicatorSearchQuery', 'id');
    assert.equal(typeof id, 'string');
    assert.deepEqual(requests, [{ kind: 'indicator', input }]);
    const record = fake.lastQuery;
    assert.equal(record?.kind, 'indicator');
    assert.deepEqual(record?.input, input);
    assert.equal(record?.sql, undefined);
    const done = await poll(String(id));
    assert.equal(done['status'], 'succeeded');
    assert.equal(at(done, 'results', 'edges', 0, 'node', 'p_log_type'), 'Okta.SystemLog');

    const badEnum = await gql(EXECUTE_INDICATORS, { input: { ...input, indicatorName: 'p_any_ips' } });
    assert.match(String(at(badEnum.body, 'errors', 0, 'message')), /"p_any_ips" does not exist in "IndicatorType" enum/);
  });

  it('answers alert(id) with the selected fields, the Detection origin and paged events', async () => {
    const events = Array.from({ length: 3 }, (_, i) => ({ eventType: 'user.session.start', n: i }));
    fake.setAlert({
      id: '5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1',
      title: 'Okta.SystemLog: Login attempts from IP [203.0.113.45] have exceeded the failed logins threshold',
      severity: 'INFO',
      origin: { id: 'Standard.BruteForceByIP', name: 'Brute Force By IP' },
      runbook: 'Analyze the IP they came from',
      events,
    });
    const reply = await gql(GET_ALERT, { id: '5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1', events: { pageSize: 2 } });
    assert.equal(reply.status, 200);
    assert.equal(reply.body['errors'], undefined);
    const alert = at(reply.body, 'data', 'alert');
    assert.ok(isRecord(alert));
    assert.deepEqual(Object.keys(alert), [
      'id', 'title', 'severity', 'status', 'createdAt', 'type', 'description', 'reference', 'runbook',
      'firstEventOccurredAt', 'lastReceivedEventAt', 'updatedAt', 'origin', 'events',
    ]);
    assert.equal(alert['status'], 'OPEN');
    assert.equal(alert['severity'], 'INFO');
    assert.deepEqual(alert['origin'], { id: 'Standard.BruteForceByIP', name: 'Brute Force By IP' });
    assert.deepEqual(at(alert, 'events', 'edges'), [{ node: events[0] }, { node: events[1] }]);
    assert.equal(at(alert, 'events', 'pageInfo', 'hasNextPage'), true);
    const next = await gql(GET_ALERT, { id: '5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1', events: { pageSize: 2, cursor: at(alert, 'events', 'pageInfo', 'endCursor') } });
    assert.deepEqual(at(next.body, 'data', 'alert', 'events'), { edges: [{ node: events[2] }], pageInfo: { hasNextPage: false, endCursor: null } });

    const aliased = await gql('query { a: alert(id: "5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1") { __typename theTitle: title origin { __typename } } }');
    assert.deepEqual(aliased.body, { data: { a: { __typename: 'Alert', theTitle: fake.getAlert('5f0c1e3b9a7d4c22b1e8f0a6d3c4b2a1')?.title, origin: { __typename: 'Detection' } } } });
  });

  it('answers an unknown alert id with a GraphQL error and data null', async () => {
    const reply = await gql(GET_ALERT, { id: 'ffffffffffffffffffffffffffffffff' });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { data: null, errors: [{ message: 'alert not found', path: ['alert'] }] });
  });

  it('updateAlertStatusById sets a valid status and rejects an invalid one', async () => {
    fake.setAlert({ id: 'a1' });
    fake.setAlert({ id: 'a2' });
    const ok = await gql(UPDATE_STATUS, { input: { ids: ['a1', 'a2'], status: 'TRIAGED' } });
    assert.equal(ok.body['errors'], undefined);
    const alerts = at(ok.body, 'data', 'updateAlertStatusById', 'alerts');
    assert.ok(Array.isArray(alerts));
    assert.deepEqual(alerts.map((a: unknown) => [at(a, 'id'), at(a, 'status')]), [['a1', 'TRIAGED'], ['a2', 'TRIAGED']]);
    assert.match(String(at(alerts, 0, 'updatedAt')), /Z$/);
    assert.equal(fake.getAlert('a1')?.status, 'TRIAGED');
    assert.deepEqual(fake.statusUpdates.map((u) => [u.ids, u.status, u.via]), [[['a1', 'a2'], 'TRIAGED', 'graphql']]);

    const bad = await gql(UPDATE_STATUS, { input: { ids: ['a1'], status: 'INVALID' } });
    assert.equal(bad.status, 200);
    assert.equal(bad.body['data'], null);
    assert.match(String(at(bad.body, 'errors', 0, 'message')), /"INVALID" does not exist in "AlertStatus" enum/);
    assert.deepEqual(at(bad.body, 'errors', 0, 'path'), ['updateAlertStatusById']);
    assert.equal(fake.getAlert('a1')?.status, 'TRIAGED');
    assert.equal(fake.statusUpdates.length, 1);

    // An enum written inline in the document, as DOCS22 does.
    const inline = await gql('mutation { updateAlertStatusById(input: {ids: ["a2"], status: CLOSED}) { alerts { status } } }');
    assert.deepEqual(inline.body, { data: { updateAlertStatusById: { alerts: [{ status: 'CLOSED' }] } } });

    const unknown = await gql(UPDATE_STATUS, { input: { ids: ['zzz'], status: 'CLOSED' } });
    assert.equal(at(unknown.body, 'errors', 0, 'message'), 'alert not found');
  });

  it('createAlertComment stores a comment that REST GET /alert-comments lists', async () => {
    fake.setAlert({ id: 'a1' });
    const reply = await gql(CREATE_COMMENT, { input: { alertId: 'a1', body: 'Auto-triaged: IP is the user\'s usual location', format: 'PLAIN_TEXT' } });
    assert.equal(reply.body['errors'], undefined);
    const comment = at(reply.body, 'data', 'createAlertComment', 'comment');
    assert.ok(isRecord(comment));
    assert.equal(comment['body'], 'Auto-triaged: IP is the user\'s usual location');
    assert.equal(comment['format'], 'PLAIN_TEXT');
    assert.deepEqual(comment['createdBy'], {}, 'the API token is not a User, so the User fragment selects nothing');

    const rest = await fetch(`${fake.restUrl}/alert-comments?alert-id=a1&limit=10`, { headers: { 'x-api-key': API_KEY } });
    assert.equal(rest.status, 200);
    const listed = (await rest.json()) as unknown;
    assert.equal(at(listed, 'next'), null);
    assert.deepEqual(
      [at(listed, 'results', 0, 'id'), at(listed, 'results', 0, 'alertId'), at(listed, 'results', 0, 'body'), at(listed, 'results', 0, 'format')],
      [comment['id'], 'a1', comment['body'], 'PLAIN_TEXT'],
    );
    assert.equal(at(listed, 'results', 0, 'createdAt'), comment['createdAt']);
    assert.deepEqual(fake.comments.map((c) => [c.alertId, c.via]), [['a1', 'graphql']]);

    const tooMany = await fetch(`${fake.restUrl}/alert-comments?alert-id=a1&limit=51`, { headers: { 'x-api-key': API_KEY } });
    assert.equal(tooMany.status, 400);
    const unknownAlert = await gql(CREATE_COMMENT, { input: { alertId: 'nope', body: 'x' } });
    assert.equal(at(unknownAlert.body, 'errors', 0, 'message'), 'alert not found');
  });

  it('REST PATCH /alerts answers 204 and POST /alert-comments 200', async () => {
    fake.setAlert({ id: 'a1' });
    const patch = await fetch(`${fake.restUrl}/alerts`, {
      method: 'PATCH',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['a1'], status: 'RESOLVED' }),
    });
    assert.equal(patch.status, 204);
    assert.equal(fake.getAlert('a1')?.status, 'RESOLVED');
    assert.deepEqual(fake.statusUpdates.map((u) => [u.ids, u.status, u.via]), [[['a1'], 'RESOLVED', 'rest']]);

    const badStatus = await fetch(`${fake.restUrl}/alerts`, {
      method: 'PATCH',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['a1'], status: 'DONE' }),
    });
    assert.equal(badStatus.status, 400);
    assert.equal(typeof at(await badStatus.json(), 'message'), 'string');

    const created = await post(`${fake.restUrl}/alert-comments`, { alertId: 'a1', body: '<b>hi</b>', format: 'HTML' });
    assert.equal(created.status, 200);
    assert.equal(created.body['format'], 'HTML');
    assert.equal(fake.commentsFor('a1').length, 1);
  });

  it('rejects unknown fields, missing variables and bad documents like a GraphQL server', async () => {
    const unknownRoot = await gql('query { alertList(input: {}) { id } }');
    assert.equal(unknownRoot.status, 200);
    assert.deepEqual(unknownRoot.body, { errors: [{ message: 'Cannot query field "alertList" on type "Query".' }] });

    const mutationAsQuery = await gql('query Q($input: ExecuteDataLakeQueryInput!) { executeDataLakeQuery(input: $input) { id } }', { input: { sql: 'x' } });
    assert.match(String(at(mutationAsQuery.body, 'errors', 0, 'message')), /Cannot query field "executeDataLakeQuery" on type "Query"/);

    const typo = await gql('query { alert(id: "a1") { id titel } }');
    assert.match(String(at(typo.body, 'errors', 0, 'message')), /Cannot query field "titel" on type "Alert"/);

    const noSubfields = await gql('query Q($id: ID!) { dataLakeQuery(id: $id) { results } }', { id: 'x' });
    assert.match(String(at(noSubfields.body, 'errors', 0, 'message')), /must have a selection of subfields/);

    const missingVar = await gql(EXECUTE_SQL, {});
    assert.deepEqual(missingVar.body, { errors: [{ message: 'Variable "$input" of required type "ExecuteDataLakeQueryInput!" was not provided.' }] });

    const missingSql = await gql(EXECUTE_SQL, { input: { databaseName: 'panther_logs' } });
    assert.equal(missingSql.body['data'], null);
    assert.match(String(at(missingSql.body, 'errors', 0, 'message')), /input\.sql/);

    const syntax = await gql('mutation { executeDataLakeQuery(input: {sql: "x"}) { id }');
    assert.match(String(at(syntax.body, 'errors', 0, 'message')), /^Syntax Error/);
    assert.equal(fake.queries.length, 0);

    const noQuery = await post(fake.graphqlUrl, { variables: {} });
    assert.equal(noQuery.status, 400);
  });

  it('graphqlRoot names the operation root field', () => {
    assert.equal(graphqlRoot(GET_QUERY), 'dataLakeQuery');
    assert.equal(graphqlRoot(EXECUTE_SQL), 'executeDataLakeQuery');
    assert.equal(graphqlRoot('query A { alert(id: "1") { id } } mutation B { cancelDataLakeQuery(input: {id: "1"}) { id } }', 'B'), 'cancelDataLakeQuery');
    assert.equal(graphqlRoot('{ not closed'), '');
  });

  it('faults: an injected 500 on dataLakeQuery only, then a hang the client times out on', async () => {
    fake.respond = () => ({ rows: [{ a: 1 }], pollsUntilDone: 0 });
    const id = await execute('SELECT a FROM t');
    fake.injectFaults({ match: graphqlRootIs('dataLakeQuery'), status: 500 });

    const cancelFirst = await gql(CANCEL, { input: { id: 'other' } });
    assert.equal(cancelFirst.status, 200, 'the fault waits for its operation');
    assert.equal(fake.pendingFaults, 1);

    const failed = await gql(GET_QUERY, { id });
    assert.equal(failed.status, 500);
    assert.ok(Array.isArray(failed.body['errors']));
    assert.equal(fake.query(id)?.polls, 0, 'a faulted request never reached the handler');
    assert.equal((await poll(id))['status'], 'succeeded');

    fake.injectFaults({ path: '/public/graphql', hangMs: Infinity });
    await assert.rejects(gql(GET_QUERY, { id }, { signal: AbortSignal.timeout(200) }), (err: unknown) => err instanceof Error && err.name === 'TimeoutError');
    assert.equal(fake.requests.at(-1)?.faulted, true);
    assert.equal((await poll(id))['status'], 'succeeded', 'the fake serves again after the hang');
  });

  it('reset() forgets queries, alerts and records and restores the switches', async () => {
    fake.neverFinishes = true;
    fake.setAlert({ id: 'a1' });
    await execute('SELECT 1');
    fake.reset();
    assert.equal(fake.queries.length, 0);
    assert.equal(fake.getAlert('a1'), undefined);
    assert.equal(fake.neverFinishes, false);
    const state = (await (await fetch(`${fake.url}/_fake/state`)).json()) as unknown;
    assert.equal(at(state, 'fake'), 'panther');
    assert.deepEqual(at(state, 'state', 'queries'), []);
  });
});

describe('startFakes({ panther })', () => {
  it('starts the Panther fake and adds PANTHER_API_URL/PANTHER_API_TOKEN only when asked', async () => {
    const without = await startFakes();
    try {
      assert.equal(without.panther, undefined);
      assert.equal(without.env['PANTHER_API_URL'], undefined);
    } finally {
      await without.stop();
    }
    const fakes = await startFakes({ panther: { pollsUntilDone: 0 } });
    try {
      assert.ok(fakes.panther);
      assert.equal(fakes.env['PANTHER_API_URL'], `${fakes.panther.url}/public/graphql`);
      assert.equal(fakes.env['PANTHER_API_TOKEN'], FAKE_CREDENTIALS.pantherApiToken);
      const res = await fetch(fakes.env['PANTHER_API_URL'], {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': fakes.env['PANTHER_API_TOKEN'] ?? '' },
        body: JSON.stringify({ query: EXECUTE_SQL, variables: { input: { sql: 'SELECT 1' } } }),
      });
      assert.equal(res.status, 200);
      assert.equal(fakes.panther.queries.length, 1);
    } finally {
      await fakes.stop();
    }
  });
});
