/**
 * Paces what the outbox sends under the broker's per-room rate limit (the hub's `mqtt.floodPerSec`
 * and `mqtt.floodBurst`, 20/s and 200 at once by default): after an outage the outbox may hold
 * thousands of events, and sending them as fast as the broker acknowledges would look like a flood
 * (the embedded broker disconnects the room, an external one has it cut off by the hub). Records go
 * out at `perSec` after a first `burst`, leaving room under the limit for the live telemetry,
 * status and replies the agent sends besides. A token bucket on the agent's clock.
 */
import type { Clock } from '../../shared/clock.js';
import { type Bucket, msUntilToken, type RateRule, takeToken } from '../../shared/token-bucket.js';

export class SendPacing {
  private bucket: Bucket | undefined;

  constructor(
    private readonly rule: RateRule,
    readonly clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>,
  ) {}

  /** Takes the right to send one record now; false when it must wait (`waitMs`). */
  take(): boolean {
    const taken = takeToken(this.bucket, this.clock.now().getTime(), this.rule);
    this.bucket = taken.bucket;
    return taken.allowed;
  }

  /** How long until one more record may be sent. */
  waitMs(): number {
    return msUntilToken(this.bucket, this.clock.now().getTime(), this.rule);
  }
}
