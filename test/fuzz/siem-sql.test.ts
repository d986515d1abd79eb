/**
 * Property-based fuzzing of the Panther data-lake SQL (src/siem/panther/sql.ts): whatever user name an
 * alert carries, the statement has the shape of the one for a benign user once string literals are set
 * aside (Snowflake's quoting rules, tokenized in ./oracles), and the user's literal reads back as the user.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LOGIN_PROFILES, type LoginProfile } from '../../src/siem/log-profiles';
import { loginLocationsSql, recentLoginsSql, sqlString } from '../../src/siem/panther/sql';
import { SiemQueryError } from '../../src/siem/siem';
import { FUZZ_SEED, SQL_INJECTIONS, hostileSqlValue, hostileText } from '../helpers/hostile';
import { sqlShape } from './oracles';

const RUNS = { literal: 10_000, statements: 10_000 };
const CONTROL = /[\u0000-\u001f\u007f]/;
const BENIGN_USER = 'benign.user@acme.io';

/** Values that lean on the literal's edges: quotes and backslashes at either end, doubled, alone. */
const edgy: fc.Arbitrary<string> = fc
  .array(fc.constantFrom("'", '\\', "''", '\\\\', "\\'", '$$', '--', '/*', '*/', ';', ' OR 1=1', 'x', ...SQL_INJECTIONS), { minLength: 1, maxLength: 10 })
  .map((parts) => parts.join(''));

const value: fc.Arbitrary<string> = fc.oneof(hostileText({ minLength: 1, maxLength: 300 }), hostileSqlValue(300), edgy);

const builders = {
  loginLocationsSql,
  recentLoginsSql,
} as const;

const query = fc.record({
  profile: fc.constantFrom(...Object.values(LOGIN_PROFILES)),
  builder: fc.constantFrom(...(Object.keys(builders) as Array<keyof typeof builders>)),
  from: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }),
  days: fc.integer({ min: 1, max: 90 }),
  limit: fc.integer({ min: -5, max: 500 }),
});

const params = (numRuns: number) => ({ numRuns, seed: FUZZ_SEED });

function build(builder: keyof typeof builders, profile: LoginProfile, q: { user: string; from: Date; to: Date; limit: number }): string {
  return builders[builder](profile, q);
}

describe('fuzz: SQL sent to the SIEM never changes shape with alert text', function () {
  this.timeout(120_000);

  it(`turns each of ${RUNS.literal} hostile values into exactly one literal that reads back as the value (or refuses control characters)`, () => {
    fc.assert(
      fc.property(value, (v) => {
        if (CONTROL.test(v)) {
          assert.throws(() => sqlString(v), SiemQueryError);
          return;
        }
        const shape = sqlShape(`SELECT ${sqlString(v)} AS v -- end`);
        assert.equal(shape.skeleton, 'SELECT ? AS v -- end');
        assert.deepEqual(shape.literals, [v]);
      }),
      params(RUNS.literal),
    );
  });

  it(`builds ${RUNS.statements} login-history statements for hostile users with the benign statement's shape`, () => {
    fc.assert(
      fc.property(value, query, (user, q) => {
        const to = new Date(q.from.getTime() + q.days * 86_400_000);
        const args = { from: q.from, to, limit: q.limit };
        if (CONTROL.test(user)) {
          assert.throws(() => build(q.builder, q.profile, { ...args, user }), SiemQueryError);
          return;
        }
        const benign = sqlShape(build(q.builder, q.profile, { ...args, user: BENIGN_USER }));
        const hostile = sqlShape(build(q.builder, q.profile, { ...args, user }));
        assert.equal(hostile.skeleton, benign.skeleton, 'the user changed the statement outside its literal');
        // The same literals in the same places, the user's now holding the hostile user verbatim.
        assert.deepEqual(
          hostile.literals,
          benign.literals.map((l) => (l === BENIGN_USER ? user : l)),
        );
      }),
      params(RUNS.statements),
    );
  });
});
