/**
 * A token bucket: `burst` messages at once, refilled at `perSec`. The embedded broker and the hub
 * use it to find a room that floods (hub/broker/), and the agent's outbox to stay under that same
 * limit when it replays (agent/link/send-pacing.ts): one rule, so an honest replay never looks like
 * a flood. A room sends telemetry every few seconds and events on edges; a client far above that is
 * flooding (a compromised controller, a bug in a loop).
 */

export interface RateRule {
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
  rule: RateRule,
): { allowed: boolean; bucket: Bucket } {
  const start = bucket ?? { tokens: rule.burst, atMs: nowMs };
  const refilled = Math.min(rule.burst, start.tokens + ((nowMs - start.atMs) / 1000) * rule.perSec);
  if (refilled < 1) return { allowed: false, bucket: { tokens: refilled, atMs: nowMs } };
  return { allowed: true, bucket: { tokens: refilled - 1, atMs: nowMs } };
}

/** Pure: how long from `nowMs` until the bucket holds a whole token again (0 when it does). */
export function msUntilToken(bucket: Bucket | undefined, nowMs: number, rule: RateRule): number {
  if (!bucket) return 0;
  const refilled = Math.min(rule.burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * rule.perSec);
  return refilled >= 1 ? 0 : Math.ceil(((1 - refilled) / rule.perSec) * 1000);
}
