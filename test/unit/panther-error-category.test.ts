import assert from 'node:assert/strict';
import { categoryForFailedQuery, categoryForGraphqlErrors } from '../../src/connectors/panther/error-category';

describe('Panther GraphQL errors: what a retry can fix', () => {
  const cases: Array<[string, Parameters<typeof categoryForGraphqlErrors>[0], string, boolean]> = [
    ['a spec validation error', [{ message: 'Cannot query field "foo" on type "Query".' }], 'invalid_request', false],
    ['a variable of the wrong type', [{ message: 'Variable "$input" got invalid value "X" at "input.status"; Value "X" does not exist in "AlertStatus" enum.' }], 'invalid_request', false],
    ['an alert that does not exist', [{ message: 'alert not found', path: ['alert'] }], 'invalid_request', false],
    ['an Apollo BAD_USER_INPUT', [{ message: 'bad id', extensions: { code: 'BAD_USER_INPUT' } }], 'invalid_request', false],
    ['an AppSync unauthorized', [{ message: 'Not Authorized to access alert on type Query', errorType: 'Unauthorized' }], 'config', false],
    ['a missing permission', [{ message: 'access denied: missing permission Read Alerts' }], 'config', false],
    ['throttling', [{ message: 'Rate exceeded', errorType: 'ThrottlingException' }], 'rate_limit', false],
    ['an internal error', [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }], 'transient', false],
    ['a Lambda timeout', [{ message: 'Task timed out after 30.0 seconds', errorType: 'Lambda:ExecutionTimeout' }], 'transient', false],
    ['a validation error naming a field like "internalId"', [{ message: 'Cannot query field "internalId" on type "Alert".' }], 'invalid_request', false],
    ['an invalid API key, said in words', [{ message: 'The API key is invalid' }], 'config', false],
    ['a code that says more than the message', [{ message: 'alert lookup failed', extensions: { code: 'INTERNAL_SERVER_ERROR' } }], 'transient', false],
    ['a message nobody foresaw', [{ message: 'the flux capacitor is recharging' }], 'transient', true],
    ['a bad request next to an unknown error', [{ message: 'alert not found' }, { message: 'something odd' }], 'transient', true],
  ];
  for (const [name, errors, category, unrecognized] of cases) {
    it(`${name}: ${category}${unrecognized ? ' (unrecognized: retried for a while, then a refusal)' : ''}`, () => {
      assert.deepEqual(categoryForGraphqlErrors(errors), { category, unrecognized });
    });
  }

  it('a failed data lake query: retried only when the warehouse throttled or failed inside, not for bad SQL or a timeout', () => {
    assert.equal(categoryForFailedQuery("SQL compilation error: invalid identifier 'X'"), 'invalid_request');
    assert.equal(categoryForFailedQuery(undefined), 'invalid_request');
    assert.equal(categoryForFailedQuery('Statement reached its statement or warehouse timeout of 300 second(s) and was canceled.'), 'invalid_request');
    assert.equal(categoryForFailedQuery('Internal error: please try again'), 'transient');
    assert.equal(categoryForFailedQuery('Internal error: connection to the warehouse timed out'), 'transient', 'an internal error, even one that mentions a timeout');
    assert.equal(categoryForFailedQuery('Too many requests'), 'rate_limit');
  });
});
