/**
 * Drives each fake with the real clients autotriage uses (WebClient, jira.js Version3Client, fetch) to
 * prove the fakes speak the wire formats those clients expect.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { LogLevel, WebAPIPlatformError, WebAPIRateLimitedError, WebClient, type Logger } from '@slack/web-api';
import { HttpException, Version3Client } from 'jira.js';
import { FAKE_CREDENTIALS, adfText, isRecord, startFakes, type AdfDoc, type RunningFakes } from './index';
import { until } from '../helpers/until';

const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** Runs `fn`, which must reject; returns the rejection for further assertions. */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
}

async function platformError(fn: () => Promise<unknown>): Promise<string> {
  const err = await rejection(fn);
  assert.ok(err instanceof WebAPIPlatformError, `expected WebAPIPlatformError, got ${String(err)}`);
  return err.data.error;
}

async function jiraFailure(fn: () => Promise<unknown>): Promise<{ status: number; data: unknown }> {
  const err = await rejection(fn);
  assert.ok(err instanceof HttpException, `expected HttpException, got ${String(err)}`);
  const response = isRecord(err.response) ? err.response : {};
  return { status: err.status, data: response['data'] };
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as unknown };
}

const ALERT_BLOCKS = [
  { type: 'header', text: { type: 'plain_text', text: ':rotating_light: Okta brute force – jdoe@example.com', emoji: true } },
  {
    type: 'section',
    text: { type: 'mrkdwn', text: '*Rule:* okta-failed-logins-burst  •  *Severity:* High' },
    fields: [
      { type: 'mrkdwn', text: '*Source IP*\n`185.220.101.5`' },
      { type: 'mrkdwn', text: '*VirusTotal*\n5/87 malicious (rep -4)' },
    ],
  },
  {
    type: 'actions',
    block_id: 'triage',
    elements: [{ type: 'button', action_id: 'create_jira', text: { type: 'plain_text', text: 'Create Jira' }, style: 'primary', value: 'a1b2c3' }],
  },
];

