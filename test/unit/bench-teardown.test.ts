/** What the bench started is stopped in reverse order, once, whatever one step says (bench/stack.ts). */
import assert from 'node:assert/strict';
import { Teardown } from '../../bench/stack';

describe('bench teardown', () => {
  it('stops what started in reverse order, goes on past a step that fails, and runs once however often asked', async () => {
    const order: string[] = [];
    const t = new Teardown();
    t.add(() => order.push('remove the logs'));
    t.add(async () => {
      order.push('stop the dev server');
      throw new Error('already gone');
    });
    t.add(() => order.push('stop the worker'));
    await Promise.all([t.run(), t.run()]);
    await t.run();
    assert.deepEqual(order, ['stop the worker', 'stop the dev server', 'remove the logs']);
  });
});
