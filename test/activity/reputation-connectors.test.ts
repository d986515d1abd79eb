/**
 * The AbuseIPDB and GreyNoise connectors against their HTTP fakes: real clients over real HTTP, answers
 * summarized to the domain reports, and failures classified (auth → config, 429 → rate_limit with the
 * server's Retry-After, 5xx and hangs → transient, bad input → invalid_request before any request).
 */
import assert from 'node:assert/strict';
import { AbuseIpdbClient } from '../../src/connectors/abuseipdb';
import { GreyNoiseClient } from '../../src/connectors/greynoise';
import { ProviderError } from '../../src/connectors/http';
import { AbuseIpdbFake, GREYNOISE_NOT_OBSERVED_MESSAGE, GreyNoiseFake } from '../fakes';

const ABUSE_KEY = 'a'.repeat(80);
const GREYNOISE_KEY = 'greynoise-fake-community-key';
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

describe('reputation connectors against the HTTP fakes', function () {
  this.timeout(30_000);
  const abuse = new AbuseIpdbFake({ apiKey: ABUSE_KEY });
  const greynoise = new GreyNoiseFake({ apiKey: GREYNOISE_KEY });

  before(async () => {
    await abuse.start();
    await greynoise.start();
  });

  after(async () => {
    await Promise.all([abuse.stop(), greynoise.stop()]);
  });

  beforeEach(() => {
    abuse.reset();
    greynoise.reset();
  });

  describe('AbuseIpdbClient', () => {
    const client = (opts: { apiKey?: string; timeoutMs?: number; maxAgeInDays?: number } = {}): AbuseIpdbClient =>
      new AbuseIpdbClient({ apiKey: ABUSE_KEY, baseUrl: abuse.apiBaseUrl, ...opts });

    it('summarizes a CHECK answer into the fields the ticket shows', async () => {
      abuse.setIp(IP, {
        abuseConfidenceScore: 100,
        totalReports: 57,
        numDistinctUsers: 23,
        lastReportedAt: '2018-12-20T20:55:14+00:00',
        countryCode: 'CN',
        usageType: 'Data Center/Web Hosting/Transit',
        isp: 'Tencent Cloud Computing (Beijing) Co. Ltd',
        domain: 'tencent.com',
        isTor: true,
        isWhitelisted: false,
      });
      const r = await client().check(IP);
      assert.deepEqual(r, {
        ip: IP,
        provider: 'abuseipdb',
        abuseConfidenceScore: 100,
        totalReports: 57,
        distinctReporters: 23,
        lastReportedAt: '2018-12-20T20:55:14+00:00',
        countryCode: 'CN',
        usageType: 'Data Center/Web Hosting/Transit',
        isp: 'Tencent Cloud Computing (Beijing) Co. Ltd',
        domain: 'tencent.com',
        isTor: true,
        isWhitelisted: false,
        link: `https://www.abuseipdb.com/check/${IP}`,
      });
      assert.equal(abuse.lookups(IP), 1);
    });

    it('sends Key and Accept headers and ipAddress/maxAgeInDays (default 90) in the query', async () => {
      await client().check(IP);
      await client({ maxAgeInDays: 30 }).check(IP);
      const [first, second] = abuse.requests;
      assert.equal(first?.method, 'GET');
      assert.equal(first?.path, '/api/v2/check');
      assert.equal(first?.headers['key'], ABUSE_KEY);
      assert.equal(first?.headers['accept'], 'application/json');
      assert.deepEqual(first?.query, { ipAddress: IP, maxAgeInDays: '90' });
      assert.equal(second?.query['maxAgeInDays'], '30');
    });

    it('answers deterministic clean defaults for an IP nobody configured, and null fields become absent', async () => {
      const a = await client().check('198.51.100.7');
      const b = await client().check('198.51.100.7');
      assert.deepEqual(a, b);
      assert.equal(a.abuseConfidenceScore, 0);
      assert.ok(a.totalReports <= 2, `few reports, got ${a.totalReports}`);
      assert.ok(a.distinctReporters <= a.totalReports);
      assert.equal(a.isTor, false);
      abuse.setIp(IP, { countryCode: null, usageType: null, isp: null, domain: null, lastReportedAt: null, isWhitelisted: null, totalReports: 0 });
      const nulls = await client().check(IP);
      for (const field of ['countryCode', 'usageType', 'isp', 'domain', 'lastReportedAt', 'isWhitelisted'] as const) {
        assert.ok(!(field in nulls) || nulls[field] === undefined, `${field} is absent`);
      }
    });

    it('URL-encodes an IPv6 address and checks it', async () => {
      const v6 = '2001:db8::1';
      const r = await client().check(v6);
      assert.equal(r.ip, v6);
      assert.equal(abuse.lookups(v6), 1);
      assert.equal(r.link, `https://www.abuseipdb.com/check/${encodeURIComponent(v6)}`);
    });

    it("rejects a value that is not an IP as 'invalid_request' without a request", async () => {
      const err = await providerError(client().check('not-an-ip'));
      assert.equal(err.category, 'invalid_request');
      assert.equal(abuse.requestCount, 0);
    });

    it("classifies 401 as 'config' with the provider's detail and a hint to check ABUSEIPDB_API_KEY", async () => {
      const err = await providerError(client({ apiKey: 'wrong-key' }).check(IP));
      assert.equal(err.category, 'config');
      assert.equal(err.details.status, 401);
      assert.match(err.message, /ABUSEIPDB_API_KEY/);
      assert.match(err.message, /Authentication failed/);
      assert.ok(!err.message.includes('wrong-key'), 'the key is not in the message');
      assert.equal(abuse.lookups(), 0);
    });

    it("classifies 429 with Retry-After: 30 as 'rate_limit' with retryAfterMs 30000", async () => {
      abuse.injectFaults({ status: 429, headers: { 'retry-after': '30' } });
      const err = await providerError(client().check(IP));
      assert.equal(err.category, 'rate_limit');
      assert.equal(err.details.status, 429);
      assert.equal(err.details.retryAfterMs, 30_000);
      assert.match(err.message, /Daily rate limit/);
    });

    it("classifies 422 as 'invalid_request' and 500 as 'transient'", async () => {
      abuse.injectFaults({ status: 422, body: { errors: [{ detail: 'The max age in days must be between 1 and 365.', status: 422 }] } }, { status: 500 });
      const invalid = await providerError(client().check(IP));
      assert.equal(invalid.category, 'invalid_request');
      assert.match(invalid.message, /max age in days/);
      const server = await providerError(client().check(IP));
      assert.equal(server.category, 'transient');
      assert.equal(server.details.status, 500);
      assert.equal(server.details.retryAfterMs, undefined);
    });

    it('refuses a maxAgeInDays outside 1–365 at construction', () => {
      assert.throws(() => client({ maxAgeInDays: 0 }), (err: unknown) => err instanceof ProviderError && err.category === 'config');
      assert.throws(() => client({ maxAgeInDays: 366 }), ProviderError);
    });

    it("gives up on a hang within timeoutMs as 'transient'", async () => {
      abuse.injectFaults({ hangMs: 5_000 });
      const started = Date.now();
      const err = await providerError(client({ timeoutMs: 200 }).check(IP));
      const elapsed = Date.now() - started;
      assert.equal(err.category, 'transient');
      assert.match(err.message, /did not answer within 200 ms/);
      assert.ok(elapsed < 1_500, `aborted after ${elapsed} ms`);
    });
  });

  describe('GreyNoiseClient', () => {
    const client = (opts: { apiKey?: string; timeoutMs?: number } = { apiKey: GREYNOISE_KEY }): GreyNoiseClient =>
      new GreyNoiseClient({ baseUrl: greynoise.apiBaseUrl, ...opts });

    it('summarizes a 200 for a scanner, and sends the key header', async () => {
      greynoise.setIp('71.6.135.131', { noise: true, riot: false, classification: 'malicious', name: 'unknown', last_seen: '2024-01-01' });
      const r = await client().community('71.6.135.131');
      assert.deepEqual(r, {
        ip: '71.6.135.131',
        provider: 'greynoise',
        found: true,
        noise: true,
        riot: false,
        classification: 'malicious',
        name: 'unknown',
        lastSeen: '2024-01-01',
        link: 'https://viz.greynoise.io/ip/71.6.135.131',
      });
      const req = greynoise.requests[0];
      assert.equal(req?.path, '/v3/community/71.6.135.131');
      assert.equal(req?.headers['key'], GREYNOISE_KEY);
      assert.equal(greynoise.lookups('71.6.135.131'), 1);
    });

    it("uses the body's link for a RIOT service, and omits the key header when no key is set", async () => {
      greynoise.setIp('1.1.1.1', { riot: true, classification: 'benign', name: 'Cloudflare' });
      const r = await client({}).community('1.1.1.1');
      assert.equal(r.found, true);
      assert.equal(r.riot, true);
      assert.equal(r.noise, false);
      assert.equal(r.name, 'Cloudflare');
      assert.equal(r.link, 'https://viz.greynoise.io/riot/1.1.1.1');
      assert.equal(greynoise.requests[0]?.headers['key'], undefined);
    });

    it('never passes on a link that does not point into greynoise.io', async () => {
      greynoise.setIp(IP, { noise: true, link: 'https://evil.example/phish' });
      assert.equal((await client().community(IP)).link, `https://viz.greynoise.io/ip/${IP}`);
    });

    it('treats the 404 "IP not observed" body as an answer: found false', async () => {
      const r = await client().community(IP);
      assert.deepEqual(r, { ip: IP, provider: 'greynoise', found: false, noise: false, riot: false, link: `https://viz.greynoise.io/ip/${IP}` });
      assert.equal(greynoise.requests[0]?.status, 404);
      assert.equal(greynoise.lookups(IP), 1);
    });

    it("does not mistake a 404 from a wrong base URL for an answer", async () => {
      const wrong = new GreyNoiseClient({ baseUrl: `${greynoise.url}/v2`, apiKey: GREYNOISE_KEY });
      const err = await providerError(wrong.community(IP));
      assert.equal(err.details.status, 404);
      assert.equal(err.category, 'invalid_request');
      assert.match(err.message, /base URL/);
    });

    it("rejects IPv6 as 'invalid_request' without a request", async () => {
      const err = await providerError(client().community('2001:db8::1'));
      assert.equal(err.category, 'invalid_request');
      assert.match(err.message, /IPv4 only/);
      assert.equal(greynoise.requestCount, 0);
    });

    it("classifies GreyNoise's 400 (not routable) as 'invalid_request'", async () => {
      const err = await providerError(client().community('10.1.2.3'));
      assert.equal(err.category, 'invalid_request');
      assert.equal(err.details.status, 400);
      assert.match(err.message, /not a valid routable IPv4 address/);
    });

    it("classifies 401 as 'config' with a hint to check GREYNOISE_API_KEY", async () => {
      const err = await providerError(client({ apiKey: 'wrong-key' }).community(IP));
      assert.equal(err.category, 'config');
      assert.equal(err.details.status, 401);
      assert.match(err.message, /GREYNOISE_API_KEY/);
      assert.ok(!err.message.includes('wrong-key'), 'the key is not in the message');
    });

    it("classifies 429 as 'rate_limit' naming the plan and GreyNoise's message, with Retry-After", async () => {
      greynoise.injectFaults({ status: 429, headers: { 'retry-after': '30' } }, { status: 429 });
      const err = await providerError(client().community(IP));
      assert.equal(err.category, 'rate_limit');
      assert.equal(err.details.retryAfterMs, 30_000);
      assert.match(err.message, /plan unauthenticated/);
      assert.match(err.message, /100-lookups\/day/);
      assert.match(err.message, /daily rate limit of 100 requests per day/);
      const noHeader = await providerError(client().community(IP));
      assert.equal(noHeader.category, 'rate_limit');
      assert.equal(noHeader.details.retryAfterMs, undefined);
    });

    it("classifies 500 as 'transient'", async () => {
      greynoise.injectFaults({ status: 500 });
      const err = await providerError(client().community(IP));
      assert.equal(err.category, 'transient');
      assert.equal(err.details.status, 500);
    });

    it("gives up on a hang within timeoutMs as 'transient'", async () => {
      greynoise.injectFaults({ hangMs: Infinity });
      const started = Date.now();
      const err = await providerError(client({ apiKey: GREYNOISE_KEY, timeoutMs: 200 }).community(IP));
      const elapsed = Date.now() - started;
      assert.equal(err.category, 'transient');
      assert.match(err.message, /did not answer within 200 ms/);
      assert.ok(elapsed < 1_500, `aborted after ${elapsed} ms`);
    });

    it('the fake answers the documented not-observed body', async () => {
      const res = await fetch(`${greynoise.apiBaseUrl}/community/${IP}`);
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { ip: IP, noise: false, riot: false, message: GREYNOISE_NOT_OBSERVED_MESSAGE });
    });
  });
});
