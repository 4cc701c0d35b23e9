import { expect, test } from '@jest/globals';
import { ScheduledProbe } from '../../shared/probes/scheduled-probe.js';

test('callers during a run share it; the probe never runs twice at once', async () => {
  let runs = 0;
  let release!: (v: string) => void;
  const probe = new ScheduledProbe(
    () => {
      runs++;
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    },
    (why) => `failed: ${why}`,
    { intervalMs: 1000, timeoutMs: 10_000 },
    () => 0,
  );
  const a = probe.read();
  const b = probe.read();
  release('first');
  expect(await Promise.all([a, b])).toEqual(['first', 'first']);
  expect(runs).toBe(1);
});

test('a fresh result is answered without running; a due one runs again', async () => {
  let t = 0;
  let runs = 0;
  const probe = new ScheduledProbe(
    async () => ++runs,
    () => -1,
    { intervalMs: 1000, timeoutMs: 1000 },
    () => t,
  );
  expect(await probe.read()).toBe(1);
  t = 999;
  expect(await probe.read()).toBe(1);
  t = 1000;
  expect(await probe.read()).toBe(2);
});

test('a run past its timeout is reported as a failure and its signal aborted', async () => {
  let signal!: AbortSignal;
  const probe = new ScheduledProbe(
    (s) => {
      signal = s;
      return new Promise<string>(() => {});
    },
    (why) => `failed: ${why}`,
    { intervalMs: 1000, timeoutMs: 30 },
  );
  expect(await probe.read()).toBe('failed: no result within 30 ms');
  expect(signal.aborted).toBe(true);
});

test('a probe that throws despite its contract is a failure result, not an exception', async () => {
  const probe = new ScheduledProbe(
    async () => {
      throw new Error('boom');
    },
    (why) => `failed: ${why}`,
    { intervalMs: 1000, timeoutMs: 1000 },
  );
  expect(await probe.read()).toBe('failed: boom');
});
