/**
 * Connectors and activities against the HTTP fakes: real VirusTotal/Slack/Jira clients over real HTTP,
 * failure classification into Temporal failures, and the delivery activities' look-before-create on
 * retries (run in MockActivityEnvironment with the attempt number set).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Version3Client } from 'jira.js';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities, type ActivityDeps, type PostTicketInput } from '../../src/activities';
import { DELIVERY_POLICY, ENRICHMENT_POLICY, toActivityFailure } from '../../src/activities/failures';
import { ProviderError } from '../../src/connectors/http';
import { JiraClient } from '../../src/connectors/jira';
import { ALERT_EVENT_TYPE, SlackClient } from '../../src/connectors/slack';
import { VirusTotalClient } from '../../src/connectors/virustotal';
import { SiemQueryError } from '../../src/siem/siem';
import { JIRA_DONE, JIRA_REOPENED } from '../../src/tickets/jira-statuses';
import { alertLabel, legacyAlertLabel, renderJiraIssue } from '../../src/tickets/jira-issue';
import { renderSlackMessage } from '../../src/tickets/slack-message';
import { buildTicket } from '../../src/tickets/ticket';
import { FAKE_CREDENTIALS, adfText, isAdfDoc, startFakes, type RunningFakes } from '../fakes';
import { tempDir } from '../helpers/sample-logs';
import { depsFor } from '../helpers/stack-deps';
import { forgotPasswordAlert, hostileTicketInput, ticketInput } from '../helpers/ticket-fixtures';

const CHANNEL = FAKE_CREDENTIALS.slackChannel;
const IP = '203.0.113.45';

/** Awaits a promise expected to reject with a ProviderError, and returns the error. */
async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ProviderError, `expected a ProviderError, got ${String(err)}`);
    return err;
  }
  assert.fail('the call succeeded');
}

/** Awaits a promise expected to reject with an ApplicationFailure, and returns it. */
async function applicationFailure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
    return err;
  }
  assert.fail('the activity succeeded');
}

