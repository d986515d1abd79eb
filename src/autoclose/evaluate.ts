/**
 * Running the rules under the policy's modes: the first matching rule in `enforce` closes the alert;
 * otherwise the first matching rule in `shadow` is recorded as what automation would have done.
 */
import { ruleMode, type AutoCloseMode, type TriagePolicy } from '../domain/policy';
import type { AutoCloseVerdict } from '../domain/triage-state';
import { isDetectionError } from '../domain/alert';
import { noMatch, type AutoCloseRule, type RuleInput, type RuleResult } from './rule';
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
  // A detection that failed (RULE_ERROR) reports no event to decide on: no rule closes it. (An autoClose
  // signal — someone's decision — still may.)
  const failed = isDetectionError(input.alert.alertType) ? noMatch(`the detection itself failed (${input.alert.alertType}): nothing to decide on`) : undefined;
  for (const rule of rules) {
    const mode = ruleMode(policy, rule.id);
    if (mode === 'off') continue;
    outcomes.push({ ruleId: rule.id, version: rule.version, mode, result: failed ?? rule.evaluate(input) });
  }
  const first = (mode: AutoCloseMode) => {
    const hit = outcomes.find((o) => o.mode === mode && o.result.match);
    return hit?.result.match ? hit.result.verdict : undefined;
  };
  return { enforced: first('enforce'), shadow: first('shadow'), outcomes };
}
