/**
 * Reconnecting after a hub restart: each room waits a random time under a ceiling that grows with
 * its failed attempts, so a fleet does not come back in the same second. Driven by seeded random
 * sources and computed attempt times: no timer runs.
 */
import { describe, expect, test } from '@jest/globals';
import { backoffCeilingMs, reconnectDelayMs } from '../../agent/link/reconnect-backoff.js';
import { seededRandom } from '../../agent/sim/seeded-random.js';

const settings = { minMs: 1000, maxMs: 30_000 };

describe('the wait before the next attempt', () => {
  test.each([
    [0, 4000],
    [1, 8000],
    [2, 16_000],
    [3, 30_000],
    [50, 30_000],
  ])('after %i failures the ceiling is %i ms', (failures, ceiling) => {
    expect(backoffCeilingMs(failures, settings)).toBe(ceiling);
  });

  test('drawn between the shortest wait and the ceiling, by the random source', () => {
    expect(reconnectDelayMs(0, settings, () => 0)).toBe(1000);
    expect(reconnectDelayMs(0, settings, () => 0.5)).toBe(2500);
    expect(reconnectDelayMs(3, settings, () => 0.999_999)).toBe(30_000);
  });

  test('a ceiling below the shortest wait (a test’s short maximum) waits the shortest', () => {
    expect(reconnectDelayMs(5, { minMs: 1000, maxMs: 500 }, () => 0.7)).toBe(1000);
  });
});

/**
 * 10,000 rooms lose the broker at t = 0; it is back `downMs` later. Each room retries after its own
 * waits; its first attempt at or after the broker's return is the one that connects.
 */
function reconnectionsPerSecond(downMs: number, rooms = 10_000): Map<number, number> {
  const perSecond = new Map<number, number>();
  for (let room = 0; room < rooms; room++) {
    const random = seededRandom(room + 1);
    let at = 0;
    for (let failures = 0; ; failures++) {
      at += reconnectDelayMs(failures, settings, random);
      if (at >= downMs) break;
    }
    const second = Math.floor(at / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  return perSecond;
}

describe('10,000 rooms after a hub restart (worst cases)', () => {
  test('a broker back at once: the fleet spreads over 4 s, at most a third in any second', () => {
    const perSecond = reconnectionsPerSecond(0);
    expect(perSecond.size).toBeGreaterThanOrEqual(3);
    expect(Math.max(...perSecond.values())).toBeLessThan(3400);
  });

  test.each([5000, 20_000, 60_000, 600_000])(
    'a broker down for %i ms: no second takes more than a sixth of the fleet',
    (downMs) => {
      const perSecond = reconnectionsPerSecond(downMs);
      expect(Math.max(...perSecond.values())).toBeLessThan(10_000 / 6);
      // And nobody waits past the longest wait once it is back.
      expect(Math.max(...perSecond.keys())).toBeLessThanOrEqual(Math.floor((downMs + 30_000) / 1000));
    },
  );
});
