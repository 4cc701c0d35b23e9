import { describe, expect, test } from '@jest/globals';
import { LoginLimiter, limitVerdict, slowdownMs } from '../../hub/security/login-limiter.js';
import { takeToken } from '../../shared/token-bucket.js';
import { FakeClock } from '../fakes/fake-clock.js';

describe('the broker’s per-client flood limit (token bucket)', () => {
  const rule = { perSec: 10, burst: 3 };

  test('a burst passes, the next message at the same instant does not, and time refills', () => {
    let bucket: ReturnType<typeof takeToken>['bucket'] | undefined;
    const results: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const r = takeToken(bucket, 1000, rule);
      bucket = r.bucket;
      results.push(r.allowed);
    }
    expect(results).toEqual([true, true, true, false]);
    expect(takeToken(bucket, 1050, rule).allowed).toBe(false);
    expect(takeToken(bucket, 1100, rule).allowed).toBe(true);
  });

  test('a steady rate at the limit never runs out; above it, it does', () => {
    const run = (intervalMs: number) => {
      let bucket: ReturnType<typeof takeToken>['bucket'] | undefined;
      let refused = 0;
      for (let i = 0; i < 1000; i++) {
        const r = takeToken(bucket, i * intervalMs, rule);
        bucket = r.bucket;
        if (!r.allowed) refused++;
      }
      return refused;
    };
    expect(run(100)).toBe(0);
    expect(run(50)).toBeGreaterThan(400);
  });
});

describe('login throttling: slows attackers, not owners (issue 18.3)', () => {
  const rule = { maxFailures: 3, windowMs: 60_000 };
  const rules = {
    perPair: rule,
    perAddress: { freeFailures: 5, windowMs: 60_000, firstDelayMs: 500, maxDelayMs: 4000, maxWaiting: 2 },
  };

  test.each([
    [[], 0, true],
    [[1000, 2000], 3000, true],
    [[1000, 2000, 3000], 4000, false],
    [[1000, 2000, 3000], 61_001, true],
  ] as const)('failures at %o, attempt at %i: allowed %s', (failures, now, allowed) => {
    expect(limitVerdict(failures, now, rule).allowed).toBe(allowed);
  });

  test('the wait is until the oldest failure leaves the window', () => {
    expect(limitVerdict([1000, 2000, 3000], 4000, rule)).toEqual({ allowed: false, retryAfterMs: 57_000 });
  });

  test.each([
    [5, 0],
    [6, 500],
    [7, 1000],
    [8, 2000],
    [9, 4000],
    [40, 4000],
  ])('an address with %i failures in the window waits %i ms', (failures, delay) => {
    expect(slowdownMs(Array(failures).fill(1000), 2000, rules.perAddress)).toBe(delay);
  });

  test('failures of one account from one address refuse that pair only', async () => {
    const clock = new FakeClock('2026-11-30T00:00:00Z');
    const limiter = new LoginLimiter(rules, clock);
    for (let i = 0; i < 3; i++) limiter.fail('10.0.0.1', 'alice');
    expect(await limiter.admit('10.0.0.1', 'alice')).toMatchObject({
      allowed: false,
      reason: 'account-throttled',
    });
    // Alice from elsewhere, and Bob from the same address (a shared NAT), are not locked out.
    expect(await limiter.admit('10.0.0.9', 'alice')).toEqual({ allowed: true, delayMs: 0 });
    expect(await limiter.admit('10.0.0.1', 'bob')).toEqual({ allowed: true, delayMs: 0 });
    clock.advance(60_001);
    expect((await limiter.admit('10.0.0.1', 'alice')).allowed).toBe(true);
  });

  test('many failures from one address slow every attempt from it, the owner’s right password included', async () => {
    const clock = new FakeClock('2026-11-30T00:00:00Z');
    const limiter = new LoginLimiter(rules, clock);
    for (const user of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) limiter.fail('10.0.0.1', user); // 2 past 5
    expect(await limiter.admit('10.0.0.1', 'owner')).toEqual({ allowed: true, delayMs: 1000 });
    expect(clock.sleeps).toEqual([1000]);
    expect(await limiter.admit('10.0.0.2', 'owner')).toEqual({ allowed: true, delayMs: 0 });
  });

  test('only a few attempts from a slowed address wait at once; the next is told to come back', async () => {
    const clock = new FakeClock('2026-11-30T00:00:00Z');
    const limiter = new LoginLimiter(rules, clock);
    for (let i = 0; i < 6; i++) limiter.fail('10.0.0.1', `guess-${i}`);
    const waiting = [limiter.admit('10.0.0.1', 'x'), limiter.admit('10.0.0.1', 'y')];
    expect(await limiter.admit('10.0.0.1', 'z')).toEqual({
      allowed: false,
      reason: 'address-busy',
      retryAfterMs: 500,
    });
    expect(await Promise.all(waiting)).toEqual([
      { allowed: true, delayMs: 500 },
      { allowed: true, delayMs: 500 },
    ]);
    expect((await limiter.admit('10.0.0.1', 'z')).allowed).toBe(true);
  });

  test('a success clears its own pair only', async () => {
    const clock = new FakeClock('2026-11-30T00:00:00Z');
    const limiter = new LoginLimiter(rules, clock);
    limiter.fail('10.0.0.3', 'erin');
    limiter.fail('10.0.0.3', 'erin');
    limiter.fail('10.0.0.4', 'erin');
    limiter.fail('10.0.0.4', 'erin');
    limiter.succeed('10.0.0.3', 'erin');
    limiter.fail('10.0.0.3', 'erin');
    limiter.fail('10.0.0.4', 'erin');
    expect((await limiter.admit('10.0.0.3', 'erin')).allowed).toBe(true);
    expect((await limiter.admit('10.0.0.4', 'erin')).allowed).toBe(false);
  });

  test('spraying from 20,000 addresses cannot free a pair it keeps failing on', async () => {
    const clock = new FakeClock('2026-11-30T00:00:00Z');
    const limiter = new LoginLimiter(rules, clock);
    for (let i = 0; i < 20_000; i++) {
      clock.advance(1);
      limiter.fail(`10.1.${i >> 8}.${i & 255}`, 'bob');
      if (i % 5000 === 0) limiter.fail('10.0.0.1', 'alice');
    }
    expect(await limiter.admit('10.0.0.1', 'alice')).toMatchObject({ allowed: false });
  });
});
