import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { InOrderPerKey } from '../../hub/ingest/in-order.js';

/** A promise settled from outside, to finish work in any order the test likes. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('outcomes handed on in the order the work began, per room', () => {
  test('a later event that finishes first waits for the earlier one; failures keep their place', async () => {
    const order = new InOrderPerKey();
    const seen: string[] = [];
    const lost = deferred<string>();
    const restored = deferred<string>();
    const failing = deferred<string>();
    const other = deferred<string>();
    const on = (value: string) => seen.push(value);
    const err = (e: Error) => seen.push(`failed: ${e.message}`);
    order.follow('room-a', lost.promise, on, err);
    order.follow('room-a', failing.promise, on, err);
    order.follow('room-a', restored.promise, on, err);
    order.follow('room-b', other.promise, on, err);

    restored.resolve('a: mains.restored');
    failing.reject(new Error('locked'));
    other.resolve('b: codec.down');
    await settle();
    // Room b does not wait for room a; room a's later outcomes wait for its first.
    expect(seen).toEqual(['b: codec.down']);

    lost.resolve('a: mains.lost');
    await settle();
    expect(seen).toEqual(['b: codec.down', 'a: mains.lost', 'failed: locked', 'a: mains.restored']);
    expect(order.pendingKeys).toBe(0);
  });

  test('a failure while an earlier call of its room is still under way does not end the process', () => {
    // Node ends a process on an unhandled rejection, which the test runner would hide: its own process.
    const probe = path.join(import.meta.dirname, '../fakes/in-order-probe.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', probe], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect({ status: run.status, out: run.stdout.trim() }).toEqual({ status: 0, out: 'survived' });
  });
});
