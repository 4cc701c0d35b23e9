/**
 * Which telemetry the hub keeps for charts and the yearly report: live telemetry down-sampled to one
 * sample per room per `sampleSec`, and every replayed sample (the agent already down-sampled what
 * it kept through an outage, and nothing else tells what happened then). While the store is behind
 * (a slow disk, a held lock), live samples are skipped rather than queued without end: the next
 * sample says as much, and events, which are never skipped, wait for the store in the rooms' outboxes.
 */
import type { Logger } from '../shared/logger.js';
import type { TelemetryMessage } from '../shared/schemas.js';
import type { HubStore } from './store/store.js';

export interface HistoryCounters {
  /** Live samples not kept because the store was behind. */
  skipped: number;
  /** Samples the store failed to write. */
  failed: number;
}

export class TelemetryHistory {
  readonly counters: HistoryCounters = { skipped: 0, failed: 0 };
  private readonly lastKept = new Map<string, number>();

  constructor(
    private readonly store: Pick<HubStore, 'insertSample' | 'backlog'>,
    private readonly settings: { sampleSec: number; maxPendingSamples: number },
    private readonly log: Logger,
  ) {}

  offer(roomId: string, telemetry: TelemetryMessage, receivedAt: Date): boolean {
    if (!telemetry.replayed) {
      const last = this.lastKept.get(roomId);
      if (last !== undefined && receivedAt.getTime() - last < this.settings.sampleSec * 1000) return false;
      if (this.store.backlog().pending >= this.settings.maxPendingSamples) {
        this.counters.skipped++;
        return false;
      }
      this.lastKept.set(roomId, receivedAt.getTime());
    }
    this.store.insertSample(roomId, telemetry).catch((err: Error) => {
      this.counters.failed++;
      this.log.error({ room: roomId, ts: telemetry.ts, err: err.message }, 'telemetry sample not stored');
    });
    return true;
  }
}
