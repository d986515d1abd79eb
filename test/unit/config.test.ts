/** Configuration from the environment (src/config/config.ts). */
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, apiListenHost, configWarnings, pantherConsoleUrl, parseConfig, parseDuration, type Config } from '../../src/config/config';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('the configuration was accepted');
}

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_CHANNEL: 'C0123ABCDEF' };
const JIRA = { JIRA_HOST: 'https://acme.atlassian.net', JIRA_EMAIL: 'soc-bot@acme.io', JIRA_API_TOKEN: 'tok', JIRA_PROJECT_KEY: 'SEC' };

describe('parseConfig', () => {
  it('has the documented defaults with an empty environment', () => {
    const c: Config = parseConfig({ LOG_FORMAT: 'json' });
    assert.deepEqual(c.api, {
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://127.0.0.1:3000',
      localUrl: 'http://127.0.0.1:3000',
      webhookSecret: undefined,
      maxBodyBytes: 1024 * 1024,
      startPacing: { perSecond: 5, burst: 100 },
    });
    assert.deepEqual(c.temporal, { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'autotriage', uiPort: 8233, apiKey: undefined, tls: undefined });
    assert.equal(c.reputation.virustotal, undefined, 'VirusTotal is skipped without a key');
    assert.deepEqual(c.siem, { kind: 'local', logsDir: path.resolve('./data/logs') });
    assert.equal(c.slack, undefined);
    assert.equal(c.jira, undefined);
    assert.equal(c.autoCloseMode, 'shadow');
    assert.equal(c.dataDir, path.resolve('./.data'));
    assert.deepEqual(c.log, { level: 'info', format: 'json' });
    assert.equal(c.workerMaxCachedWorkflows, 500);
  });

  it('takes the worker cache size and refuses one the SDK would not run with, naming the variable', () => {
    assert.equal(parseConfig({ WORKER_MAX_CACHED_WORKFLOWS: '2000' }).workerMaxCachedWorkflows, 2000);
    for (const bad of ['1', '0', '-5', '2.5', 'lots']) {
      assert.match(configError({ WORKER_MAX_CACHED_WORKFLOWS: bad }).message, /WORKER_MAX_CACHED_WORKFLOWS/, bad);
    }
  });

  it('builds the Slack, Jira and VirusTotal sections when fully configured', () => {
    const c = parseConfig({ ...SLACK, ...JIRA, VIRUSTOTAL_API_KEY: 'k' });
    assert.deepEqual(c.slack, { botToken: 'xoxb-1-2-abc', channel: 'C0123ABCDEF', apiUrl: 'https://slack.com/api/', signingSecret: undefined, auditChannel: undefined });
    assert.deepEqual(c.jira, { host: 'https://acme.atlassian.net', email: 'soc-bot@acme.io', apiToken: 'tok', projectKey: 'SEC', issueType: 'Task' });
    assert.deepEqual(c.reputation.virustotal, { apiKey: 'k', baseUrl: 'https://www.virustotal.com/api/v3', ratePerMinute: 4, dailyBudget: 500, cacheTtlMs: 86_400_000 });
  });

  it('rejects a Slack token without a channel, naming SLACK_CHANNEL', () => {
    const err = configError({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc' });
    assert.match(err.message, /Slack/);
    assert.match(err.message, /set SLACK_CHANNEL/);
  });

  it('rejects a Slack channel without a token, naming SLACK_BOT_TOKEN', () => {
    assert.match(configError({ SLACK_CHANNEL: 'C0123ABCDEF' }).message, /set SLACK_BOT_TOKEN/);
  });

  it('rejects a partial Jira configuration, naming each missing variable', () => {
    const err = configError({ JIRA_HOST: 'https://acme.atlassian.net', JIRA_EMAIL: 'soc-bot@acme.io' });
    assert.match(err.message, /JIRA_API_TOKEN/);
    assert.match(err.message, /JIRA_PROJECT_KEY/);
  });

  it('rejects SIEM=panther without its URL and token', () => {
    assert.match(configError({ SIEM: 'panther' }).message, /PANTHER_API_URL/);
  });

  it('configures Temporal Cloud: an API key turns TLS on; mTLS needs both files', () => {
    const cloud = parseConfig({ TEMPORAL_API_KEY: 'key-1', TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233' });
    assert.equal(cloud.temporal.apiKey, 'key-1');
    assert.deepEqual(cloud.temporal.tls, { certPath: undefined, keyPath: undefined });
    const mtls = parseConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem', TEMPORAL_TLS_KEY_PATH: '/k.pem' });
    assert.deepEqual(mtls.temporal.tls, { certPath: '/c.pem', keyPath: '/k.pem' });
    assert.match(configError({ TEMPORAL_TLS_CERT_PATH: '/c.pem' }).message, /TEMPORAL_TLS_KEY_PATH/);
  });

  it('validates CODEC_KEYS and CODEC_KEY_ID at start, without echoing key material', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const ok = parseConfig({ CODEC_KEYS: `k1:${key}`, CODEC_AUTH_TOKEN: 'codec-token-0123456789' });
    assert.deepEqual(ok.codec, {
      keys: `k1:${key}`,
      currentKeyId: undefined,
      authToken: 'codec-token-0123456789',
      allowedOrigins: ['http://127.0.0.1:8233', 'http://localhost:8233', 'http://[::1]:8233'],
    });
    // The dev server's UI on another port is still allowed: the default follows TEMPORAL_UI_PORT.
    const moved = parseConfig({ CODEC_KEYS: `k1:${key}`, CODEC_AUTH_TOKEN: 'codec-token-0123456789', TEMPORAL_UI_PORT: '8234' });
    assert.deepEqual(moved.codec?.allowedOrigins, ['http://127.0.0.1:8234', 'http://localhost:8234', 'http://[::1]:8234']);
    const port80 = parseConfig({ CODEC_KEYS: `k1:${key}`, CODEC_AUTH_TOKEN: 'codec-token-0123456789', TEMPORAL_UI_PORT: '80' });
    assert.deepEqual(port80.codec?.allowedOrigins, ['http://127.0.0.1', 'http://localhost', 'http://[::1]'], 'the UI on port 80: origins as browsers send them');
    assert.deepEqual(parseConfig({ CODEC_KEYS: `k1:${key}`, CODEC_ALLOWED_ORIGINS: 'https://ui.acme.io' }).codec?.allowedOrigins, ['https://ui.acme.io']);
    // A browser sends an origin, never a path: an entry with one would never match.
    for (const [origin, hint] of [['https://ui.acme.io/', /\(https:\/\/ui\.acme\.io\)/], ['https://ui.acme.io/temporal', /\(https:\/\/ui\.acme\.io\)/], ['ui.acme.io', /no path/]] as const) {
      const err = configError({ CODEC_KEYS: `k1:${key}`, CODEC_ALLOWED_ORIGINS: `https://ok.acme.io,${origin}` });
      assert.match(err.message, new RegExp(`CODEC_ALLOWED_ORIGINS: "${origin.replace(/[./]/g, '\\$&')}" is not an origin`));
      assert.match(err.message, hint);
    }
    const short = configError({ CODEC_KEYS: `k1:${Buffer.alloc(16, 7).toString('base64')}` });
    assert.match(short.message, /CODEC_KEYS/);
    assert.equal(short.message.includes(Buffer.alloc(16, 7).toString('base64')), false);
    assert.match(configError({ CODEC_KEYS: `k1:${key}`, CODEC_KEY_ID: 'k2' }).message, /CODEC_KEY_ID.*"k2"/s);
    assert.equal(parseConfig({}).codec, undefined);
  });

  it('trims a secret read from a file, and refuses one with a line break inside without echoing it', () => {
    assert.equal(parseConfig({ ...SLACK, SLACK_BOT_TOKEN: 'xoxb-1-2-abc\n' }).slack?.botToken, 'xoxb-1-2-abc');
    const err = configError({ VIRUSTOTAL_API_KEY: 'vt-SECRET-part\nother-part' });
    assert.match(err.message, /VIRUSTOTAL_API_KEY: must be printable characters only/);
    assert.doesNotMatch(err.message, /SECRET|other-part/);
    assert.match(configError({ WEBHOOK_SECRET: 'tab\there' }).message, /WEBHOOK_SECRET/);
    assert.equal(parseConfig({ WEBHOOK_SECRET: 'a passphrase with spaces' }).api.webhookSecret, 'a passphrase with spaces', 'spaces inside are fine');
    // The secrets an operator chooses should not be guessable: a short one is warned about, never shown.
    const key = Buffer.alloc(32, 7).toString('base64');
    const short = configWarnings(parseConfig({ WEBHOOK_SECRET: 'hunter2', CODEC_KEYS: `k1:${key}`, CODEC_AUTH_TOKEN: 'hunter3' })).join('\n');
    assert.match(short, /WEBHOOK_SECRET is 7 characters: .*shorter than 16 .*openssl rand/);
    assert.match(short, /CODEC_AUTH_TOKEN is 7 characters/);
    assert.doesNotMatch(short, /hunter/);
    assert.deepEqual(configWarnings(parseConfig({ WEBHOOK_SECRET: '0123456789abcdef' })), []);
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL: 'C0123ABCDEF', SLACK_SIGNING_SECRET: '0123456789abcdef0123', WEBHOOK_SECRET: '0123456789abcdef' };
    assert.match(configWarnings(parseConfig({ ...slack, SLACK_AUDIT_CHANNEL: '#soc-audit' })).join('\n'), /SLACK_AUDIT_CHANNEL should be a channel ID \(C0123ABCDEF\), not "#soc-audit"/);
    assert.deepEqual(configWarnings(parseConfig({ ...slack, SLACK_AUDIT_CHANNEL: 'C0AUDIT1' })), []);
  });

  it('refuses a METRICS_PORT that collides with PORT', () => {
    assert.match(configError({ PORT: '9464' }).message, /METRICS_PORT/);
    assert.match(configError({ PORT: '8000', METRICS_PORT: '7999' }).message, /METRICS_PORT/);
    assert.equal(parseConfig({ METRICS_PORT: '9100' }).metricsPort, 9100);
  });

  it('refuses METRICS_PORT=65535 for what it is: no room for METRICS_PORT+1', () => {
    assert.match(configError({ METRICS_PORT: '65535' }).message, /METRICS_PORT: at most 65534/);
  });

  it('takes TEMPORAL_ADDRESS as host:port, and refuses a URL or a missing port naming the variable', () => {
    for (const address of ['temporal:7233', 'my-ns.a1b2c.tmprl.cloud:7233', '[::1]:7233', '10.0.0.5:7233']) {
      assert.equal(parseConfig({ TEMPORAL_ADDRESS: address }).temporal.address, address);
    }
    for (const address of ['http://temporal:7233', 'temporal', 'temporal:7233/ns']) {
      assert.match(configError({ TEMPORAL_ADDRESS: address }).message, /TEMPORAL_ADDRESS: must be host:port without a scheme/, address);
    }
  });

  it('reads flags whatever their case', () => {
    assert.deepEqual(parseConfig({ TEMPORAL_TLS: 'TRUE' }).temporal.tls, { certPath: undefined, keyPath: undefined });
    assert.ok(parseConfig({ TEMPORAL_TLS: ' Yes ' }).temporal.tls);
    assert.equal(parseConfig({ TEMPORAL_TLS: 'False' }).temporal.tls, undefined);
    assert.match(configError({ TEMPORAL_TLS: 'maybe' }).message, /TEMPORAL_TLS/);
  });

  it('refuses a zero duration where zero cannot work', () => {
    assert.match(configError({ MAX_OPEN: '0s' }).message, /MAX_OPEN: must be longer than 0/);
    assert.match(configError({ ENRICHMENT_WAIT: '0s' }).message, /ENRICHMENT_WAIT: must be longer than 0/);
    for (const ttl of ['VIRUSTOTAL_CACHE_TTL', 'ABUSEIPDB_CACHE_TTL', 'GREYNOISE_CACHE_TTL']) {
      assert.match(configError({ [ttl]: '0s' }).message, new RegExp(`${ttl}: must be longer than 0`), 'every answer would be stale on arrival');
    }
    assert.equal(parseConfig({ REOPEN_WINDOW: '0s' }).policy.reopenWindowMs, 0, 'no reopening at all is a choice');
  });

  it('rejects a bad PORT naming it', () => {
    for (const PORT of ['abc', '70000', '3000.5', '-1', '0']) {
      const err = configError({ PORT });
      assert.match(err.message, /\bPORT\b/, `PORT=${PORT}: ${err.message}`);
    }
  });

  it('rejects bad enumerations and URLs, naming the variable', () => {
    assert.match(configError({ AUTOCLOSE_MODE: 'always' }).message, /AUTOCLOSE_MODE/);
    assert.match(configError({ SIEM: 'splunk' }).message, /\bSIEM\b/);
    assert.match(configError({ JIRA_HOST: 'acme.atlassian.net' }).message, /JIRA_HOST/);
  });

  it('treats empty optional strings as unset', () => {
    const c = parseConfig({
      WEBHOOK_SECRET: '',
      VIRUSTOTAL_API_KEY: '',
      SLACK_BOT_TOKEN: '',
      SLACK_CHANNEL: '  ',
      JIRA_HOST: '',
      JIRA_EMAIL: '',
      JIRA_API_TOKEN: '',
      JIRA_PROJECT_KEY: '',
      PUBLIC_URL: '',
      TEMPORAL_CLI_PATH: '',
    });
    assert.equal(c.api.webhookSecret, undefined);
    assert.equal(c.reputation.virustotal, undefined);
    assert.equal(c.slack, undefined);
    assert.equal(c.jira, undefined);
    assert.equal(c.api.publicUrl, 'http://127.0.0.1:3000');
  });
  it('treats empty strings as unset for variables with defaults too (PORT, HOST, base URLs)', () => {
    const c = parseConfig({ PORT: '', HOST: '', VIRUSTOTAL_API_KEY: 'k', VIRUSTOTAL_BASE_URL: '', SLACK_API_URL: '', ...SLACK, TEMPORAL_ADDRESS: '' });
    assert.equal(c.api.port, 3000);
    assert.equal(c.api.host, '127.0.0.1');
    assert.equal(c.reputation.virustotal?.baseUrl, 'https://www.virustotal.com/api/v3');
    assert.equal(c.slack?.apiUrl, 'https://slack.com/api/');
    assert.equal(c.temporal.address, '127.0.0.1:7233');
  });

  it('trims trailing slashes from VIRUSTOTAL_BASE_URL, JIRA_HOST and PUBLIC_URL', () => {
    const c = parseConfig({
      VIRUSTOTAL_API_KEY: 'k',
      VIRUSTOTAL_BASE_URL: 'http://127.0.0.1:4010/api/v3/',
      ...JIRA,
      JIRA_HOST: 'https://acme.atlassian.net//',
      PUBLIC_URL: 'https://soar.acme.io/',
    });
    assert.equal(c.reputation.virustotal?.baseUrl, 'http://127.0.0.1:4010/api/v3');
    assert.equal(c.jira?.host, 'https://acme.atlassian.net');
    assert.equal(c.api.publicUrl, 'https://soar.acme.io');
  });

  it('adds the trailing slash the Slack client needs to SLACK_API_URL', () => {
    assert.equal(parseConfig({ ...SLACK, SLACK_API_URL: 'http://127.0.0.1:4011/api' }).slack?.apiUrl, 'http://127.0.0.1:4011/api/');
  });

  it('shows a loopback public URL when listening on all interfaces', () => {
    assert.equal(parseConfig({ HOST: '0.0.0.0', PORT: '8080' }).api.publicUrl, 'http://127.0.0.1:8080');
  });

  it('brackets an IPv6 HOST in the default public URL, so it is a URL', () => {
    const { publicUrl, localUrl } = parseConfig({ HOST: '::1', PORT: '8080' }).api;
    assert.equal(publicUrl, 'http://[::1]:8080');
    assert.equal(new URL(publicUrl).hostname, '[::1]');
    assert.equal(localUrl, 'http://[::1]:8080', 'the demo reaches the API there');
    assert.equal(parseConfig({ HOST: '::', PORT: '8080', PUBLIC_URL: 'https://soar.acme.io' }).api.localUrl, 'http://127.0.0.1:8080');
  });
});

describe('config: budgets, durations, Panther', () => {
  it('parses durations and names a bad one', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('24h'), 86_400_000);
    assert.equal(parseDuration('1.5m'), 90_000);
    assert.equal(parseDuration('soon'), undefined);
    assert.throws(() => parseConfig({ VIRUSTOTAL_CACHE_TTL: 'forever' }), /VIRUSTOTAL_CACHE_TTL: must be a duration/);
  });

  it('configures each reputation provider only with its key, with the public budgets by default', () => {
    const c = parseConfig({ ABUSEIPDB_API_KEY: 'a', GREYNOISE_API_KEY: 'g', GREYNOISE_DAILY_BUDGET: '20' });
    assert.equal(c.reputation.virustotal, undefined);
    assert.equal(c.reputation.abuseipdb?.dailyBudget, 1000);
    assert.equal(c.reputation.greynoise?.dailyBudget, 20);
    assert.equal(c.enrichmentWaitMs, 60_000);
    assert.throws(() => parseConfig({ ENRICHMENT_WAIT: '5m' }), /at most 90s/);
    assert.throws(() => parseConfig({ PANTHER_QUERY_TIMEOUT: '3m' }), /PANTHER_QUERY_TIMEOUT: at most 40s/);
    const panther = { PANTHER_API_URL: 'https://api.acme.runpanther.net/public/graphql', PANTHER_API_TOKEN: 't' };
    assert.equal(parseConfig(panther).panther?.queryTimeoutMs, 30_000);
    assert.equal(parseConfig({ ...panther, PANTHER_QUERY_TIMEOUT: '40s' }).panther?.queryTimeoutMs, 40_000);
  });

  it('derives the Panther console from the API URL, and needs both Panther variables', () => {
    assert.equal(pantherConsoleUrl('https://api.acme.runpanther.net/public/graphql'), 'https://acme.runpanther.net');
    const c = parseConfig({ PANTHER_API_URL: 'https://api.acme.runpanther.net/public/graphql', PANTHER_API_TOKEN: 't' });
    assert.equal(c.panther?.consoleUrl, 'https://acme.runpanther.net');
    assert.equal(c.panther?.comment, true);
    assert.equal(c.siem.kind, 'local', 'Panther API alone does not switch the SIEM');
    assert.throws(() => parseConfig({ PANTHER_API_TOKEN: 't' }), /Panther is partly configured: set PANTHER_API_URL/);
    assert.throws(() => parseConfig({ SIEM: 'panther' }), /SIEM=panther needs/);
  });

  it('knows the Panther console from PANTHER_CONSOLE_URL alone (no API token), for the link check', () => {
    const c = parseConfig({ PANTHER_CONSOLE_URL: 'https://acme.runpanther.net/' });
    assert.equal(c.pantherConsoleUrl, 'https://acme.runpanther.net');
    assert.equal(c.panther, undefined);
    assert.equal(parseConfig({}).pantherConsoleUrl, undefined);
  });
});

