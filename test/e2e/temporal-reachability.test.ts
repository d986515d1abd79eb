/**
 * How `npm start` decides whether Temporal is already up (src/temporal/dev-server.ts `isTemporalUp`): it
 * connects as the worker and the API will, so a TLS server (Temporal Cloud) is found with TLS, and a server
 * that does not speak what the options say is not taken for one that answers.
 */
import assert from 'node:assert/strict';
import { isTemporalUp } from '../../src/temporal/dev-server';
import { freePort } from '../setup/global';
import { testAddress } from '../helpers/temporal';

describe('isTemporalUp (the tests\' dev server)', () => {
  it('answers true for the plaintext dev server, reached in plaintext', async () => {
    assert.equal(await isTemporalUp(testAddress()), true);
    assert.equal(await isTemporalUp({ address: testAddress() }), true);
  });

  it('connects with the TLS the options ask for: the plaintext dev server does not answer a TLS client', async () => {
    assert.equal(await isTemporalUp({ address: testAddress(), tls: true, apiKey: 'key' }), false);
  });

  it('answers false where nothing listens', async () => {
    assert.equal(await isTemporalUp(`127.0.0.1:${await freePort()}`, 500), false);
  });
});
