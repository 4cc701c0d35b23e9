/**
 * The once-only work follows its lease: started when the lease is taken, stopped (parts in reverse)
 * when it is lost, never both at once even when the lease changes hands during a slow start; a hub
 * alone does it from its start to its stop.
 */
import { describe, expect, test } from '@jest/globals';
import { type OnceOnlyLease, type OnceOnlyPart, OnceOnlyWork } from '../../hub/once-only-work.js';
import type { LeaseState } from '../../hub/store/lease.js';
import { silentLog } from '../fakes/schedule-fakes.js';

/** A lease the test hands over. */
class FakeLease implements OnceOnlyLease {
  readonly holder = 'hub-test';
  private listeners: ((s: LeaseState) => void)[] = [];
  onChange(listener: (s: LeaseState) => void): void {
    this.listeners.push(listener);
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.set({ held: false, term: null });
  }
  set(state: LeaseState): void {
    for (const l of this.listeners) l(state);
  }
}

function recorded(log: string[], name: string, startDelay?: Promise<void>): OnceOnlyPart {
  return {
    name,
    start: async () => {
      log.push(`${name} starting`);
      await startDelay;
      log.push(`${name} started`);
    },
    stop: () => {
      log.push(`${name} stopped`);
    },
  };
}

const settled = () => new Promise((r) => setImmediate(r));

describe('the once-only work', () => {
  test('alone (no lease), it is done from the start to the stop', async () => {
    const log: string[] = [];
    const work = new OnceOnlyWork(null, [recorded(log, 'digests'), recorded(log, 'schedule')], silentLog);
    expect(work.held).toBe(false);
    await work.start();
    expect(work.state()).toEqual({ held: true, term: null, holder: null });
    await work.stop();
    expect(work.held).toBe(false);
    expect(log).toEqual([
      'digests starting',
      'digests started',
      'schedule starting',
      'schedule started',
      'schedule stopped',
      'digests stopped',
    ]);
  });

  test('in a group, it starts when the lease is taken, stops when it is lost, and says under which term', async () => {
    const log: string[] = [];
    const lease = new FakeLease();
    const work = new OnceOnlyWork(lease, [recorded(log, 'digests'), recorded(log, 'schedule')], silentLog);
    await work.start();
    expect(work.state()).toEqual({ held: false, term: null, holder: 'hub-test' });
    expect(log).toEqual([]);
    lease.set({ held: true, term: 3 });
    await settled();
    expect(work.state()).toEqual({ held: true, term: 3, holder: 'hub-test' });
    lease.set({ held: false, term: null });
    await settled();
    expect(work.held).toBe(false);
    expect(log.slice(-2)).toEqual(['schedule stopped', 'digests stopped']);
  });

  test('a lease lost during a slow start stops the parts once the start is over, never leaving them running', async () => {
    const log: string[] = [];
    const lease = new FakeLease();
    let release = () => {};
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const work = new OnceOnlyWork(lease, [recorded(log, 'schedule', slow)], silentLog);
    await work.start();
    lease.set({ held: true, term: 1 });
    lease.set({ held: false, term: null });
    await settled();
    expect(log).toEqual(['schedule starting']);
    release();
    await settled();
    expect(log).toEqual(['schedule starting', 'schedule started', 'schedule stopped']);
    expect(work.held).toBe(false);
  });

  test('a part that fails to start does not keep the others from starting', async () => {
    const log: string[] = [];
    const broken: OnceOnlyPart = {
      name: 'digests',
      start: () => {
        throw new Error('smtp down');
      },
      stop: () => {},
    };
    const work = new OnceOnlyWork(null, [broken, recorded(log, 'schedule')], silentLog);
    await work.start();
    expect(log).toEqual(['schedule starting', 'schedule started']);
  });
});
