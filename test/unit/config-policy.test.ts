/** The triage policy and Slack allow-list parsed from the environment (src/config/config.ts). */
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/config/config';
import { DEFAULT_POLICY } from '../../src/domain/policy';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('the configuration was accepted');
}

const policy = (env: NodeJS.ProcessEnv) => parseConfig({ LOG_FORMAT: 'json', ...env }).policy;

describe('policy configuration', () => {
  it('defaults: auto-close shadow with no rule overrides, Jira skip, SLA per severity, 24 h reopen window, 30 d max open', () => {
    const p = parseConfig({}).policy;
    assert.deepEqual(p.autoClose, { mode: 'shadow', rules: {}, jira: 'skip' });
    assert.deepEqual(p.sla.reminderMs, { CRITICAL: 15 * MINUTE, HIGH: HOUR, MEDIUM: 4 * HOUR, LOW: 24 * HOUR, INFO: 24 * HOUR });
    assert.deepEqual(p.sla.escalateMs, { CRITICAL: HOUR, HIGH: 4 * HOUR, MEDIUM: 24 * HOUR, LOW: 72 * HOUR });
    assert.equal(p.escalationMention, undefined);
    assert.equal(p.reopenWindowMs, 24 * HOUR);
    assert.equal(p.maxOpenMs, 30 * DAY);
  });

  it('defaults to the same policy as DEFAULT_POLICY', () => {
    assert.deepEqual(parseConfig({}).policy, { ...DEFAULT_POLICY, escalationMention: undefined });
  });

  it('defaults to an empty Slack allow-list (everyone in the channel)', () => {
    assert.deepEqual(parseConfig({}).slackAllowList, { users: [], groups: [] });
  });

  it('reads AUTOCLOSE_MODE and AUTOCLOSE_JIRA', () => {
    const p = policy({ AUTOCLOSE_MODE: 'enforce', AUTOCLOSE_JIRA: 'create-closed' });
    assert.equal(p.autoClose.mode, 'enforce');
    assert.equal(p.autoClose.jira, 'create-closed');
  });

  it('parses AUTOCLOSE_RULES=known-location=enforce into a per-rule override', () => {
    assert.deepEqual(policy({ AUTOCLOSE_RULES: 'known-location=enforce' }).autoClose.rules, { 'known-location': 'enforce' });
  });

  it('parses AUTOCLOSE_RULES items with spaces around them', () => {
    assert.deepEqual(policy({ AUTOCLOSE_RULES: ' known-location=off , ' }).autoClose.rules, { 'known-location': 'off' });
  });

  it('rejects an AUTOCLOSE_RULES item naming a rule that does not exist, listing the rules', () => {
    assert.throws(() => policy({ AUTOCLOSE_RULES: 'known-locaton=enforce' }), /AUTOCLOSE_RULES: no rule "known-locaton" \(rules: known-location\)/);
  });

  it('rejects an AUTOCLOSE_RULES item with the wrong separator, naming the variable and the item', () => {
    const err = configError({ AUTOCLOSE_RULES: 'known-location:enforce' });
    assert.match(err.message, /AUTOCLOSE_RULES/);
    assert.match(err.message, /known-location:enforce/);
  });

  it('rejects an AUTOCLOSE_RULES item with an unknown mode', () => {
    assert.match(configError({ AUTOCLOSE_RULES: 'known-location=always' }).message, /AUTOCLOSE_RULES/);
  });

  it('parses SLA_REMINDER=HIGH=5s,LOW=1m to milliseconds, leaving the other severities without a reminder', () => {
    assert.deepEqual(policy({ SLA_REMINDER: 'HIGH=5s,LOW=1m' }).sla.reminderMs, { HIGH: 5000, LOW: MINUTE });
  });

  it('parses SLA_ESCALATE=off to no escalation at all', () => {
    assert.deepEqual(policy({ SLA_ESCALATE: 'off' }).sla.escalateMs, {});
  });

  for (const [name, value] of [
    ['SLA_REMINDER', 'HIGH:5s'],
    ['SLA_REMINDER', 'URGENT=5s'],
    ['SLA_ESCALATE', 'HIGH=soon'],
    ['SLA_ESCALATE', 'HIGH'],
  ] as const) {
    it(`rejects ${name}=${value}, naming the variable`, () => {
      const err = configError({ [name]: value });
      assert.match(err.message, new RegExp(`^${name}: `));
      assert.ok(err.message.includes(value), err.message);
    });
  }
  it('rejects an SLA item with two "=" (HIGH=5s=9h), naming the variable', () => {
    const err = configError({ SLA_REMINDER: 'HIGH=5s=9h' });
    assert.match(err.message, /^SLA_REMINDER: /);
    assert.ok(err.message.includes('HIGH=5s=9h'), err.message);
  });

  it('reads REOPEN_WINDOW and MAX_OPEN as durations', () => {
    const p = policy({ REOPEN_WINDOW: '2h', MAX_OPEN: '7d' });
    assert.equal(p.reopenWindowMs, 2 * HOUR);
    assert.equal(p.maxOpenMs, 7 * DAY);
  });

  describe('SLACK_ESCALATION_MENTION', () => {
    const accepted: Array<[string, string]> = [
      ['U0123ABCD', 'U0123ABCD'],
      ['S0123ABCD', 'subteam^S0123ABCD'],
      ['<!subteam^S0123ABCD>', 'subteam^S0123ABCD'],
      ['subteam^S0123ABCD', 'subteam^S0123ABCD'],
      ['<@U0123ABCD>', 'U0123ABCD'],
      ['here', 'here'],
      ['<!channel>', 'channel'],
    ];
    for (const [value, expected] of accepted) {
      it(`accepts ${value} as ${expected}`, () => {
        assert.equal(policy({ SLACK_ESCALATION_MENTION: value }).escalationMention, expected);
      });
    }

    for (const value of ['<https://evil>', 'everyone', '<!everyone>', 'u0123abcd', 'U0123ABCD> <!channel']) {
      it(`rejects ${value}`, () => {
        assert.match(configError({ SLACK_ESCALATION_MENTION: value }).message, /SLACK_ESCALATION_MENTION/);
      });
    }
  });

  it('parses SLACK_ALLOWED_USERS and SLACK_ALLOWED_GROUPS as comma lists', () => {
    const c = parseConfig({ SLACK_ALLOWED_USERS: 'U0123ABCD, U0456EFGH,', SLACK_ALLOWED_GROUPS: 'S0123ABCD' });
    assert.deepEqual(c.slackAllowList, { users: ['U0123ABCD', 'U0456EFGH'], groups: ['S0123ABCD'] });
    // A group as a mention writes it (subteam^S…): the same group.
    assert.deepEqual(parseConfig({ SLACK_ALLOWED_GROUPS: 'subteam^S0123ABCD' }).slackAllowList.groups, ['S0123ABCD']);
  });

  for (const [name, value, wrong] of [
    ['SLACK_ALLOWED_USERS', 'U0123ABCD,alice@acme.io,@bob', /SLACK_ALLOWED_USERS: "alice@acme\.io", "@bob" — give Slack user ids/],
    ['SLACK_ALLOWED_GROUPS', 'soc-team', /SLACK_ALLOWED_GROUPS: "soc-team" — give Slack user group ids/],
  ] as const) {
    it(`refuses ${name} entries that are no Slack id (they would never match, refusing every click)`, () => {
      assert.throws(() => parseConfig({ [name]: value }), (err: unknown) => err instanceof ConfigError && wrong.test(err.message));
    });
  }
});