describe('config: where the API listens', () => {
  it('listens on HOST when intake is authenticated, or when HOST is loopback anyway', () => {
    assert.deepEqual(apiListenHost({ host: '0.0.0.0', webhookSecret: 's3cret' }), { host: '0.0.0.0', narrowed: false });
    assert.deepEqual(apiListenHost({ host: '::1', webhookSecret: undefined }), { host: '::1', narrowed: false });
  });

  it('stays on loopback without WEBHOOK_SECRET, whatever HOST says', () => {
    assert.deepEqual(apiListenHost({ host: '0.0.0.0', webhookSecret: undefined }), { host: '127.0.0.1', narrowed: true });
  });
});

describe('config: warnings at start', () => {
  const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL: 'C0SOCALERTS' };

  it('says the buttons cannot work when Slack is set up without its signing secret', () => {
    const [warning, ...rest] = configWarnings(parseConfig(slack));
    assert.match(warning ?? '', /SLACK_SIGNING_SECRET is not set: .*every click will be refused/);
    assert.deepEqual(rest, []);
    assert.deepEqual(configWarnings(parseConfig({ ...slack, SLACK_SIGNING_SECRET: 'shh' })), []);
  });

  it('asks for a channel ID rather than a name', () => {
    assert.match(configWarnings(parseConfig({ ...slack, SLACK_SIGNING_SECRET: 'shh', SLACK_CHANNEL: '#soc' })).join('\n'), /SLACK_CHANNEL should be a channel ID .*not "#soc"/);
  });

  it('warns when PUBLIC_URL is elsewhere but intake is unauthenticated (a proxy or tunnel would open it to anyone)', () => {
    assert.match(configWarnings(parseConfig({ PUBLIC_URL: 'https://autotriage.acme.io' })).join('\n'), /PUBLIC_URL \(https:\/\/autotriage\.acme\.io\) is not on this machine, but WEBHOOK_SECRET is not set/);
    assert.deepEqual(configWarnings(parseConfig({ PUBLIC_URL: 'https://autotriage.acme.io', WEBHOOK_SECRET: 'whsec-0123456789abcdef' })), []);
    assert.deepEqual(configWarnings(parseConfig({ PUBLIC_URL: 'http://[::1]:3000' })), []);
    assert.deepEqual(configWarnings(parseConfig({ PUBLIC_URL: 'http://localhost:3000' })), []);
  });

  it('warns when the API listens beyond loopback but links still point at 127.0.0.1 (PUBLIC_URL not set)', () => {
    const secret = 'whsec-0123456789abcdef';
    assert.match(
      configWarnings(parseConfig({ HOST: '0.0.0.0', WEBHOOK_SECRET: secret })).join('\n'),
      /PUBLIC_URL is not set while the API listens on 0\.0\.0\.0: .* point at http:\/\/127\.0\.0\.1:3000/,
    );
    assert.deepEqual(configWarnings(parseConfig({ HOST: '0.0.0.0', WEBHOOK_SECRET: secret, PUBLIC_URL: 'https://autotriage.acme.io' })), []);
    assert.deepEqual(configWarnings(parseConfig({ HOST: '127.0.0.1', WEBHOOK_SECRET: secret })), [], 'on loopback the local address is the right one');
    assert.deepEqual(configWarnings(parseConfig({ HOST: '0.0.0.0' })), [], 'without the secret the API stays on loopback anyway');
  });

  it('has nothing to say about the embedded defaults', () => {
    assert.deepEqual(configWarnings(parseConfig({})), []);
  });
});
