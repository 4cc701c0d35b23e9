import { describe, expect, test } from '@jest/globals';
import { takeToken } from '../../hub/broker/flood-limit.js';
import { LoginLimiter, limitVerdict } from '../../hub/security/login-limiter.js';

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

describe('login rate limiting', () => {
  const rule = { maxFailures: 3, windowMs: 60_000 };

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

  test('per username and per address; a success clears the username', () => {
    let now = 0;
    const limiter = new LoginLimiter(
      { perUsername: rule, perAddress: { maxFailures: 5, windowMs: 60_000 } },
      () => new Date(now),
    );
    for (let i = 0; i < 3; i++) limiter.fail('10.0.0.1', 'alice');
    expect(limiter.check('10.0.0.1', 'alice').allowed).toBe(false);
    expect(limiter.check('10.0.0.9', 'alice').allowed).toBe(false);
    expect(limiter.check('10.0.0.1', 'bob').allowed).toBe(true);
    limiter.fail('10.0.0.1', 'bob');
    limiter.fail('10.0.0.1', 'carol');
    expect(limiter.check('10.0.0.1', 'dave').allowed).toBe(false);
    expect(limiter.check('10.0.0.2', 'dave').allowed).toBe(true);
    now = 61_000;
    expect(limiter.check('10.0.0.1', 'alice').allowed).toBe(true);
    limiter.fail('10.0.0.3', 'erin');
    limiter.fail('10.0.0.3', 'erin');
    limiter.succeed('erin');
    limiter.fail('10.0.0.3', 'erin');
    expect(limiter.check('10.0.0.3', 'erin').allowed).toBe(true);
  });
});
