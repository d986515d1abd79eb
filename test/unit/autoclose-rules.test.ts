/** Auto-close rules (src/autoclose/rules/known-location.ts) and running them under a policy (src/autoclose/evaluate.ts). */
import assert from 'node:assert/strict';
import { evaluateAutoClose } from '../../src/autoclose/evaluate';
import type { AutoCloseRule, RuleInput, RuleResult } from '../../src/autoclose/rule';
import { RULES } from '../../src/autoclose/rules';
import { KNOWN_LOCATION_THRESHOLDS, knownLocation } from '../../src/autoclose/rules/known-location';
import { summarizeIpObject } from '../../src/connectors/virustotal';
import type { Alert } from '../../src/domain/alert';
import type { AbuseIpReport, Enrichments, GreyNoiseReport, LoginLocation, LoginLocations } from '../../src/domain/enrichment';
import { DEFAULT_POLICY, type AutoCloseMode, type TriagePolicy } from '../../src/domain/policy';
import type { AutoCloseVerdict } from '../../src/domain/triage-state';
import { ALERT_IP, OTHER_IP, USER, allOk, forgotPasswordAlert, ipReputation } from '../helpers/ticket-fixtures';

const LAST_SEEN = '2025-06-18T04:25:00.000Z';

function loc(ip: string, count: number, city = 'Lisbon'): LoginLocation {
  return { ip, city, country: 'Portugal', count, lastSeen: LAST_SEEN };
}

/** Login locations with an explicit total (the top-N rows need not add up to the user's total). */
function locations(rows: LoginLocation[], totalLogins = rows.reduce((n, l) => n + l.count, 0)): LoginLocations {
  return { user: USER, days: 90, totalLogins, locations: rows };
}

/** The "forgot password" case: the alert's IP is the user's #1 location with 79 of 88 logins; VirusTotal clean. */
function forgotPassword(overrides: Partial<Enrichments> = {}, alert: Alert = forgotPasswordAlert()): RuleInput {
  return {
    alert,
    playbook: 'bruteForce',
    enrichments: {
      ...allOk(),
      loginLocations: { status: 'ok', data: locations([loc(ALERT_IP, 79), loc(OTHER_IP, 9, 'Porto')]) },
      ...overrides,
    },
  };
}

function withLocations(rows: LoginLocation[], totalLogins?: number): RuleInput {
  return forgotPassword({ loginLocations: { status: 'ok', data: locations(rows, totalLogins) } });
}

function matched(result: RuleResult): AutoCloseVerdict {
  if (!result.match) assert.fail(`expected the rule to match, it said: ${result.why}`);
  return result.verdict;
}

function why(result: RuleResult): string {
  if (result.match) assert.fail(`expected no match, the rule closed with: ${result.verdict.reason}`);
  return result.why;
}

function abuse(score: number): AbuseIpReport {
  return {
    ip: ALERT_IP,
    provider: 'abuseipdb',
    abuseConfidenceScore: score,
    totalReports: 40,
    distinctReporters: 12,
    isTor: false,
    link: `https://www.abuseipdb.com/check/${ALERT_IP}`,
  };
}

function greyNoise(classification: string): GreyNoiseReport {
  return { ip: ALERT_IP, provider: 'greynoise', found: true, noise: true, riot: false, classification, link: `https://viz.greynoise.io/ip/${ALERT_IP}` };
}