const ADF_DESCRIPTION: AdfDoc = {
  type: 'doc',
  version: 1,
  content: [
    { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Alert' }] },
    { type: 'paragraph', content: [{ type: 'text', text: 'Source IP: ' }, { type: 'text', text: '185.220.101.5', marks: [{ type: 'code' }] }] },
    { type: 'codeBlock', attrs: { language: 'json' }, content: [{ type: 'text', text: '{"eventType":"user.session.start"}' }] },
  ],
};

describe('test fakes', function () {
  let fakes: RunningFakes;

  before(async () => {
    fakes = await startFakes();
  });
  after(async () => {
    await fakes.stop();
  });
  afterEach(() => fakes.reset());

  describe('SlackFake with @slack/web-api WebClient', () => {
    const client = (token: string = FAKE_CREDENTIALS.slackBotToken): WebClient =>
      new WebClient(token, {
        slackApiUrl: fakes.env['SLACK_API_URL'],
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        logger: silentLogger,
      });
    const channel = FAKE_CREDENTIALS.slackChannel;

    it('receives form-encoded blocks and metadata and returns them via conversations.history include_all_metadata', async () => {
      const slack = client();
      const metadata = { event_type: 'autotriage_alert', event_payload: { alert_id: 'a1b2c3', severity: 'high' } };
      const posted = await slack.chat.postMessage({ channel, text: 'SIEM alert: brute force', blocks: ALERT_BLOCKS, metadata });
      assert.equal(posted.channel, channel);
      assert.match(posted.ts ?? '', /^\d{10}\.\d{6}$/);
      assert.equal(posted.message?.bot_id, 'B0FAKE');

      const request = fakes.slack.requests.at(-1);
      assert.equal(request?.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(JSON.parse(new URLSearchParams(request?.body).get('blocks') ?? 'null').length, 3);

      const withMeta = await slack.conversations.history({ channel, include_all_metadata: true });
      const [message] = withMeta.messages ?? [];
      assert.equal(message?.ts, posted.ts);
      assert.deepEqual(message?.metadata, metadata);
      assert.equal(message?.blocks?.[0]?.type, 'header');
      assert.equal(message?.blocks?.[2]?.block_id, 'triage');
      assert.ok(message?.blocks?.[0]?.block_id, 'Slack fills in missing block_ids');

      const withoutMeta = await slack.conversations.history({ channel });
      assert.equal(withoutMeta.messages?.[0]?.metadata, undefined);
      assert.deepEqual(fakes.slack.messages[0]?.metadata, metadata);
    });

    it('maps channel names to a stable id and answers channel_not_found for unknown channels', async () => {
      const slack = client();
      const a = await slack.chat.postMessage({ channel: '#soc', text: 'one' });
      const b = await slack.chat.postMessage({ channel: 'soc', text: 'two' });
      assert.match(a.channel ?? '', /^C[0-9A-F]{10}$/);
      assert.equal(a.channel, b.channel);
      fakes.slack.unknownChannels.add('#nope');
      assert.equal(await platformError(() => slack.chat.postMessage({ channel: '#nope', text: 'x' })), 'channel_not_found');
    });

    it('chat.update replaces text and blocks and keeps an edits history', async () => {
      const slack = client();
      const posted = await slack.chat.postMessage({ channel, text: 'Triage running', blocks: ALERT_BLOCKS });
      const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Enriched*: VT 5/87' } }];
      const updated = await slack.chat.update({ channel, ts: posted.ts ?? '', text: 'Triage done', blocks });
      assert.equal(updated.ts, posted.ts);
      assert.equal(updated.text, 'Triage done');

      const history = await slack.conversations.history({ channel });
      assert.equal(history.messages?.length, 1);
      assert.equal(history.messages?.[0]?.text, 'Triage done');
      assert.equal(history.messages?.[0]?.blocks?.length, 1);
      assert.ok(history.messages?.[0]?.edited?.ts);
      assert.equal(fakes.slack.messages[0]?.edits.length, 1);
      assert.equal(await platformError(() => slack.chat.update({ channel, ts: '1.000001', text: 'x' })), 'message_not_found');
    });

    it('keeps thread replies out of history and returns them from conversations.replies', async () => {
      const slack = client();
      const parent = await slack.chat.postMessage({ channel, text: 'Alert' });
      await slack.chat.postMessage({ channel, thread_ts: parent.ts ?? '', text: 'Enrichment: VT 5/87 malicious' });
      await slack.chat.postMessage({ channel, thread_ts: parent.ts ?? '', text: 'Jira: SEC-1' });

      const history = await slack.conversations.history({ channel });
      assert.equal(history.messages?.length, 1);
      assert.equal(history.messages?.[0]?.reply_count, 2);
      const replies = await slack.conversations.replies({ channel, ts: parent.ts ?? '' });
      assert.deepEqual(replies.messages?.map((m) => m.text), ['Alert', 'Enrichment: VT 5/87 malicious', 'Jira: SEC-1']);
      assert.equal(fakes.slack.replies(parent.ts ?? '').length, 2);
      assert.equal(fakes.slack.allPosts().length, 3);
    });

    it('pages conversations.history newest first with has_more and next_cursor', async () => {
      const slack = client();
      for (const text of ['m1', 'm2', 'm3']) await slack.chat.postMessage({ channel, text });
      const first = await slack.conversations.history({ channel, limit: 2 });
      assert.deepEqual(first.messages?.map((m) => m.text), ['m3', 'm2']);
      assert.equal(first.has_more, true);
      const cursor = first.response_metadata?.next_cursor;
      assert.ok(cursor);
      const second = await slack.conversations.history({ channel, limit: 2, cursor });
      assert.deepEqual(second.messages?.map((m) => m.text), ['m1']);
      assert.equal(second.has_more, false);
      const oldest = (await slack.conversations.history({ channel, oldest: first.messages?.[1]?.ts ?? '' })).messages;
      assert.deepEqual(oldest?.map((m) => m.text), ['m3']);
    });

    it('rejects invalid blocks, missing text and bad tokens like Slack', async () => {
      const slack = client();
      const longHeader = [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }];
      assert.equal(await platformError(() => slack.chat.postMessage({ channel, text: 'x', blocks: longHeader })), 'invalid_blocks');
      const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
      assert.equal(await platformError(() => slack.chat.postMessage({ channel, text: 'x', blocks: tooMany })), 'invalid_blocks');
      assert.equal(await platformError(() => slack.chat.postMessage({ channel, text: '' })), 'no_text');
      assert.equal(await platformError(() => client('xoxb-wrong').chat.postMessage({ channel, text: 'x' })), 'invalid_auth');
      assert.equal(await platformError(() => slack.apiCall('chat.fly', {})), 'unknown_method');
      assert.equal(fakes.slack.allPosts().length, 0);

      const noAuth = await getJson(`${fakes.slack.apiUrl}auth.test`, { method: 'POST' });
      assert.deepEqual(noAuth, { status: 200, body: { ok: false, error: 'not_authed' } });
    });

    it('answers auth.test, chat.getPermalink and reactions.add', async () => {
      const slack = client();
      assert.equal((await slack.auth.test()).bot_id, 'B0FAKE');
      const posted = await slack.chat.postMessage({ channel, text: 'Alert' });
      const link = await slack.chat.getPermalink({ channel, message_ts: posted.ts ?? '' });
      assert.equal(link.permalink, `https://fake.slack.com/archives/${channel}/p${(posted.ts ?? '').replace('.', '')}`);
      await slack.reactions.add({ channel, timestamp: posted.ts ?? '', name: 'white_check_mark' });
      assert.deepEqual(fakes.slack.messages[0]?.reactions, ['white_check_mark']);
      const again = platformError(() => slack.reactions.add({ channel, timestamp: posted.ts ?? '', name: 'white_check_mark' }));
      assert.equal(await again, 'already_reacted');
    });

    it('answers missing_scope with needed and provided when the token lacks a scope, until it is granted again', async () => {
      const slack = client();
      fakes.slack.userGroups.set('S0SOCTEAM', ['U0ANALYST1']);
      fakes.slack.scopes.delete('usergroups:read');
      const err = await rejection(() => slack.usergroups.users.list({ usergroup: 'S0SOCTEAM' }));
      assert.ok(err instanceof Error && 'data' in err);
      const data = (err as WebAPIPlatformError).data as unknown as Record<string, unknown>;
      assert.equal(data['error'], 'missing_scope');
      assert.equal(data['needed'], 'usergroups:read');
      assert.ok(String(data['provided']).split(',').includes('chat:write'));
      assert.ok(!String(data['provided']).split(',').includes('usergroups:read'));
      assert.equal((await slack.chat.postMessage({ channel, text: 'other methods still work' })).ok, true);
      fakes.slack.scopes.add('usergroups:read');
      assert.deepEqual((await slack.usergroups.users.list({ usergroup: 'S0SOCTEAM' })).users, ['U0ANALYST1']);
    });

    it('surfaces an injected 429 with Retry-After as WebAPIRateLimitedError carrying retryAfter', async () => {
      const slack = client();
      fakes.slack.injectFaults({ path: '/api/chat.postMessage', status: 429, headers: { 'Retry-After': '7' } });
      const err = await rejection(() => slack.chat.postMessage({ channel, text: 'x' }));
      assert.ok(err instanceof WebAPIRateLimitedError);
      assert.equal(err.retryAfter, 7);
      assert.equal(fakes.slack.allPosts().length, 0, 'a rejected call has no side effect');
      await slack.chat.postMessage({ channel, text: 'after the limit' });
      assert.equal(fakes.slack.allPosts().length, 1);
    });
  });

  describe('JiraFake with jira.js Version3Client', () => {
    const client = (apiToken: string = FAKE_CREDENTIALS.jiraApiToken, timeout?: number): Version3Client =>
      new Version3Client({
        host: fakes.env['JIRA_HOST'] ?? '',
        authentication: { basic: { email: FAKE_CREDENTIALS.jiraEmail, apiToken } },
        ...(timeout !== undefined ? { baseRequestConfig: { timeout } } : {}),
      });
    const create = (jira: Version3Client, labels: string[], summary = 'Okta brute force: jdoe@example.com'): Promise<{ key: string; id: string }> =>
      jira.issues.createIssue({
        fields: { project: { key: 'SEC' }, summary, issuetype: { name: 'Task' }, labels, priority: { name: 'High' }, description: ADF_DESCRIPTION },
      });

    it('creates an issue with an ADF description and reads it back', async () => {
      const jira = client();
      const created = await create(jira, ['soar', 'alert-a1b2c3']);
      assert.equal(created.key, 'SEC-1');
      assert.equal(fakes.jira.requests.at(-1)?.status, 201);
      const issue = await jira.issues.getIssue({ issueIdOrKey: created.key });
      assert.equal(issue.fields.summary, 'Okta brute force: jdoe@example.com');
      assert.equal(issue.fields.status.name, 'To Do');
      assert.deepEqual(issue.fields.labels, ['soar', 'alert-a1b2c3']);
      assert.deepEqual(fakes.jira.issue('SEC-1')?.fields.description, ADF_DESCRIPTION);
      assert.match(adfText(ADF_DESCRIPTION), /185\.220\.101\.5/);
    });

    it('rejects invalid create requests with Jira 400 error bodies', async () => {
      const jira = client();
      const badProject = await jiraFailure(() =>
        jira.issues.createIssue({ fields: { project: { key: 'NOPE' }, summary: 's', issuetype: { name: 'Task' } } }),
      );
      assert.deepEqual(badProject, { status: 400, data: { errorMessages: [], errors: { project: 'valid project is required' } } });

      const emptyText: AdfDoc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] };
      const badAdf = await jiraFailure(() =>
        jira.issues.createIssue({ fields: { project: { key: 'SEC' }, summary: 's', issuetype: { name: 'Task' }, description: emptyText } }),
      );
      assert.equal(badAdf.status, 400);
      assert.ok(isRecord(badAdf.data) && isRecord(badAdf.data['errors']) && 'description' in badAdf.data['errors']);

      const badLabels = await jiraFailure(() => create(jira, ['has space']));
      assert.equal(badLabels.status, 400);
      const longSummary = await jiraFailure(() => create(jira, [], 'x'.repeat(256)));
      assert.equal(longSummary.status, 400);
      assert.equal(fakes.jira.issues.length, 0);
    });

    it('searches by label with searchForIssuesUsingJqlEnhancedSearch and rejects unparsable JQL', async () => {
      const jira = client();
      await create(jira, ['soar', 'alert-a1b2c3']);
      await create(jira, ['soar', 'alert-ffff']);
      const found = await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
        jql: 'project = SEC AND labels = "soar" AND labels = alert-a1b2c3 AND statusCategory != Done',
        fields: ['summary', 'status', 'labels'],
        maxResults: 10,
      });
      assert.equal(found.issues?.length, 1);
      assert.equal(found.issues?.[0]?.key, 'SEC-1');
      assert.equal(found.issues?.[0]?.fields.status.name, 'To Do');
      assert.deepEqual(found.issues?.[0]?.fields.labels, ['soar', 'alert-a1b2c3']);

      const idsOnly = await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'labels = soar' });
      assert.deepEqual(idsOnly.issues, [{ id: '10001' }, { id: '10000' }], 'without fields only ids come back, newest first');

      const bad = await jiraFailure(() => jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'labels = = soar' }));
      assert.equal(bad.status, 400);
      assert.ok(isRecord(bad.data) && Array.isArray(bad.data['errorMessages']) && bad.data['errorMessages'].length === 1);
    });

    it('pages search results with nextPageToken', async () => {
      const jira = client();
      for (let i = 0; i < 3; i++) await create(jira, ['soar']);
      const first = await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'labels = soar', fields: ['summary'], maxResults: 2 });
      assert.deepEqual(first.issues?.map((i) => i.key), ['SEC-3', 'SEC-2']);
      assert.ok(first.nextPageToken);
      const second = await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
        jql: 'labels = soar',
        fields: ['summary'],
        maxResults: 2,
        nextPageToken: first.nextPageToken,
      });
      assert.deepEqual(second.issues?.map((i) => i.key), ['SEC-1']);
      assert.equal(second.nextPageToken, undefined);
    });

    it('adds comments, lists transitions and transitions to Done', async () => {
      const jira = client();
      const { key } = await create(jira, ['soar', 'alert-a1b2c3']);
      const comment = await jira.issueComments.addComment({ issueIdOrKey: key, comment: 'Closed by autotriage' });
      assert.ok(comment.id);
      assert.equal(adfText(fakes.jira.issue(key)?.comments[0]?.body ?? ADF_DESCRIPTION), 'Closed by autotriage');

      const { transitions } = await jira.issues.getTransitions({ issueIdOrKey: key });
      assert.deepEqual(transitions?.map((t) => [t.id, t.name, t.to?.statusCategory?.key]), [
        ['11', 'To Do', 'new'],
        ['21', 'In Progress', 'indeterminate'],
        ['41', "Won't Do", 'done'],
        ['31', 'Done', 'done'],
      ]);
      const done = transitions?.find((t) => t.name === 'Done');
      await jira.issues.doTransition({ issueIdOrKey: key, transition: { id: done?.id ?? '' } });
      assert.equal(fakes.jira.issue(key)?.status, 'Done');
      assert.equal(fakes.jira.requests.at(-1)?.status, 204);

      const open = await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'labels = "alert-a1b2c3" AND statusCategory != Done' });
      assert.deepEqual(open.issues, []);
    });

    it('stores issue properties', async () => {
      const jira = client();
      const { key } = await create(jira, ['soar']);
      await jira.issueProperties.setIssueProperty({ issueIdOrKey: key, propertyKey: 'autotriage', propertyValue: { alertId: 'a1b2c3' } });
      const prop = await jira.issueProperties.getIssueProperty({ issueIdOrKey: key, propertyKey: 'autotriage' });
      assert.deepEqual(prop.value, { alertId: 'a1b2c3' });
      assert.deepEqual(fakes.jira.issue(key)?.properties, { autotriage: { alertId: 'a1b2c3' } });
    });

    it('answers 401 for a wrong API token', async () => {
      const failure = await jiraFailure(() => client('wrong-token').myself.getCurrentUser());
      assert.equal(failure.status, 401);
      assert.deepEqual(failure.data, { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} });
      assert.equal((await client().myself.getCurrentUser()).emailAddress, FAKE_CREDENTIALS.jiraEmail);
    });

    it('afterHandling + hang creates the issue but the client times out (ambiguous outcome)', async () => {
      fakes.jira.injectFaults({ method: 'POST', path: '/rest/api/3/issue', afterHandling: true, hangMs: Infinity });
      const err = await rejection(() => create(client(undefined, 200), ['soar']));
      assert.match(String(err), /timeout/i);
      assert.equal(fakes.jira.issues.length, 1, 'the side effect happened');
      assert.equal(fakes.jira.requests.at(-1)?.status, undefined, 'no answer was sent');
    });
  });

  describe('VirusTotalFake with fetch', () => {
    /** `apiKey: null` sends no x-apikey header. */
    const lookup = (ip: string, apiKey: string | null = FAKE_CREDENTIALS.virustotalApiKey, signal?: AbortSignal): Promise<Response> =>
      fetch(`${fakes.env['VIRUSTOTAL_BASE_URL']}/ip_addresses/${ip}`, { headers: apiKey === null ? {} : { 'x-apikey': apiKey }, signal });
    const attributesOf = (body: unknown): Record<string, unknown> => {
      const data = isRecord(body) ? body['data'] : undefined;
      const attributes = isRecord(data) ? data['attributes'] : undefined;
      assert.ok(isRecord(attributes));
      return attributes;
    };

    it('returns the JSON:API envelope for a configured IP', async () => {
      fakes.vt.setIp('185.220.101.5', {
        last_analysis_stats: { malicious: 5, suspicious: 2 },
        reputation: -4,
        as_owner: 'EMERALD-ONION',
        asn: 396507,
      });
      const res = await lookup('185.220.101.5');
      assert.equal(res.status, 200);
      const body = (await res.json()) as unknown;
      assert.ok(isRecord(body) && isRecord(body['data']));
      assert.equal(body['data']['id'], '185.220.101.5');
      assert.equal(body['data']['type'], 'ip_address');
      const attributes = attributesOf(body);
      assert.ok(isRecord(attributes['last_analysis_stats']));
      assert.equal(attributes['last_analysis_stats']['malicious'], 5);
      assert.equal(typeof attributes['last_analysis_stats']['harmless'], 'number', 'unset stats keep their defaults');
      assert.equal(attributes['as_owner'], 'EMERALD-ONION');
      assert.equal(attributes['reputation'], -4);
      assert.equal(fakes.vt.lookups('185.220.101.5'), 1);
    });

    it('gives unknown IPs a deterministic clean default', async () => {
      const a = attributesOf(await (await lookup('203.0.113.7')).json());
      const b = attributesOf(await (await lookup('203.0.113.7')).json());
      assert.deepEqual(a, b);
      assert.ok(isRecord(a['last_analysis_stats']));
      const stats = a['last_analysis_stats'];
      assert.equal(stats['malicious'], 0);
      assert.equal(stats['suspicious'], 0);
      assert.ok(typeof stats['harmless'] === 'number' && stats['harmless'] >= 60 && stats['harmless'] <= 70);
      assert.equal(a['network'], '203.0.113.0/24');
      assert.ok(Number.isInteger(a['last_analysis_date']) && Number(a['last_analysis_date']) < 2_000_000_000, 'epoch seconds');
    });

    it('answers 404 NotFoundError for setNotFound IPs', async () => {
      fakes.vt.setNotFound('198.51.100.1');
      const { status, body } = await getJson(`${fakes.vt.apiBaseUrl}/ip_addresses/198.51.100.1`, { headers: { 'x-apikey': fakes.vt.apiKey } });
      assert.equal(status, 404);
      assert.ok(isRecord(body) && isRecord(body['error']) && body['error']['code'] === 'NotFoundError');
    });

    it('answers 401 for a wrong or missing API key', async () => {
      const wrong = await lookup('8.8.8.8', 'nope');
      assert.equal(wrong.status, 401);
      assert.deepEqual(await wrong.json(), { error: { code: 'WrongCredentialsError', message: 'The provided API key is incorrect.' } });
      const missing = await lookup('8.8.8.8', null);
      assert.equal(missing.status, 401);
      const body = (await missing.json()) as unknown;
      assert.ok(isRecord(body) && isRecord(body['error']) && body['error']['code'] === 'AuthenticationRequiredError');
      assert.equal(fakes.vt.lookups(), 0);
    });

    it('fails once with an injected 500, then succeeds', async () => {
      fakes.vt.injectFaults({ status: 500 });
      assert.equal((await lookup('8.8.8.8')).status, 500);
      assert.equal((await lookup('8.8.8.8')).status, 200);
      assert.equal(fakes.vt.lookups('8.8.8.8'), 1, 'the faulted request never reached the handler');
      assert.deepEqual(fakes.vt.requests.map((r) => [r.status, r.faulted ?? false]), [[500, true], [200, false]]);
    });

    it('hangs on an injected hang fault until AbortSignal.timeout aborts the fetch', async () => {
      fakes.vt.injectFaults({ hangMs: Infinity });
      const started = Date.now();
      const err = await rejection(() => lookup('8.8.8.8', undefined, AbortSignal.timeout(150)));
      assert.ok(err instanceof DOMException && err.name === 'TimeoutError', `expected TimeoutError, got ${String(err)}`);
      assert.ok(Date.now() - started >= 140);
      assert.equal((await lookup('8.8.8.8')).status, 200, 'the fake keeps serving after a hang');
    });

    it('adds latencyMs to every response', async () => {
      fakes.vt.latencyMs = 120;
      const started = Date.now();
      assert.equal((await lookup('8.8.8.8')).status, 200);
      assert.ok(Date.now() - started >= 110);
    });
  });

  describe('HttpFake control plane', () => {
    it('exposes state, accepts serializable faults and resets over HTTP', async () => {
      const faults = [{ method: 'GET', pathRegex: '^/api/v3/ip_addresses/', status: 503 }];
      const queued = await getJson(`${fakes.vt.url}/_fake/faults`, { method: 'POST', body: JSON.stringify(faults) });
      assert.equal(queued.status, 200);
      const res = await fetch(`${fakes.vt.apiBaseUrl}/ip_addresses/1.1.1.1`, { headers: { 'x-apikey': fakes.vt.apiKey } });
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { error: { code: 'TransientError', message: 'Retry might work' } });

      const state = await getJson(`${fakes.vt.url}/_fake/state`);
      assert.ok(isRecord(state.body) && Array.isArray(state.body['requests']));
      assert.equal(state.body['requests'].length, 1, 'control requests are not recorded');
      assert.equal((await getJson(`${fakes.vt.url}/_fake/faults`, { method: 'POST', body: '{"not":"an array"}' })).status, 400);

      await fetch(`${fakes.vt.url}/_fake/reset`, { method: 'POST' });
      assert.equal(fakes.vt.requests.length, 0);
    });

    it('reset fault drops the connection', async () => {
      fakes.vt.injectFaults({ reset: true });
      const err = await rejection(() => fetch(`${fakes.vt.apiBaseUrl}/ip_addresses/1.1.1.1`, { headers: { 'x-apikey': fakes.vt.apiKey } }));
      assert.ok(err instanceof TypeError, `fetch fails with a network error, got ${String(err)}`);
    });

    it('stop() ends hanging requests and closes the server', async () => {
      const local = await startFakes();
      local.vt.injectFaults({ hangMs: Infinity });
      const pending = rejection(() => fetch(`${local.vt.apiBaseUrl}/ip_addresses/1.1.1.1`, { headers: { 'x-apikey': local.vt.apiKey } }));
      assert.ok(await until(() => local.vt.requests.length === 1, 5_000), 'the request reached the fake');
      const started = Date.now();
      await local.stop();
      assert.ok((await pending) instanceof TypeError);
      assert.ok(Date.now() - started < 1000);
      assert.ok((await rejection(() => fetch(`${local.vt.url}/_fake/state`))) instanceof TypeError);
    });

    it('startFakes env configures a WebClient and matches the config contract', async () => {
      const { env } = fakes;
      assert.match(env['SLACK_API_URL'] ?? '', /\/api\/$/);
      assert.match(env['VIRUSTOTAL_BASE_URL'] ?? '', /\/api\/v3$/);
      assert.equal(env['JIRA_PROJECT_KEY'], 'SEC');
      assert.equal(env['SLACK_CHANNEL'], 'C0SOCALERTS');
      const secrets = ['VIRUSTOTAL_API_KEY', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'JIRA_HOST', 'JIRA_EMAIL', 'JIRA_API_TOKEN'];
      for (const name of secrets) assert.ok(env[name], name);
      const slack = new WebClient(env['SLACK_BOT_TOKEN'], { slackApiUrl: env['SLACK_API_URL'], retryConfig: { retries: 0 }, logger: silentLogger });
      assert.equal((await slack.auth.test()).ok, true);
    });

    it('run-fakes CLI prints env exports, serves /_fake/state and exits on SIGTERM', async function () {
      this.timeout(10_000);
      const child = spawn(process.execPath, [path.join(__dirname, 'run-fakes.js')], {
        env: { ...process.env, FAKE_VT_PORT: '0', FAKE_SLACK_PORT: '0', FAKE_JIRA_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exports = new Map<string, string>();
      for await (const line of createInterface({ input: child.stdout })) {
        const m = /^export (\w+)='(.*)'$/.exec(line);
        if (m?.[1] !== undefined) exports.set(m[1], m[2] ?? '');
        if (exports.size === 10) break;
      }
      const jiraHost = exports.get('JIRA_HOST') ?? '';
      assert.match(jiraHost, /^http:\/\/127\.0\.0\.1:\d+$/);
      const state = await getJson(`${jiraHost}/_fake/state`);
      assert.ok(isRecord(state.body) && state.body['fake'] === 'jira');
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    });
  });
});
