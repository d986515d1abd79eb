/**
 * The autoClose signal comes from outside systems, so its payload is checked before it closes anything:
 * a malformed one is refused with the field that is wrong (a signal cannot answer; the workflow logs it)
 * instead of failing the workflow task over and over. Pure: bundled into workflow code.
 */
import type { AutoCloseVerdict } from './triage-state';

const DISPOSITIONS = ['benign', 'false_positive'] as const;
const MAX_FACTS = 50;

type Fact = string | number | boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The verdict the signal asks for, or the reason it is refused. */
export function verdictFromSignal(raw: unknown): AutoCloseVerdict | { refused: string } {
  if (!isObject(raw)) return { refused: 'the payload must be an object' };
  // null is "not given", as senders in Go or Python often write an optional field.
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null));
  const { reason, ruleId, ruleVersion = 1, disposition = 'benign', facts = {} } = given;
  if (typeof reason !== 'string' || !reason.trim()) return { refused: 'reason: a non-empty string is required' };
  if (typeof ruleId !== 'string' || !ruleId.trim()) return { refused: 'ruleId: a non-empty string is required' };
  if (typeof ruleVersion !== 'number' || !Number.isInteger(ruleVersion) || ruleVersion < 1) return { refused: 'ruleVersion: a positive integer is required' };
  if (!DISPOSITIONS.includes(disposition as (typeof DISPOSITIONS)[number])) return { refused: `disposition: must be one of ${DISPOSITIONS.join(', ')}` };
  if (!isObject(facts)) return { refused: 'facts: must be an object' };
  const entries = Object.entries(facts);
  if (entries.length > MAX_FACTS) return { refused: `facts: at most ${MAX_FACTS} entries` };
  const kept: Record<string, Fact> = {};
  for (const [key, value] of entries) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) return { refused: `facts.${key.slice(0, 40)}: must be a string, number or boolean` };
    kept[key.slice(0, 100)] = typeof value === 'string' ? value.slice(0, 500) : (value as Fact);
  }
  return {
    ruleId: ruleId.slice(0, 100),
    ruleVersion,
    disposition: disposition as AutoCloseVerdict['disposition'],
    reason: reason.slice(0, 500),
    facts: kept,
  };
}