describe('known-location rule', () => {
  it('is registered in RULES as known-location v3', () => {
    assert.ok(RULES.includes(knownLocation));
    assert.equal(knownLocation.id, 'known-location');
    assert.equal(knownLocation.version, 3);
  });

  describe('closes', () => {
    it('closes as benign when the IP is the #1 location with 79 of 88 logins and VirusTotal is clean, recording the facts', () => {
      const verdict = matched(knownLocation.evaluate(forgotPassword()));
      assert.equal(verdict.ruleId, 'known-location');
      assert.equal(verdict.ruleVersion, 3);
      assert.equal(verdict.disposition, 'benign');
      assert.deepEqual(verdict.facts, {
        ip: ALERT_IP,
        user: USER,
        rank: 1,
        logins: 79,
        totalLogins: 88,
        share: 0.9,
        vtMalicious: 0,
        vtSuspicious: 0,
        vtEngines: 94,
      });
    });

    it('gives a reason naming the rank, the counts and "forgot the password"', () => {
      const { reason } = matched(knownLocation.evaluate(forgotPassword()));
      assert.match(reason, /#1 login location/);
      assert.match(reason, /79 of 88 logins/);
      assert.match(reason, /forgot the password/);
    });

    it('closes when the IP is the #2 location with enough logins (9 of 88: at least 3 and at least 10 %)', () => {
      const verdict = matched(knownLocation.evaluate(withLocations([loc(OTHER_IP, 79, 'Porto'), loc(ALERT_IP, 9)])));
      assert.equal(verdict.facts['rank'], 2);
      assert.equal(verdict.facts['logins'], 9);
      assert.equal(verdict.facts['share'], 0.1);
      assert.match(verdict.reason, /#2 login location/);
    });

    it('closes at the thresholds exactly: rank 3, 3 logins, 10 % share', () => {
      assert.deepEqual(KNOWN_LOCATION_THRESHOLDS, { maxRank: 3, minLogins: 3, minShare: 0.1, maxAbuseScore: 25 });
      const verdict = matched(knownLocation.evaluate(withLocations([loc(OTHER_IP, 20), loc('198.51.100.30', 4), loc(ALERT_IP, 3)], 30)));
      assert.equal(verdict.facts['rank'], 3);
      assert.equal(verdict.facts['share'], 0.1);
    });

    it('closes when AbuseIPDB scores the IP at the limit (25) and GreyNoise calls it benign', () => {
      const verdict = matched(
        knownLocation.evaluate(forgotPassword({ abuseIpdb: { status: 'ok', data: abuse(25) }, greyNoise: { status: 'ok', data: greyNoise('benign') } })),
      );
      assert.equal(verdict.disposition, 'benign');
    });
  });

  describe('does not close', () => {
    it('the attack shape: the IP is present but rank 5 with 1 login of 96', () => {
      const result = knownLocation.evaluate(
        withLocations([loc(OTHER_IP, 60), loc('198.51.100.21', 20), loc('198.51.100.22', 10), loc('198.51.100.23', 5), loc(ALERT_IP, 1)]),
      );
      assert.match(why(result), /not among the user's top 3 login locations/);
    });

    it('the IP is not in the login locations at all', () => {
      assert.match(why(knownLocation.evaluate(withLocations([loc(OTHER_IP, 80), loc('198.51.100.21', 8)]))), /not among the user's top 3/);
    });

    it('the IP is only the #4 location, even with many logins', () => {
      const result = knownLocation.evaluate(withLocations([loc(OTHER_IP, 40), loc('198.51.100.21', 30), loc('198.51.100.22', 25), loc(ALERT_IP, 20)]));
      assert.match(why(result), /not among the user's top 3/);
    });

    it('the IP has only 2 logins (under 3, even as a large share)', () => {
      assert.match(why(knownLocation.evaluate(withLocations([loc(ALERT_IP, 2), loc(OTHER_IP, 1)]))), /only 2 of 3 logins/);
    });

    it('the IP has a share under 10 % (5 of 100)', () => {
      assert.match(why(knownLocation.evaluate(withLocations([loc(OTHER_IP, 90), loc(ALERT_IP, 5)], 100))), /only 5 of 100 logins/);
    });

    it('VirusTotal counts a malicious engine', () => {
      const result = knownLocation.evaluate(forgotPassword({ ipReputation: { status: 'ok', data: ipReputation({ malicious: 1 }) } }));
      assert.match(why(result), /VirusTotal flags the IP \(1 malicious, 0 suspicious\)/);
    });

    it('VirusTotal counts a suspicious engine', () => {
      const result = knownLocation.evaluate(forgotPassword({ ipReputation: { status: 'ok', data: ipReputation({ suspicious: 1 }) } }));
      assert.match(why(result), /VirusTotal flags the IP \(0 malicious, 1 suspicious\)/);
    });

    it('VirusTotal has no record of the IP (found: false)', () => {
      const result = knownLocation.evaluate(
        forgotPassword({ ipReputation: { status: 'ok', data: ipReputation({ found: false, harmless: 0, undetected: 0, engines: 0 }) } }),
      );
      assert.match(why(result), /VirusTotal has no record of the IP/);
    });

    it("VirusTotal's usual answer for an IP it never analysed: a 200 whose stats are all zero", () => {
      const neverAnalysed = summarizeIpObject(ALERT_IP, {
        data: {
          id: ALERT_IP,
          type: 'ip_address',
          attributes: { last_analysis_stats: { harmless: 0, malicious: 0, suspicious: 0, undetected: 0, timeout: 0 }, reputation: 0, as_owner: 'Comcast' },
        },
      });
      const result = knownLocation.evaluate(forgotPassword({ ipReputation: { status: 'ok', data: neverAnalysed } }));
      assert.match(why(result), /no VirusTotal engine has analysed the IP/);
      // A run that decided on the previous rule code replays its decision (the workflow's patch sets compat).
      const replayed = knownLocation.evaluate({ ...forgotPassword({ ipReputation: { status: 'ok', data: neverAnalysed } }), compat: { unanalysedIpIsClean: true } });
      assert.equal(replayed.match, true);
    });

    const noReputation: Array<[string, NonNullable<Enrichments['ipReputation']>]> = [
      ['unavailable', { status: 'unavailable', reason: 'VirusTotal answered 503' }],
      ['not_configured', { status: 'not_configured', reason: 'VIRUSTOTAL_API_KEY is not set' }],
      ['pending', { status: 'pending', reason: 'waiting for the VirusTotal rate budget', lookup: { provider: 'virustotal', indicator: ALERT_IP } }],
    ];
    for (const [status, outcome] of noReputation) {
      it(`the IP reputation is ${status}`, () => {
        assert.match(why(knownLocation.evaluate(forgotPassword({ ipReputation: outcome }))), /no VirusTotal answer/);
      });
    }

    it('the IP reputation step is absent from the enrichments', () => {
      const input = forgotPassword();
      delete input.enrichments.ipReputation;
      assert.match(why(knownLocation.evaluate(input)), /no VirusTotal answer/);
    });

    const noLocations: Array<[string, NonNullable<Enrichments['loginLocations']>]> = [
      ['unavailable', { status: 'unavailable', reason: 'the SIEM query timed out' }],
      ['skipped', { status: 'skipped', reason: 'the alert has no user' }],
    ];
    for (const [status, outcome] of noLocations) {
      it(`the login locations are ${status}`, () => {
        assert.match(why(knownLocation.evaluate(forgotPassword({ loginLocations: outcome }))), /login locations are not known/);
      });
    }

    for (const playbook of ['identityTriage', 'ipTriage'] as const) {
      it(`the playbook is ${playbook}, not bruteForce`, () => {
        assert.match(why(knownLocation.evaluate({ ...forgotPassword(), playbook })), /not a brute-force alert/);
      });
    }

    it('the alert has no IP', () => {
      assert.match(why(knownLocation.evaluate(forgotPassword({}, forgotPasswordAlert({ ips: [] })))), /no IP/);
    });

    it('the alert names several users: a spray from the IP one of them usually logs in from (v2)', () => {
      const alert = forgotPasswordAlert({ users: [USER, 'bob@acme.example', 'carol@acme.example'] });
      assert.match(why(knownLocation.evaluate(forgotPassword({}, alert))), /names 3 users: a spray/);
      // One person named several ways is one user: another case, an email and its local part.
      matched(knownLocation.evaluate(forgotPassword({}, forgotPasswordAlert({ users: [USER, USER.toUpperCase(), USER.split('@')[0]!] }))));
      // Runs that decided on v1 replay as they decided, and their verdict stays v1's.
      assert.equal(matched(knownLocation.evaluate({ ...forgotPassword({}, alert), compat: { severalUsersAllowed: true } })).ruleVersion, 1);
    });

    it('the alert names the same user name in two domains or AWS accounts: two accounts, not one user (v3)', () => {
      const local = USER.split('@')[0]!;
      const twoDomains = forgotPasswordAlert({ users: [USER, `${local}@acme-dev.example`] });
      assert.match(why(knownLocation.evaluate(forgotPassword({}, twoDomains))), /names 2 users: a spray/);
      const twoAccounts = forgotPasswordAlert({ users: [USER, `arn:aws:iam::111111111111:user/${local}`, `arn:aws:iam::222222222222:user/${local}`] });
      assert.match(why(knownLocation.evaluate(forgotPassword({}, twoAccounts))), /names 3 users: a spray/);
      // Runs that decided on v2 (people by the last segment of their names) replay as they decided, as v2.
      assert.equal(matched(knownLocation.evaluate({ ...forgotPassword({}, twoDomains), compat: { peopleByLastSegment: true } })).ruleVersion, 2);
    });

    it('the alert names several IPs (an attacker\'s could hide behind the usual one)', () => {
      const alert = forgotPasswordAlert({ ips: [forgotPasswordAlert().ips[0]!, '203.0.113.66'] });
      assert.match(why(knownLocation.evaluate(forgotPassword({}, alert))), /names 2 IPs/);
    });

    it('the login history belongs to another user', () => {
      const alert = forgotPasswordAlert({ users: ['mallory@acme.io'] });
      assert.match(why(knownLocation.evaluate(forgotPassword({}, alert))), /not the alert user's/);
    });

    it('AbuseIPDB scores the IP 80', () => {
      const result = knownLocation.evaluate(forgotPassword({ abuseIpdb: { status: 'ok', data: abuse(80) } }));
      assert.match(why(result), /AbuseIPDB confidence 80%/);
    });

    it('GreyNoise classifies the IP as malicious', () => {
      const result = knownLocation.evaluate(forgotPassword({ greyNoise: { status: 'ok', data: greyNoise('malicious') } }));
      assert.match(why(result), /GreyNoise classifies the IP as malicious/);
    });

    it('AbuseIPDB or GreyNoise is configured but still queued behind its rate budget (the rules look again when it lands)', () => {
      const ip = forgotPasswordAlert().ips[0]!;
      const abusePending = { status: 'pending', reason: 'waiting for the AbuseIPDB rate budget', lookup: { provider: 'abuseipdb', indicator: ip } } as const;
      const greyPending = { status: 'pending', reason: 'waiting for the GreyNoise rate budget', lookup: { provider: 'greynoise', indicator: ip } } as const;
      assert.match(why(knownLocation.evaluate(forgotPassword({ abuseIpdb: abusePending }))), /AbuseIPDB has not answered yet/);
      assert.match(why(knownLocation.evaluate(forgotPassword({ greyNoise: greyPending }))), /GreyNoise has not answered yet/);
      // A run that decided on the previous rule code replays its decision (the workflow's patch sets compat).
      assert.equal(matched(knownLocation.evaluate({ ...forgotPassword({ abuseIpdb: abusePending }), compat: { pendingSecondOpinionIgnored: true } })).ruleId, 'known-location');
      // One that failed for good is no veto: second opinions are optional.
      assert.equal(matched(knownLocation.evaluate(forgotPassword({ abuseIpdb: { status: 'unavailable', reason: 'AbuseIPDB answered 503' } }))).ruleId, 'known-location');
    });
  });
});

function policy(mode: AutoCloseMode, rules: Record<string, AutoCloseMode> = {}): TriagePolicy {
  return { ...DEFAULT_POLICY, autoClose: { ...DEFAULT_POLICY.autoClose, mode, rules } };
}

/** A rule that always answers the same, to check how evaluateAutoClose orders and picks rules. */
function fixedRule(id: string, match: boolean): AutoCloseRule {
  return {
    id,
    version: 3,
    description: `test rule ${id}`,
    evaluate: () =>
      match
        ? { match: true, verdict: { ruleId: id, ruleVersion: 3, disposition: 'false_positive', reason: `${id} matched`, facts: {} } }
        : { match: false, why: `${id} did not match` },
  };
}

describe('evaluateAutoClose', () => {
  it('closes nothing whose detection itself failed (RULE_ERROR), whatever the enrichment says', () => {
    const input = forgotPassword({}, forgotPasswordAlert({ alertType: 'RULE_ERROR' }));
    const decision = evaluateAutoClose(input, policy('enforce'));
    assert.equal(decision.enforced, undefined);
    assert.equal(decision.shadow, undefined);
    assert.match(why(decision.outcomes[0]!.result), /the detection itself failed \(RULE_ERROR\)/);
    // The same alert as a RULE notification is closed.
    assert.equal(evaluateAutoClose(forgotPassword({}, forgotPasswordAlert({ alertType: 'RULE' })), policy('enforce')).enforced?.ruleId, 'known-location');
  });

  it('runs no rule in mode off', () => {
    const decision = evaluateAutoClose(forgotPassword(), policy('off'));
    assert.deepEqual(decision.outcomes, []);
    assert.equal(decision.enforced, undefined);
    assert.equal(decision.shadow, undefined);
  });

  it('records a shadow verdict and enforces nothing in mode shadow (the default policy)', () => {
    assert.equal(DEFAULT_POLICY.autoClose.mode, 'shadow');
    const decision = evaluateAutoClose(forgotPassword(), DEFAULT_POLICY);
    assert.equal(decision.enforced, undefined);
    assert.equal(decision.shadow?.ruleId, 'known-location');
    assert.equal(decision.shadow?.disposition, 'benign');
    assert.deepEqual(
      decision.outcomes.map((o) => [o.ruleId, o.version, o.mode, o.result.match]),
      [['known-location', 3, 'shadow', true]],
    );
  });

  it('enforces the verdict in mode enforce', () => {
    const decision = evaluateAutoClose(forgotPassword(), policy('enforce'));
    assert.equal(decision.enforced?.ruleId, 'known-location');
    assert.equal(decision.enforced?.disposition, 'benign');
    assert.equal(decision.shadow, undefined);
  });

  it('enforces with a per-rule override known-location=enforce under global shadow', () => {
    const decision = evaluateAutoClose(forgotPassword(), policy('shadow', { 'known-location': 'enforce' }));
    assert.equal(decision.enforced?.ruleId, 'known-location');
    assert.equal(decision.shadow, undefined);
  });

  it('does nothing with a per-rule override known-location=off under global enforce', () => {
    const decision = evaluateAutoClose(forgotPassword(), policy('enforce', { 'known-location': 'off' }));
    assert.deepEqual(decision.outcomes, []);
    assert.equal(decision.enforced, undefined);
    assert.equal(decision.shadow, undefined);
  });

  it('records why a rule did not match, and decides nothing, under enforce', () => {
    const decision = evaluateAutoClose({ ...forgotPassword(), playbook: 'ipTriage' }, policy('enforce'));
    assert.equal(decision.enforced, undefined);
    assert.equal(decision.shadow, undefined);
    const [outcome] = decision.outcomes;
    assert.ok(outcome && !outcome.result.match);
    assert.equal(outcome.result.why, 'not a brute-force alert');
  });

  it('picks the first matching rule in order, skipping rules that do not match', () => {
    const rules = [fixedRule('a', false), fixedRule('b', true), fixedRule('c', true)];
    const decision = evaluateAutoClose(forgotPassword(), policy('enforce'), rules);
    assert.equal(decision.enforced?.ruleId, 'b');
    assert.deepEqual(
      decision.outcomes.map((o) => o.ruleId),
      ['a', 'b', 'c'],
    );
  });

  it('reports an enforced and a shadow verdict from different rules in different modes', () => {
    const rules = [fixedRule('a', true), fixedRule('b', true)];
    const decision = evaluateAutoClose(forgotPassword(), policy('shadow', { b: 'enforce' }), rules);
    assert.equal(decision.enforced?.ruleId, 'b');
    assert.equal(decision.shadow?.ruleId, 'a');
  });
});