function asFailure(err: Error): ApplicationFailure {
  assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${err.name}`);
  return err;
}

/** The delivery activities' start-to-close timeout (src/workflows/activities.ts); the mock's default is 1 s. */
const START_TO_CLOSE_MS = 60_000;

/** Runs an activity as attempt `attempt` of a mock activity execution (quiet: failures are expected here). */
function runAttempt<P extends unknown[], R>(attempt: number, fn: (...args: P) => Promise<R>, ...args: P): Promise<R> {
  const env = new MockActivityEnvironment({ attempt, startToCloseTimeoutMs: START_TO_CLOSE_MS }, { logger: new DefaultLogger('ERROR') });
  return env.run<P, R, (...args: P) => Promise<R>>(fn, ...args);
}

function postInput(overrides: Parameters<typeof ticketInput>[0] = {}): PostTicketInput {
  return { ...ticketInput(overrides), notBefore: new Date(Date.now() - 5_000).toISOString() };
}

describe('connectors and activities against the HTTP fakes', function () {
  this.timeout(30_000);
  let fakes: RunningFakes;

  before(async () => {
    fakes = await startFakes();
  });

  after(async () => {
    await fakes?.stop();
  });

  beforeEach(() => fakes.reset());

  describe('VirusTotalClient', () => {
    const client = (apiKey = FAKE_CREDENTIALS.virustotalApiKey, timeoutMs?: number): VirusTotalClient =>
      new VirusTotalClient({ apiKey, baseUrl: fakes.vt.apiBaseUrl, timeoutMs });

    it('never quotes the API key when fetch refuses it as a header (a key with a line break inside)', async () => {
      const err = await client('vt-key-SECRET\nsecond-line').ipReputation(IP).then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ProviderError);
      assert.equal(err.category, 'config');
      assert.doesNotMatch(err.message, /SECRET|second-line/);
      assert.match(err.message, /invalid header value \(check the API key's value\)/);
    });

    it('summarizes a 200 answer into the fields the ticket shows', async () => {
      fakes.vt.setIp(IP, {
        last_analysis_stats: { malicious: 5, suspicious: 2, harmless: 60, undetected: 20, timeout: 1 },
        reputation: -12,
        asn: 14618,
        as_owner: 'AMAZON-AES',
        country: 'US',
        last_analysis_date: 1_735_689_600,
      });
      const r = await client().ipReputation(IP);
      assert.deepEqual(r, {
        ip: IP,
        provider: 'virustotal',
        found: true,
        malicious: 5,
        suspicious: 2,
        harmless: 60,
        undetected: 20,
        engines: 87,
        reputation: -12,
        asn: 14618,
        asOwner: 'AMAZON-AES',
        country: 'US',
        lastAnalysis: '2025-01-01T00:00:00.000Z',
        link: `https://www.virustotal.com/gui/ip-address/${IP}`,
      });
      assert.equal(fakes.vt.lookups(IP), 1);
      assert.equal(fakes.vt.requests[0]?.headers['x-apikey'], FAKE_CREDENTIALS.virustotalApiKey);
    });

    it('answers found:false for a 404 NotFoundError', async () => {
      fakes.vt.setNotFound(IP);
      const r = await client().ipReputation(IP);
      assert.equal(r.found, false);
      assert.equal(r.engines, 0);
      assert.equal(r.malicious, 0);
      assert.equal(r.link, `https://www.virustotal.com/gui/ip-address/${IP}`);
    });

    it("classifies 401 as 'config'", async () => {
      const err = await providerError(client('wrong-key').ipReputation(IP));
      assert.equal(err.category, 'config');
      assert.equal(err.details.status, 401);
      assert.equal(err.details.code, 'WrongCredentialsError');
      assert.match(err.message, /VIRUSTOTAL_API_KEY/);
      assert.ok(!err.message.includes('wrong-key'), 'the key is not in the message');
    });

    it("classifies 429 with Retry-After as 'rate_limit' with retryAfterMs 7000", async () => {
      fakes.vt.injectFaults({ status: 429, headers: { 'retry-after': '7' } });
      const err = await providerError(client().ipReputation(IP));
      assert.equal(err.category, 'rate_limit');
      assert.equal(err.details.retryAfterMs, 7000);
      assert.equal(err.details.code, 'QuotaExceededError');
    });

    it("classifies 500 as 'transient'", async () => {
      fakes.vt.injectFaults({ status: 500 });
      const err = await providerError(client().ipReputation(IP));
      assert.equal(err.category, 'transient');
      assert.equal(err.details.status, 500);
    });

    it("classifies a redirect as 'config' (a wrong base URL), not as an outage to retry", async () => {
      fakes.vt.injectFaults({ status: 301, headers: { location: 'https://www.virustotal.com/gui/home' }, body: '' });
      const err = await providerError(client().ipReputation(IP));
      assert.equal(err.category, 'config');
      assert.match(err.message, /answered with a redirect: check its base URL/);
    });

    it("stops reading an answer past 16 MiB (a wrong base URL streaming something else) and calls it 'config'", async () => {
      // Chunked, with no Content-Length to refuse it by: the size is counted as it streams.
      let status = 200;
      const server = http.createServer((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1_048_576, 0x20);
        let sent = 0;
        const more = (): void => {
          while (sent < 64) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        more();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as { port: number };
        const err = await providerError(new VirusTotalClient({ apiKey: FAKE_CREDENTIALS.virustotalApiKey, baseUrl: `http://127.0.0.1:${port}/api/v3` }).ipReputation(IP));
        assert.equal(err.category, 'config');
        assert.match(err.message, /VirusTotal answered HTTP 200 with more than 16 MiB: check its base URL/);
        // A proxy's huge error page keeps its status's meaning: a 503 is an outage to retry.
        status = 503;
        const outage = await providerError(new VirusTotalClient({ apiKey: FAKE_CREDENTIALS.virustotalApiKey, baseUrl: `http://127.0.0.1:${port}/api/v3` }).ipReputation(IP));
        assert.equal(outage.category, 'transient');
        assert.match(outage.message, /HTTP 503 with more than 16 MiB/);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it("classifies a 200 with an HTML page (a console URL, a proxy) as 'config', naming the base URL", async () => {
      fakes.vt.injectFaults({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<html><body>Sign in</body></html>' });
      const err = await providerError(client().ipReputation(IP));
      assert.equal(err.category, 'config');
      assert.match(err.message, /VirusTotal answered HTTP 200 with a body that is not JSON \(text\/html\): check its base URL \(http:\/\/127\.0\.0\.1:\d+\)/);
      // An error status with an HTML page is still the outage it says it is.
      fakes.vt.injectFaults({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' });
      assert.equal((await providerError(client().ipReputation(IP))).category, 'transient');
    });

    it("classifies a dropped connection and a hang past the timeout as 'transient'", async () => {
      fakes.vt.injectFaults({ reset: true });
      assert.equal((await providerError(client().ipReputation(IP))).category, 'transient');
      fakes.vt.injectFaults({ hangMs: 5_000 });
      const hang = await providerError(client(FAKE_CREDENTIALS.virustotalApiKey, 200).ipReputation(IP));
      assert.equal(hang.category, 'transient');
      assert.match(hang.message, /did not answer within 200 ms/);
    });
  });

  describe('toActivityFailure', () => {
    it('turns 429 into a retryable failure with nextRetryDelay from Retry-After', () => {
      const err = new ProviderError('VirusTotal', 'rate limited', { category: 'rate_limit', status: 429, retryAfterMs: 7000 });
      const f = asFailure(toActivityFailure(err, ENRICHMENT_POLICY));
      assert.equal(f.nonRetryable, false);
      assert.equal(f.nextRetryDelay, 7000);
      assert.equal(f.type, 'VirusTotal.rate_limit');
    });

    it('makes config errors non-retryable for enrichments and retryable for deliveries', () => {
      const err = new ProviderError('Slack', 'invalid_auth', { category: 'config' });
      assert.equal(asFailure(toActivityFailure(err, ENRICHMENT_POLICY)).nonRetryable, true);
      assert.equal(asFailure(toActivityFailure(err, DELIVERY_POLICY)).nonRetryable, false);
      assert.equal(asFailure(toActivityFailure(err, DELIVERY_POLICY)).type, 'Slack.config');
    });

    it('makes invalid requests non-retryable and transient errors retryable with backoff', () => {
      const invalid = asFailure(toActivityFailure(new ProviderError('Jira', 'HTTP 400', { category: 'invalid_request', status: 400 }), DELIVERY_POLICY));
      assert.equal(invalid.nonRetryable, true);
      const transient = asFailure(toActivityFailure(new ProviderError('VirusTotal', 'HTTP 500', { status: 500 }), ENRICHMENT_POLICY));
      assert.equal(transient.nonRetryable, false);
      assert.equal(transient.nextRetryDelay, undefined);
    });

    it('makes SiemQueryError non-retryable and leaves unknown errors retryable', () => {
      const siem = asFailure(toActivityFailure(new SiemQueryError('no login history is known for LogType X'), ENRICHMENT_POLICY));
      assert.equal(siem.nonRetryable, true);
      assert.equal(siem.type, 'SiemQueryError');
      const unknown = asFailure(toActivityFailure(new TypeError('boom'), ENRICHMENT_POLICY));
      assert.equal(unknown.nonRetryable, false);
      assert.equal(unknown.type, 'UnexpectedError');
      const existing = ApplicationFailure.nonRetryable('already classified');
      assert.equal(toActivityFailure(existing, ENRICHMENT_POLICY), existing);
    });

    it('classifies real VirusTotal answers end to end (401 → non-retryable, 429 → nextRetryDelay, 500 → retryable)', async () => {
      const vt = new VirusTotalClient({ apiKey: FAKE_CREDENTIALS.virustotalApiKey, baseUrl: fakes.vt.apiBaseUrl });
      const bad = new VirusTotalClient({ apiKey: 'nope', baseUrl: fakes.vt.apiBaseUrl });
      const auth = asFailure(toActivityFailure(await providerError(bad.ipReputation(IP)), ENRICHMENT_POLICY));
      assert.equal(auth.nonRetryable, true);
      fakes.vt.injectFaults({ status: 429, headers: { 'retry-after': '7' } }, { status: 500 });
      const rate = asFailure(toActivityFailure(await providerError(vt.ipReputation(IP)), ENRICHMENT_POLICY));
      assert.deepEqual([rate.nonRetryable, rate.nextRetryDelay], [false, 7000]);
      const server = asFailure(toActivityFailure(await providerError(vt.ipReputation(IP)), ENRICHMENT_POLICY));
      assert.deepEqual([server.nonRetryable, server.nextRetryDelay], [false, undefined]);
    });
  });

  describe('SlackClient', () => {
    const client = (botToken: string = FAKE_CREDENTIALS.slackBotToken): SlackClient => new SlackClient({ botToken, apiUrl: fakes.slack.apiUrl });

    it('posts a message carrying the alert key, and findAlertMessage finds it by that key only', async () => {
      const slack = client();
      const message = renderSlackMessage(buildTicket(ticketInput()));
      const since = new Date(Date.now() - 60_000);
      const ref = await slack.postMessage({ channel: CHANNEL, alertKey: 'alert/panther/aaa', ...message });
      assert.equal(ref.channel, CHANNEL);
      assert.equal(fakes.slack.messages.length, 1);
      assert.deepEqual(fakes.slack.messages[0]?.metadata, { event_type: ALERT_EVENT_TYPE, event_payload: { alert_key: 'alert/panther/aaa' } });
      await slack.postMessage({ channel: CHANNEL, alertKey: 'alert/panther/bbb', text: 'another alert', blocks: [] });
      assert.deepEqual(await slack.findAlertMessage(CHANNEL, 'alert/panther/aaa', since), ref);
      assert.equal(await slack.findAlertMessage(CHANNEL, 'alert/panther/ccc', since), undefined);
    });

    it('hasReply finds our reply past the first page of a long thread', async () => {
      const slack = client();
      const parent = await slack.postMessage({ channel: CHANNEL, alertKey: 'alert/panther/long', text: 'ticket', blocks: [] });
      // A long analyst discussion (more than one page of 200), then our reply at the end.
      for (let i = 0; i < 205; i++) await slack.postReply({ channel: CHANNEL, threadTs: parent.ts, text: `comment ${i}`, eventKey: `analyst-${i}` });
      await slack.postReply({ channel: CHANNEL, threadTs: parent.ts, text: 'Closed as benign', eventKey: 'alert/panther/long close_benign-1' });
      let pages = 0;
      assert.equal(await slack.hasReply(CHANNEL, parent.ts, 'alert/panther/long close_benign-1', () => pages++), true);
      assert.equal(pages, 2, 'read the second page');
      assert.equal(await slack.hasReply(CHANNEL, parent.ts, 'alert/panther/long sla-reminder-2'), false);
    });

    it("classifies an invalid token as 'config'", async () => {
      const err = await providerError(client('xoxb-wrong').postMessage({ channel: CHANNEL, alertKey: 'k', text: 'x', blocks: [] }));
      assert.equal(err.category, 'config');
      assert.equal(err.details.code, 'invalid_auth');
      assert.equal(fakes.slack.messages.length, 0);
    });

    it("classifies an HTTP 4xx (not Slack's Web API at SLACK_API_URL) as 'config', a 5xx as 'transient'", async () => {
      fakes.slack.injectFaults({ path: '/api/chat.postMessage', status: 404, body: 'Not Found' }, { path: '/api/chat.postMessage', status: 503, body: 'down' });
      const notFound = await providerError(client().postMessage({ channel: CHANNEL, alertKey: 'k', text: 'x', blocks: [] }));
      assert.equal(notFound.category, 'config');
      assert.match(notFound.message, /HTTP 404 \(check SLACK_API_URL\)/);
      const down = await providerError(client().postMessage({ channel: CHANNEL, alertKey: 'k', text: 'x', blocks: [] }));
      assert.equal(down.category, 'transient');
    });

    it("classifies an unknown channel as 'config'", async () => {
      fakes.slack.unknownChannels.add('C0GONE0000');
      const err = await providerError(client().postMessage({ channel: 'C0GONE0000', alertKey: 'k', text: 'x', blocks: [] }));
      assert.equal(err.category, 'config');
      assert.equal(err.details.code, 'channel_not_found');
    });

    it("classifies a 429 as 'rate_limit' with the server's Retry-After, without retrying itself", async () => {
      fakes.slack.injectFaults({ status: 429, headers: { 'retry-after': '3' } });
      const err = await providerError(client().postMessage({ channel: CHANNEL, alertKey: 'k', text: 'x', blocks: [] }));
      assert.equal(err.category, 'rate_limit');
      assert.equal(err.details.retryAfterMs, 3000);
      assert.equal(fakes.slack.requestCount, 1);
    });

    it("classifies a platform error it does not know as 'transient' (retried), and a read-only channel as 'config'", async () => {
      fakes.slack.injectFaults(
        { path: '/api/chat.postMessage', status: 200, body: { ok: false, error: 'some_error_slack_added_later' } },
        { path: '/api/chat.postMessage', status: 200, body: { ok: false, error: 'restricted_action_read_only_channel' } },
      );
      const unknown = await providerError(client().postMessage({ channel: CHANNEL, alertKey: 'k', text: 'x', blocks: [] }));
      assert.deepEqual([unknown.category, unknown.details.code], ['transient', 'some_error_slack_added_later']);
      const readOnly = await providerError(client().postMessage({ channel: CHANNEL, alertKey: 'k', text: 'x', blocks: [] }));
      assert.deepEqual([readOnly.category, readOnly.details.code], ['config', 'restricted_action_read_only_channel']);
      assert.equal(asFailure(toActivityFailure(unknown, DELIVERY_POLICY)).nonRetryable, false, 'a delivery retries it');
      assert.equal(fakes.slack.messages.length, 0);
    });

    it("classifies rejected blocks as 'invalid_request'", async () => {
      const err = await providerError(
        client().postMessage({ channel: CHANNEL, alertKey: 'k', text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'no' } }] }),
      );
      assert.equal(err.category, 'invalid_request');
      assert.equal(err.details.code, 'invalid_blocks');
    });

    it('posts the hostile ticket as valid blocks (the fake validates Block Kit)', async () => {
      const message = renderSlackMessage(buildTicket(hostileTicketInput()));
      await client().postMessage({ channel: CHANNEL, alertKey: 'alert/panther/hostile', ...message });
      assert.equal(fakes.slack.messages.length, 1);
    });
  });

  describe('JiraClient', () => {
    const client = (apiToken: string = FAKE_CREDENTIALS.jiraApiToken): JiraClient =>
      new JiraClient({ host: fakes.jira.url, email: FAKE_CREDENTIALS.jiraEmail, apiToken, projectKey: FAKE_CREDENTIALS.jiraProjectKey, issueType: 'Task' });

    it("does not follow a redirect (JIRA_HOST on http://, or not the site's own address): 'config', nothing created", async () => {
      fakes.jira.injectFaults({ status: 301, headers: { location: 'https://acme.atlassian.net/rest/api/3/issue' }, body: '' });
      const input = ticketInput();
      const err = await providerError(client().createIssue(renderJiraIssue(buildTicket(input), input.alert)));
      assert.equal(err.category, 'config');
      assert.match(err.message, /Jira answered with a redirect \(HTTP 301 to https:\/\/acme\.atlassian\.net\/rest\/api\/3\/issue\): check JIRA_HOST/);
      assert.equal(fakes.jira.issues.length, 0);
    });

    it('creates an issue that findIssueByLabel then finds; another label finds nothing', async () => {
      const input = ticketInput();
      const jira = client();
      const created = await jira.createIssue(renderJiraIssue(buildTicket(input), input.alert));
      assert.deepEqual(created, { key: 'SEC-1', url: `${fakes.jira.url}/browse/SEC-1` });
      const stored = fakes.jira.issue('SEC-1');
      assert.ok(stored);
      assert.ok(stored.fields.labels.includes(alertLabel(input.alert)));
      const description = stored.fields.description;
      if (!isAdfDoc(description)) assert.fail('the stored description is not valid ADF');
      assert.ok(adfText(description).includes('Top login locations'));
      assert.deepEqual(await jira.findIssueByLabel(alertLabel(input.alert)), created);
      assert.equal(await jira.findIssueByLabel('autotriage-panther-someotheralert'), undefined);
    });

    it("classifies a 400 (a label with a space) as 'invalid_request', with Jira's message", async () => {
      const input = ticketInput();
      const fields = { ...renderJiraIssue(buildTicket(input), input.alert), labels: ['has space'] };
      const err = await providerError(client().createIssue(fields));
      assert.equal(err.category, 'invalid_request');
      assert.equal(err.details.status, 400);
      assert.match(err.message, /labels/);
      assert.equal(fakes.jira.issues.length, 0);
    });

    it("classifies bad credentials as 'config' without leaking the token", async () => {
      const err = await providerError(client('wrong-token').findIssueByLabel('x'));
      assert.equal(err.category, 'config');
      assert.equal(err.details.status, 401);
      assert.ok(!err.message.includes('wrong-token'));
    });

    it("closes to Done, not to a done-category status the workflow lists first (Won't Do), and reopens to To Do", async () => {
      const input = ticketInput();
      const jira = client();
      const { key } = await jira.createIssue(renderJiraIssue(buildTicket(input), input.alert));
      assert.equal(await jira.transition(key, JIRA_DONE), 'Done');
      assert.equal(fakes.jira.issue(key)?.status, 'Done');
      assert.equal(await jira.transition(key, JIRA_DONE), undefined, 'already there');
      assert.equal(await jira.transition(key, JIRA_REOPENED), 'To Do');
      assert.equal(fakes.jira.issue(key)?.status, 'To Do');
    });

    it("keeps an issue an analyst resolved another way (Won't Do) when the alert closes", async () => {
      const input = ticketInput();
      const jira = client();
      const { key } = await jira.createIssue(renderJiraIssue(buildTicket(input), input.alert));
      // The analyst, in Jira's own UI.
      const analyst = new Version3Client({ host: fakes.jira.url, authentication: { basic: { email: FAKE_CREDENTIALS.jiraEmail, apiToken: FAKE_CREDENTIALS.jiraApiToken } } });
      await analyst.issues.doTransition({ issueIdOrKey: key, transition: { id: '41' } });
      assert.equal(fakes.jira.issue(key)?.status, "Won't Do");
      const moves = fakes.jira.issue(key)!.transitions.length;
      assert.equal(await jira.transition(key, JIRA_DONE), undefined);
      assert.equal(fakes.jira.issue(key)?.status, "Won't Do");
      assert.equal(fakes.jira.issue(key)!.transitions.length, moves, 'no transition was made');
    });

    it("classifies a 429 as 'rate_limit' with Retry-After", async () => {
      fakes.jira.injectFaults({ status: 429, headers: { 'retry-after': '11' } });
      const err = await providerError(client().findIssueByLabel('x'));
      assert.equal(err.category, 'rate_limit');
      assert.equal(err.details.retryAfterMs, 11_000);
    });
  });

  describe('activities in MockActivityEnvironment', () => {
    let deps: ActivityDeps;
    let printed: string[];
    let logsDir: string;

    const scratch: string[] = [];

    /** depsFor, remembering the folders it made so they are removed afterwards. */
    async function scratchDeps(env: Record<string, string>): Promise<{ deps: ActivityDeps; printed: string[] }> {
      const built = await depsFor(env, logsDir);
      scratch.push(built.config.dataDir);
      return built;
    }

    before(async () => {
      logsDir = tempDir('logs');
      scratch.push(logsDir);
      ({ deps, printed } = await scratchDeps(fakes.env));
    });

    after(async () => {
      await deps?.siem.close();
      for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
    });

    beforeEach(() => {
      printed.length = 0;
    });

    it('postTicket on attempt 2 finds the message an ambiguous attempt 1 posted instead of posting again', async () => {
      const activities = createActivities(deps);
      const input = postInput();
      // Attempt 1: Slack stores the message, then the connection drops before the answer.
      fakes.slack.injectFaults({ path: '/api/chat.postMessage', afterHandling: true, reset: true });
      await applicationFailure(runAttempt(1, activities.postTicket, input));
      assert.equal(fakes.slack.messages.length, 1);
      const posted = fakes.slack.messages[0];
      assert.ok(posted);

      const second = await runAttempt(2, activities.postTicket, input);
      assert.deepEqual(second, { kind: 'slack', channel: CHANNEL, ts: posted.ts });
      assert.equal(fakes.slack.messages.length, 1, 'no second post');
    });

    it('postTicket on attempt 2 posts when no earlier message exists', async () => {
      const activities = createActivities(deps);
      const result = await runAttempt(2, activities.postTicket, postInput());
      assert.equal(result.kind, 'slack');
      assert.equal(fakes.slack.messages.length, 1);
    });

    it('postTicket never starts a call it could not finish before its attempt times out: a slow look for an earlier post leaves the post to the next attempt', async () => {
      // Calls of at most 1 s, an attempt of 4.5 s: a page is asked for only with 3 s left (the page, the
      // post, the text-only fallback), so the attempt ends before Temporal starts the next one.
      const quick = new SlackClient({ botToken: FAKE_CREDENTIALS.slackBotToken, apiUrl: fakes.slack.apiUrl, timeoutMs: 1_000 });
      const activities = createActivities({ ...deps, slack: { ...deps.slack!, client: quick } });
      const input = postInput();
      // A busy channel: the look needs a second page of conversations.history.
      for (let i = 0; i < 201; i++) await quick.postMessage({ channel: CHANNEL, text: `other ${i}`, blocks: [], alertKey: `alert/panther/other-${i}` });
      fakes.slack.injectFaults({ path: '/api/conversations.history', hangMs: 800 });
      const started = Date.now();
      const env = new MockActivityEnvironment({ attempt: 2, startToCloseTimeoutMs: 4_500 }, { logger: new DefaultLogger('ERROR') });
      const failure = await applicationFailure(env.run(activities.postTicket, input));
      const took = Date.now() - started;
      assert.equal(failure.nonRetryable, false);
      assert.match(failure.message, /looking for an earlier post: not started with \d+ s of this attempt left/);
      assert.ok(took < 4_500, `the attempt ended after ${took} ms, within its timeout`);
      assert.equal(fakes.slack.requests.filter((r) => r.path === '/api/conversations.history').length, 1, 'one page, then it stopped');
      assert.equal(fakes.slack.messages.length, 201, 'and it posted nothing');
    });

    it('postTicket on attempt 2 looks only at the messages since its activity was scheduled (less a minute); a reopened alert\'s, since the triage began', async () => {
      const activities = createActivities(deps);
      const scheduled = Date.now() - 10 * 60_000;
      const triageStart = scheduled - 60 * 60_000;
      const input = { ...postInput(), notBefore: new Date(triageStart).toISOString() };
      const attempt2 = new MockActivityEnvironment({ attempt: 2, scheduledTimestampMs: scheduled, startToCloseTimeoutMs: START_TO_CLOSE_MS }, { logger: new DefaultLogger('ERROR') });
      await attempt2.run(activities.postTicket, input);
      // The Web API client posts its arguments as a form.
      const oldest = () => Number(new URLSearchParams(fakes.slack.requests.filter((r) => r.path === '/api/conversations.history').at(-1)?.body).get('oldest'));
      assert.equal(oldest(), Math.floor(scheduled / 1000) - 60);
      await attempt2.run(activities.postTicket, { ...input, mayExist: true });
      assert.equal(oldest(), Math.floor(triageStart / 1000) - 60);
    });

    it('postTicket on attempt 1 posts without looking first', async () => {
      const activities = createActivities(deps);
      await runAttempt(1, activities.postTicket, postInput());
      assert.equal(fakes.slack.messages.length, 1);
      assert.ok(!fakes.slack.requests.some((r) => r.path === '/api/conversations.history'));
    });

    it('postTicket retries a Slack error it does not recognise for 30 min from the first attempt (and 10 attempts), then takes it as a refusal', async () => {
      const activities = createActivities(deps);
      const unknown = { path: '/api/chat.postMessage', status: 200, body: { ok: false, error: 'some_error_slack_added_later' } };
      const attemptScheduled = (agoMs: number, attempt = 12) =>
        new MockActivityEnvironment({ attempt, scheduledTimestampMs: Date.now() - agoMs, startToCloseTimeoutMs: START_TO_CLOSE_MS }, { logger: new DefaultLogger('ERROR') });
      fakes.slack.injectFaults(unknown, unknown, unknown);
      const early = await applicationFailure(attemptScheduled(29 * 60_000).run(activities.postTicket, postInput()));
      assert.equal(early.nonRetryable, false, 'within 30 min: retried, it may be an outage under a new name');
      const backlog = await applicationFailure(attemptScheduled(61 * 60_000, 1).run(activities.postTicket, postInput()));
      assert.equal(backlog.nonRetryable, false, 'first scheduled an hour ago (workers were down), but only its first attempt: retried');
      const late = await applicationFailure(attemptScheduled(31 * 60_000).run(activities.postTicket, postInput()));
      assert.equal(late.nonRetryable, true, 'past 30 min: a refusal (the workflow saves the ticket and says delivery_failed)');
      assert.equal(late.type, 'Slack.unrecognized');
      assert.match(late.message, /some_error_slack_added_later .*does not recognise/);
      assert.equal(fakes.slack.messages.length, 0);
    });

    it('postTicket falls back to a text-only message, its buttons kept, when Slack rejects the blocks', async () => {
      const activities = createActivities(deps);
      fakes.slack.injectFaults({ path: '/api/chat.postMessage', status: 200, body: { ok: false, error: 'invalid_blocks' } });
      const result = await runAttempt(1, activities.postTicket, postInput({ triage: { status: 'awaiting_analyst', reopened: 0 } }));
      assert.equal(result.kind, 'slack');
      assert.equal(fakes.slack.messages.length, 1);
      const message = fakes.slack.messages[0];
      assert.ok(message);
      assert.match(message.text, /Suspected brute force Okta logins[\s\S]*\(the full ticket could not be rendered: invalid_blocks\)$/);
      // One verbatim section (Slack would auto-link a URL in an alert title in a message without blocks),
      // then the buttons: the analysts can still close it from Slack.
      assert.deepEqual(
        message.blocks?.map((b) => ({ type: b.type, text: b.text })),
        [{ type: 'section', text: { type: 'mrkdwn', text: message.text, verbatim: true } }, { type: 'actions', text: undefined }],
      );
      assert.match(JSON.stringify(message.blocks), /autotriage_close_benign/);
    });

    it('updateSlackTicket falls back to the text, buttons kept, when Slack rejects the blocks of the update too', async () => {
      const activities = createActivities(deps);
      const input = postInput({ triage: { status: 'awaiting_analyst', reopened: 0 } });
      const posted = await runAttempt(1, activities.postTicket, input);
      assert.ok(posted.kind === 'slack');
      fakes.slack.injectFaults({ path: '/api/chat.update', status: 200, body: { ok: false, error: 'msg_blocks_too_long' } });
      await runAttempt(1, activities.updateSlackTicket, { ...input, jira: { key: 'SEC-8', url: `${fakes.jira.url}/browse/SEC-8` }, ref: { channel: posted.channel, ts: posted.ts } });
      const message = fakes.slack.messages.at(-1)!;
      assert.equal(message.edits.length, 1, 'updated, not left as it was');
      assert.match(message.text, /\(the full ticket could not be rendered: msg_blocks_too_long\)$/);
      assert.deepEqual(message.blocks?.map((b) => b.type), ['section', 'actions']);
    });

    it('updateSlackTicket re-renders the posted message with the Jira link', async () => {
      const activities = createActivities(deps);
      const input = postInput();
      const posted = await runAttempt(1, activities.postTicket, input);
      assert.equal(posted.kind, 'slack');
      if (posted.kind !== 'slack') return;
      const jira = { key: 'SEC-7', url: `${fakes.jira.url}/browse/SEC-7` };
      await runAttempt(1, activities.updateSlackTicket, { ...input, jira, ref: { channel: posted.channel, ts: posted.ts } });
      const message = fakes.slack.messages[0];
      assert.equal(fakes.slack.messages.length, 1);
      assert.equal(message?.edits.length, 1);
      assert.ok(JSON.stringify(message?.blocks).includes(`<${jira.url}|Jira SEC-7 ↗>`));
    });

    it('postTicket keeps retrying a bad Slack token (delivery policy), with a retryable failure', async () => {
      const { deps: badDeps } = await scratchDeps({ ...fakes.env, SLACK_BOT_TOKEN: 'xoxb-revoked' });
      try {
        const f = await applicationFailure(runAttempt(1, createActivities(badDeps).postTicket, postInput()));
        assert.equal(f.type, 'Slack.config');
        assert.equal(f.nonRetryable, false);
      } finally {
        await badDeps.siem.close();
      }
    });

    for (const [what, env, field] of [
      ['an issue type the project does not have', { JIRA_ISSUE_TYPE: 'Security Incident' }, /issuetype/],
      ['a project key Jira does not know', { JIRA_PROJECT_KEY: 'NOPE' }, /project/],
    ] as const) {
      it(`createJiraIssue with ${what} fails as configuration (retried until fixed, like a bad token), naming the field`, async () => {
        const { deps: badDeps } = await scratchDeps({ ...fakes.env, ...env });
        try {
          const f = await applicationFailure(runAttempt(1, createActivities(badDeps).createJiraIssue, ticketInput()));
          assert.equal(f.type, 'Jira.config');
          assert.equal(f.nonRetryable, false, 'retried: the issue is created once the operator fixes it');
          assert.match(f.message, field);
          assert.match(f.message, /check JIRA_PROJECT_KEY, JIRA_ISSUE_TYPE/);
        } finally {
          await badDeps.siem.close();
        }
      });
    }

    it('createJiraIssue on attempt 2 finds the issue an ambiguous attempt 1 created', async () => {
      const activities = createActivities(deps);
      const input = ticketInput();
      fakes.jira.injectFaults({ method: 'POST', path: '/rest/api/3/issue', afterHandling: true, reset: true });
      await applicationFailure(runAttempt(1, activities.createJiraIssue, input));
      assert.equal(fakes.jira.issues.length, 1);
      const key = fakes.jira.issues[0]?.key;

      const second = await runAttempt(2, activities.createJiraIssue, input);
      assert.deepEqual(second, { status: 'ok', data: { key, url: `${fakes.jira.url}/browse/${String(key)}` } });
      assert.equal(fakes.jira.issues.length, 1, 'no second issue');
    });

    it('createJiraIssue on attempt 2 finds an issue attempt 1 made before the upgrade, under the label of its day', async () => {
      const activities = createActivities(deps);
      const input = ticketInput({ alert: forgotPasswordAlert({ source: 'acme-edr', alertId: 'upgrade-1' }) });
      // Attempt 1 ran on the previous release: its issue carries `autotriage-acme-edr-upgrade-1`.
      fakes.jira.injectFaults({ method: 'POST', path: '/rest/api/3/issue', afterHandling: true, reset: true });
      await applicationFailure(runAttempt(1, activities.createJiraIssue, input));
      const issue = fakes.jira.issues.at(-1)!;
      issue.fields.labels = issue.fields.labels.map((l) => (l === alertLabel(input.alert) ? 'autotriage-acme-edr-upgrade-1' : l));
      const second = await runAttempt(2, activities.createJiraIssue, input);
      assert.equal(second.status === 'ok' ? second.data.key : undefined, issue.key);
      assert.equal(fakes.jira.issues.filter((i) => i.fields.labels.some((l) => l.includes('upgrade-1'))).length, 1, 'no second issue');
    });

    it('createJiraIssue of a later run (legacyLabel: false) never takes another alert\'s issue that bears its old plain label', async () => {
      const activities = createActivities(deps);
      // Alert acme/edr-1's own label is the plain `autotriage-acme-edr-1` — acme-edr/1's label of old.
      const other = ticketInput({ alert: forgotPasswordAlert({ source: 'acme', alertId: 'edr-1' }) });
      const otherIssue = await runAttempt(1, activities.createJiraIssue, other);
      assert.equal(otherIssue.status, 'ok');
      const mine = ticketInput({ alert: forgotPasswordAlert({ source: 'acme-edr', alertId: '1' }) });
      assert.equal(legacyAlertLabel(mine.alert), alertLabel(other.alert), 'the two alerts meet under the old plain label');
      // Its first attempt failed before Jira wrote anything: the retry finds nothing of its own, and creates.
      const created = await runAttempt(2, activities.createJiraIssue, { ...mine, legacyLabel: false });
      assert.ok(created.status === 'ok' && otherIssue.status === 'ok' && created.data.key !== otherIssue.data.key, 'its own issue');
      assert.equal(fakes.jira.issues.filter((i) => i.fields.labels.includes(alertLabel(mine.alert))).length, 1);
    });

    it('postTicket without Slack writes <ticketsDir>/<source>/<alertId>.txt and prints the ticket', async () => {
      const { deps: localDeps, printed: localPrinted } = await scratchDeps({});
      try {
        const activities = createActivities(localDeps);
        const alert = forgotPasswordAlert({ alertId: 'Test.Alert' });
        const input = postInput({ alert });
        const result = await runAttempt(1, activities.postTicket, input);
        const expected = path.join(localDeps.ticketsDir, 'panther', 'Test.Alert.txt');
        assert.deepEqual(result, { kind: 'local', path: expected });
        const saved = fs.readFileSync(expected, 'utf8');
        assert.ok(saved.startsWith(`🔐 ${alert.title}`), saved.slice(0, 200));
        assert.ok(saved.includes('Top login locations'));
        assert.ok(fs.existsSync(path.join(localDeps.ticketsDir, 'panther', 'Test.Alert.slack.json')));
        assert.equal(localPrinted.length, 1);
        assert.ok(localPrinted[0]?.includes(saved.trimEnd()), 'the printed ticket is the saved one');
        assert.ok(localPrinted[0]?.includes(expected));
        assert.equal(fakes.slack.requestCount, 0);

        const jira = await runAttempt(1, activities.createJiraIssue, input);
        assert.equal(jira.status, 'not_configured');
        const vt = await runAttempt(1, activities.lookupReputation, { provider: 'virustotal', indicator: IP });
        assert.equal(vt.status, 'not_configured');
      } finally {
        await localDeps.siem.close();
      }
    });
  });
});
