/**
 * Which telemetry the hub keeps for charts and the yearly report: live telemetry down-sampled to one
 * sample per room per `sampleSec`, and every replayed sample (the agent already down-sampled what
 * it kept through an outage, and nothing else tells what happened then).
 */
import type { TelemetryMessage } from '../shared/schemas.js';
import type { HubStore } from './store/store.js';

export class TelemetryHistory {
  private readonly lastKept = new Map<string, number>();

  constructor(
    private readonly store: Pick<HubStore, 'insertSample'>,
    private readonly sampleSec: number,
  ) {}

  offer(roomId: string, telemetry: TelemetryMessage, receivedAt: Date): boolean {
    if (!telemetry.replayed) {
      const last = this.lastKept.get(roomId);
      if (last !== undefined && receivedAt.getTime() - last < this.sampleSec * 1000) return false;
      this.lastKept.set(roomId, receivedAt.getTime());
    }
    this.store.insertSample(roomId, telemetry);
    return true;
  }
}
