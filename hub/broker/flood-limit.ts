/**
 * Per-client publish rate limit as a token bucket: `burst` messages at once, refilled at `perSec`.
 * A room sends telemetry every few seconds and events on edges; a client far above that is
 * flooding (a compromised controller, a bug in a loop) and is disconnected.
 */

export interface FloodRule {
  perSec: number;
  burst: number;
}

export interface Bucket {
  tokens: number;
  atMs: number;
}

/** Pure: takes one message from the bucket at `nowMs`; `allowed` is false when it is empty. */
export function takeToken(
  bucket: Bucket | undefined,
  nowMs: number,
  rule: FloodRule,
): { allowed: boolean; bucket: Bucket } {
  const start = bucket ?? { tokens: rule.burst, atMs: nowMs };
  const refilled = Math.min(rule.burst, start.tokens + ((nowMs - start.atMs) / 1000) * rule.perSec);
  if (refilled < 1) return { allowed: false, bucket: { tokens: refilled, atMs: nowMs } };
  return { allowed: true, bucket: { tokens: refilled - 1, atMs: nowMs } };
}
