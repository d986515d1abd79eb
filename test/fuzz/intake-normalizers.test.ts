/**
 * Property-based fuzzing of the intake normalizers (src/intake/panther.ts, canonical.ts) in process, where
 * thousands of runs cost seconds: a hostile payload becomes a valid Alert or a ValidationError naming the
 * wrong field — never another exception (that would be a 500) — and nothing leaks onto Object.prototype.
 * The same payloads go over HTTP to the real API process in api.test.ts.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { alertWorkflowId } from '../../src/domain/alert';
import { AlertSchema } from '../../src/intake/alert-schema';
import { normalizeCanonical } from '../../src/intake/canonical';
import { normalizePanther } from '../../src/intake/panther';
import { ValidationError } from '../../src/intake/validation-error';
import { FUZZ_SEED, deepJson, invalidPayload, payloadText, validPayload, type HostilePayload, type IntakeRoute } from '../helpers/hostile';

const RUNS = { valid: 3_000, invalid: 4_000, anything: 4_000 };

/** The workflow ids the Slack buttons accept (src/api/routes/slack-interactions.ts): every ticket's buttons must work. */
const BUTTON_WORKFLOW_ID = /^alert\/[a-z][a-z0-9-]{0,31}\/[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

const normalizers = { panther: normalizePanther, alerts: normalizeCanonical } as const;
const routes: IntakeRoute[] = ['panther', 'alerts'];
const params = (numRuns: number) => ({ numRuns, seed: FUZZ_SEED });

function normalize(p: HostilePayload, id: number): unknown {
  return normalizers[p.route](JSON.parse(payloadText(p, `fuzz-${id}`)), new Date());
}

function assertUnpolluted(): void {
  const probe: Record<string, unknown> = {};
  for (const key of ['polluted', 'isAdmin', 'tags', 'link', 'ip']) assert.equal(probe[key], undefined, `Object.prototype.${key} was set`);
}

describe('fuzz: intake normalizers', function () {
  this.timeout(120_000);
  let n = 0;

  for (const route of routes) {
    it(`accepts ${RUNS.valid} valid hostile ${route} payloads as schema-valid alerts with working buttons`, () => {
      fc.assert(
        fc.property(validPayload(route), (p) => {
          const alert = AlertSchema.parse(normalize(p, n++));
          assert.match(alertWorkflowId(alert), BUTTON_WORKFLOW_ID);
          assertUnpolluted();
        }),
        params(RUNS.valid),
      );
    });

    it(`rejects ${RUNS.invalid} ${route} payloads with one wrong field, naming that field`, () => {
      fc.assert(
        fc.property(invalidPayload(route), (p) => {
          if (p.expect.status !== 400) throw new Error('an invalid payload expects a 400');
          const expected = p.expect;
          assert.throws(
            () => normalize(p, n++),
            (err: unknown) => {
              assert.ok(err instanceof ValidationError, `not a ValidationError: ${String(err)}`);
              const named = err.problems.some(
                (q) => (q.field === expected.field || q.field.startsWith(`${expected.field}.`)) && (!expected.says || q.message.includes(expected.says)),
              );
              assert.ok(named, `expected a problem with ${expected.field}${expected.says ? ` saying ${expected.says}` : ''}, got ${JSON.stringify(err.problems)}`);
              return true;
            },
          );
          assertUnpolluted();
        }),
        params(RUNS.invalid),
      );
    });

    it(`answers ${RUNS.anything} arbitrary JSON values on ${route} with an alert or a ValidationError, nothing else`, () => {
      // As JSON text, parsed in the property: values 10,000 deep are too deep to print or stringify.
      const anyJson = fc.oneof(fc.json({ maxDepth: 5 }), fc.constantFrom(deepJson(10_000, 'array'), deepJson(10_000, 'object')));
      fc.assert(
        fc.property(anyJson, (json) => {
          try {
            AlertSchema.parse(normalizers[route](JSON.parse(json), new Date()));
          } catch (err) {
            if (!(err instanceof ValidationError)) assert.fail(`${String(err)} for ${json.slice(0, 200)}`);
            assert.ok(err.problems.length > 0 && err.problems.every((q) => q.field.length > 0));
          }
          assertUnpolluted();
        }),
        params(RUNS.anything),
      );
    });
  }
});
