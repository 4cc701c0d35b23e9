/**
 * How long the agent waits before its next attempt to reach the broker. A hub restart drops every
 * room at the same instant; with a fixed or merely doubling wait, thousands of rooms would come back
 * in the same second and flood the broker with TLS handshakes. So each wait is drawn at random
 * ("full jitter", as in AWS's "Exponential Backoff And Jitter") between `minMs` and a ceiling that
 * starts at 4 × `minMs` and doubles after each failed attempt, up to `maxMs`. A line that stays down
 * is still not hammered: past a few failures the mean wait is half of `maxMs`.
 */
import type { Random } from '../sim/seeded-random.js';

export interface BackoffSettings {
  minMs: number;
  maxMs: number;
}

/** The first ceiling, as a multiple of `minMs`: wide enough that a fleet spreads over seconds. */
const FIRST_SPREAD = 4;

/** The ceiling of the wait before attempt `failures + 1` (0 failures: the first retry after a loss). */
export function backoffCeilingMs(failures: number, settings: BackoffSettings): number {
  const grown = settings.minMs * FIRST_SPREAD * 2 ** Math.min(failures, 30);
  return Math.max(settings.minMs, Math.min(settings.maxMs, grown));
}

/** The wait before the next attempt, given how many attempts have failed since the last connection. */
export function reconnectDelayMs(failures: number, settings: BackoffSettings, random: Random): number {
  const ceiling = backoffCeilingMs(failures, settings);
  return Math.round(settings.minMs + random() * (ceiling - settings.minMs));
}
