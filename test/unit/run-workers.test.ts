/** runWorkers (src/worker/workers.ts): one worker's failure stops the others, and waits for them to drain. */
import assert from 'node:assert/strict';
import type { State } from '@temporalio/worker';
import { runWorkers } from '../../src/worker/workers';

/** The part of the SDK's Worker that runWorkers drives: runs until shutdown(), then drains for `drainMs`. */
class DrainingWorker {
  state: State = 'RUNNING';
  drained = false;
  private stop?: () => void;
  constructor(private readonly drainMs: number) {}
  run(): Promise<void> {
    return new Promise<void>((resolve) => (this.stop = resolve)).then(async () => {
      await new Promise((r) => setTimeout(r, this.drainMs));
      this.drained = true;
      this.state = 'STOPPED';
    });
  }
  getState(): State {
    return this.state;
  }
  shutdown(): void {
    this.state = 'STOPPING';
    this.stop?.();
  }
}

class FailingWorker {
  state: State = 'RUNNING';
  run(): Promise<void> {
    return new Promise((_, reject) =>
      setTimeout(() => {
        this.state = 'FAILED';
        reject(new Error('provider queue poll failed'));
      }, 10),
    );
  }
  getState(): State {
    return this.state;
  }
  shutdown(): void {}
}

describe('runWorkers', () => {
  it("rethrows a worker's failure only after the other workers have drained", async () => {
    const main = new DrainingWorker(200);
    const provider = new FailingWorker();
    let drainedWhenSettled: boolean | undefined;
    await assert.rejects(
      runWorkers([main, provider]).finally(() => (drainedWhenSettled = main.drained)),
      /provider queue poll failed/,
    );
    assert.equal(main.state, 'STOPPED', 'the failure shut the main worker down');
    assert.equal(drainedWhenSettled, true, 'the caller may close connections only after the main worker drained');
  });

  it('settles when all workers stop after a shutdown', async () => {
    const a = new DrainingWorker(20);
    const b = new DrainingWorker(50);
    const running = runWorkers([a, b]);
    a.shutdown();
    await running;
    assert.deepEqual([a.drained, b.drained], [true, true]);
  });
});
