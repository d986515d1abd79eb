/**
 * Running the rules under the policy's modes: the first matching rule in `enforce` closes the alert;
 * otherwise the first matching rule in `shadow` is recorded as what automation would have done.
 */
import { ruleMode, type AutoCloseMode, type TriagePolicy } from '../domain/policy';
import type { AutoCloseVerdict } from '../domain/triage-state';
import type { AutoCloseRule, RuleInput, RuleResult } from './rule';
import { RULES } from './rules';

export interface RuleOutcome {
  ruleId: string;
  version: number;
  mode: AutoCloseMode;
  result: RuleResult;
}

export interface AutoCloseDecision {
  enforced?: AutoCloseVerdict;
  shadow?: AutoCloseVerdict;
  outcomes: RuleOutcome[];
}

export function evaluateAutoClose(input: RuleInput, policy: TriagePolicy, rules: readonly AutoCloseRule[] = RULES): AutoCloseDecision {
  const outcomes: RuleOutcome[] = [];
  for (const rule of rules) {
    const mode = ruleMode(policy, rule.id);
    if (mode === 'off') continue;
    outcomes.push({ ruleId: rule.id, version: rule.version, mode, result: rule.evaluate(input) });
  }
  const first = (mode: AutoCloseMode) => {
    const hit = outcomes.find((o) => o.mode === mode && o.result.match);
    return hit?.result.match ? hit.result.verdict : undefined;
  };
  return { enforced: first('enforce'), shadow: first('shadow'), outcomes };
}
