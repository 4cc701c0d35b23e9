/**
 * Which telemetry the hub keeps for charts and the yearly report: live telemetry down-sampled to one
 * sample per room per period of `sampleSec`, and every replayed sample (the agent already
 * down-sampled what it kept through an outage, and nothing else tells what happened then). While
 * the store is behind (a slow disk, a held lock), live samples are skipped rather than queued
 * without end: the next sample says as much, and events, which are never skipped, wait for the
 * store in the rooms' outboxes.
 *
 * The periods follow the agent's clock (the sample's ts), not the hub's: every hub of a group
 * receives the same telemetry and keeps the same first sample of each period, and the store keeps
 * one sample per room and period whichever hub offered it first (store.ts, `insertSample`), even
 * when a hub missed that first message or started within the period.
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

/**
 * The start of the period of `sampleSec` that `ts` falls in, as an ISO time: the same on every hub.
 * With `sampleSec` 0 every sample is its own period.
 */
export function sampleBucket(ts: string, sampleSec: number): string {
  const periodMs = sampleSec * 1000;
  if (periodMs === 0) return ts;
  return new Date(Math.floor(Date.parse(ts) / periodMs) * periodMs).toISOString();
}

export class TelemetryHistory {
  readonly counters: HistoryCounters = { skipped: 0, failed: 0 };
  /** Each room's period last kept. */
  private readonly lastKept = new Map<string, string>();

  constructor(
    private readonly store: Pick<HubStore, 'insertSample' | 'backlog'>,
    private readonly settings: { sampleSec: number; maxPendingSamples: number },
    private readonly log: Logger,
  ) {}

  offer(roomId: string, telemetry: TelemetryMessage): boolean {
    let bucket: string | undefined;
    if (!telemetry.replayed) {
      bucket = sampleBucket(telemetry.ts, this.settings.sampleSec);
      if (this.lastKept.get(roomId) === bucket) return false;
      if (this.store.backlog().pending >= this.settings.maxPendingSamples) {
        this.counters.skipped++;
        return false;
      }
      this.lastKept.set(roomId, bucket);
    }
    this.store.insertSample(roomId, telemetry, bucket).catch((err: Error) => {
      this.counters.failed++;
      this.log.error({ room: roomId, ts: telemetry.ts, err: err.message }, 'telemetry sample not stored');
    });
    return true;
  }
}
