import assert from 'node:assert/strict';
import { errorMessage } from '../../src/logging/error-message';

describe('errorMessage', () => {
  it("adds the causes' messages, so the server's reason behind a client's summary is shown", () => {
    const grpc = new Error('3 INVALID_ARGUMENT: Namespace backfill-1 has no mapping defined for search attribute TriageStatus');
    assert.equal(errorMessage(new Error('Failed to start Workflow', { cause: grpc })), `Failed to start Workflow: ${grpc.message}`);
  });
  it('says a repeated message once, and takes anything thrown', () => {
    assert.equal(errorMessage(new Error('Temporal unreachable: 14 UNAVAILABLE', { cause: new Error('14 UNAVAILABLE') })), 'Temporal unreachable: 14 UNAVAILABLE');
    assert.equal(errorMessage('plain string'), 'plain string');
    assert.equal(errorMessage(42), '42');
  });
});
