/**
 * A start whose reply is lost (a timeout after the server created the run) on the real dev server: the API
 * must answer 202, not 503 — a 503 makes the SIEM resend, and the resend would be taken for a re-fire.
 * The fault is a gRPC interceptor on the client's channel that lets the request through and drops its reply.
 */
import assert from 'node:assert/strict';
import { InterceptingCall, Metadata, status, type Interceptor } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { alertWorkflowId } from '../../src/domain/alert';
import { normalizePanther } from '../../src/intake/panther';
import { demoPantherAlerts } from '../../src/sample-data/demo-alerts';
import { createAlertStarter, TemporalUnavailableError } from '../../src/temporal/alert-starter';
import { connectTestTemporal, testAddress, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

/** Lets the next StartWorkflowExecution reach the server, then answers the caller DEADLINE_EXCEEDED instead of the reply. */
function loseNextStartReply(): { interceptor: Interceptor; lost: () => boolean } {
  let armed = true;
  let lost = false;
  const interceptor: Interceptor = (options, nextCall) => {
    const losing = armed && options.method_definition.path.endsWith('/StartWorkflowExecution');
    if (losing) armed = false;
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        if (!losing) return next(metadata, listener);
        next(metadata, {
          onReceiveMetadata: () => undefined,
          onReceiveMessage: () => undefined,
          onReceiveStatus: () => {
            lost = true;
            listener.onReceiveStatus({ code: status.DEADLINE_EXCEEDED, details: 'the reply was lost', metadata: new Metadata() });
          },
        });
      },
    });
  };
  return { interceptor, lost: () => lost };
}

describe('a start whose reply is lost (real Temporal)', function () {
  this.timeout(60_000);
  let t: TestTemporal;
  before(async () => (t = await connectTestTemporal()));
  after(() => t?.close());

  const alert = (suffix: string) => {
    const a = normalizePanther(demoPantherAlerts()[0]!.payload, new Date());
    return { ...a, alertId: `${a.alertId.slice(0, 16)}-${suffix}-${Date.now()}` };
  };

  it('answers started when the run exists and began just now (the start reached the server)', async () => {
    const lose = loseNextStartReply();
    const connection = await Connection.connect({ address: testAddress(), interceptors: [lose.interceptor] });
    try {
      const starter = createAlertStarter(new Client({ connection }), uniqueTaskQueue('lost-reply'));
      const a = alert('lost-reply');
      const outcome = await starter.start(a);
      assert.ok(lose.lost(), 'the reply was lost');
      assert.deepEqual(outcome, { workflowId: alertWorkflowId(a), status: 'started' });
      const run = await t.client.workflow.getHandle(alertWorkflowId(a)).describe();
      assert.equal(run.status.name, 'RUNNING');
      await t.client.workflow.getHandle(alertWorkflowId(a)).terminate('test done');
    } finally {
      await connection.close();
    }
  });

  it('still answers unavailable when the run that exists began before the lost start (an earlier delivery): the resend is a re-fire', async () => {
    const a = alert('earlier-run');
    const first = await createAlertStarter(t.client, uniqueTaskQueue('earlier-run')).start(a);
    assert.equal(first.status, 'started');
    // Past the clock-skew allowance: this run is clearly older than the start below.
    await new Promise((r) => setTimeout(r, 2500));
    const lose = loseNextStartReply();
    const connection = await Connection.connect({ address: testAddress(), interceptors: [lose.interceptor] });
    try {
      const starter = createAlertStarter(new Client({ connection }), uniqueTaskQueue('earlier-run'));
      await assert.rejects(starter.start(a), TemporalUnavailableError);
      assert.ok(lose.lost());
    } finally {
      await connection.close();
      await t.client.workflow.getHandle(alertWorkflowId(a)).terminate('test done');
    }
  });

  it('still answers unavailable when the lost start never made a run (the SIEM must resend)', async () => {
    // The request is refused before it reaches the server: nothing exists to find.
    const refuse: Interceptor = (options, nextCall) =>
      new InterceptingCall(nextCall(options), {
        start(metadata, listener, next) {
          if (!options.method_definition.path.endsWith('/StartWorkflowExecution')) return next(metadata, listener);
          listener.onReceiveStatus({ code: status.DEADLINE_EXCEEDED, details: 'never sent', metadata: new Metadata() });
        },
      });
    const connection = await Connection.connect({ address: testAddress(), interceptors: [refuse] });
    try {
      const starter = createAlertStarter(new Client({ connection }), uniqueTaskQueue('never-sent'));
      await assert.rejects(starter.start(alert('never-sent')), TemporalUnavailableError);
    } finally {
      await connection.close();
    }
  });
});
