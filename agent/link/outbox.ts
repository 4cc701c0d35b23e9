/**
 * Store-and-forward for what the hub must not miss: every event, and while the link is down a
 * down-sampled share of telemetry. A record is on disk before it is sent, is sent in order, and is
 * forgotten only when the broker acknowledged it (QoS 1). Bounded: past `maxBytes` the oldest
 * telemetry goes first; events are never dropped. A disk that fails (full, read-only) does not stop
 * the agent: records are then kept in memory and the fault is reported.
 */
import type { Logger } from '../../shared/logger.js';
import type { TelemetryMessage } from '../../shared/schemas.js';
import { OutboxLog, readLog } from './outbox-log.js';
import type { SendPacing } from './send-pacing.js';

export type OutboxChannel = 'events' | 'telemetry';

export interface OutboxRecord {
  id: number;
  channel: OutboxChannel;
  body: string;
  /**
   * Set for records the hub itself acknowledges (events: `bootId:seq`): such a record is forgotten
   * only on that acknowledgement, not on the broker's PUBACK.
   */
  ackKey?: string;
}

type LogEntry = { put: OutboxRecord } | { done: number };

/** A corrupt span of the log found at open, and where its bytes now are. */
export interface Quarantined {
  offset: number;
  bytes: number;
  quarantineFile: string;
}

/** Sends one record; resolves when the broker acknowledged it, rejects when it could not be sent. */
export type SendRecord = (record: OutboxRecord) => Promise<void>;

/** Records sent before their acknowledgements come back; MQTT keeps them in order. */
const WINDOW = 20;
/**
 * A record the broker took but the hub has not acknowledged storing after this long is sent again:
 * the hub may have failed to store it (its database unreachable) and will not ask. The hub drops the
 * repeat if it had stored it after all, and acknowledges it again.
 */
export const HUB_ACK_WAIT_MS = 60_000;
/** Below this much free space the outbox reports its disk as full. */
const MIN_FREE_BYTES = 64 * 1024;
/** Done records tolerated in the log before it is rewritten with only the pending ones. */
const COMPACT_AFTER = 500;

export class Outbox {
  private readonly log: OutboxLog;
  private pending: OutboxRecord[] = [];
  private readonly inFlight = new Set<number>();
  /** Records the broker acknowledged that wait for the hub's acknowledgement, with when the broker's came. */
  private readonly awaitingHub = new Map<number, number>();
  private nextId = 1;
  private connected = false;
  private fault: string | undefined;
  private doneSinceCompact = 0;
  /** Who waits for the hub to acknowledge a record, by its ack key. */
  private readonly waiters = new Map<string, (() => void)[]>();
  private warnedFull = false;
  /** The timer that resumes sending once the pacing allows it. */
  private paceTimer: unknown = null;

  constructor(
    file: string,
    private readonly maxBytes: number,
    private readonly send: SendRecord,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    /** Keeps a replay under the broker's rate limit; none sends as fast as the broker acknowledges. */
    private readonly pacing?: SendPacing,
  ) {
    this.log = new OutboxLog(file);
  }

  /**
   * Recovers what an earlier run left unsent: how many records, the torn bytes dropped, and the
   * corrupt spans skipped, each moved to the quarantine file first (the caller reports them).
   */
  open(): { recovered: number; tornBytes: number; quarantined: Quarantined[] } {
    const { records, tornBytes, corrupt } = readLog<LogEntry>(this.log.file);
    const byId = new Map<number, OutboxRecord>();
    for (const entry of records) {
      if ('put' in entry) byId.set(entry.put.id, entry.put);
      else byId.delete(entry.done);
    }
    this.pending = [...byId.values()].sort((a, b) => a.id - b.id);
    this.nextId = Math.max(0, ...records.map((e) => ('put' in e ? e.put.id : e.done))) + 1;
    if (tornBytes > 0) this.logger.warn({ tornBytes }, 'outbox: torn record after a crash skipped');
    const quarantined = corrupt.map(({ offset, bytes }) => {
      this.guard(() => this.log.quarantine(bytes));
      const span = { offset, bytes: bytes.length, quarantineFile: this.log.quarantineFile };
      this.logger.error(
        { ...span, kept: this.pending.length },
        `outbox: corrupt record at byte ${offset} skipped (${bytes.length} bytes moved to ${span.quarantineFile}); the records around it are kept`,
      );
      return span;
    });
    this.guard(() => this.log.open(this.pending.map((put) => ({ put }))));
    return { recovered: this.pending.length, tornBytes, quarantined };
  }

  push(channel: OutboxChannel, body: string, ackKey?: string): void {
    const record: OutboxRecord = { id: this.nextId++, channel, body, ...(ackKey ? { ackKey } : {}) };
    this.guard(() => this.log.append({ put: record }));
    this.pending.push(record);
    this.enforceBound();
    this.pump();
  }

  /** The link's state; on every (re)connect everything unacknowledged is sent again, in order. */
  setConnected(connected: boolean): void {
    if (connected && this.connected) return;
    this.connected = connected;
    this.inFlight.clear();
    this.awaitingHub.clear();
    this.pump();
  }

  status(): NonNullable<TelemetryMessage['outbox']> {
    return { pendingCount: this.pending.length, ...(this.fault ? { fault: this.fault } : {}) };
  }

  close(): void {
    if (this.paceTimer) this.pacing?.clock.clearTimeout(this.paceTimer);
    this.paceTimer = null;
    this.log.close();
  }

  private pump(): void {
    if (!this.connected) return;
    for (const record of this.pending) {
      if (this.inFlight.size >= WINDOW) return;
      if (this.inFlight.has(record.id)) continue;
      if (this.pacing && !this.pacing.take()) {
        this.resumeLater(this.pacing);
        return;
      }
      this.inFlight.add(record.id);
      // A record the hub acknowledges stays in flight after the PUBACK, until the hub's own
      // acknowledgement or the next (re)connection, which sends it again.
      this.send(record).then(
        () => {
          if (!record.ackKey) this.done(record.id);
          else if (this.inFlight.has(record.id)) this.awaitingHub.set(record.id, this.now());
        },
        () => this.inFlight.delete(record.id),
      );
    }
  }

  /**
   * Resolves true once the hub has acknowledged storing the record with `ackKey`, false after
   * `timeoutMs` (real time: it waits on the line, not on the day).
   */
  delivered(ackKey: string, timeoutMs: number): Promise<boolean> {
    if (!this.pending.some((r) => r.ackKey === ackKey)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const list = this.waiters.get(ackKey) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
      this.waiters.set(ackKey, list);
    });
  }

  /** Sends on once the pacing has a token again (one timer at a time). */
  private resumeLater(pacing: SendPacing): void {
    if (this.paceTimer) return;
    this.paceTimer = pacing.clock.setTimeout(() => {
      this.paceTimer = null;
      this.pump();
    }, pacing.waitMs());
  }

  /** The hub has these records (by their ack keys) in its store: forget them. */
  acknowledge(keys: readonly string[]): void {
    const wanted = new Set(keys);
    for (const record of this.pending.filter((r) => r.ackKey && wanted.has(r.ackKey))) this.done(record.id);
  }

  private done(id: number): void {
    this.inFlight.delete(id);
    this.awaitingHub.delete(id);
    const index = this.pending.findIndex((r) => r.id === id);
    if (index < 0) return;
    const [record] = this.pending.splice(index, 1);
    if (record?.ackKey) {
      for (const wake of this.waiters.get(record.ackKey) ?? []) wake();
      this.waiters.delete(record.ackKey);
    }
    this.forget(id);
    this.pump();
  }

  private forget(id: number): void {
    this.guard(() => {
      if (this.pending.length === 0 || ++this.doneSinceCompact > COMPACT_AFTER) {
        this.log.rewrite(this.pending.map((put) => ({ put })));
        this.doneSinceCompact = 0;
      } else {
        this.log.append({ done: id });
      }
    }, this.pending.length > 0);
  }

  private enforceBound(): void {
    let bytes = this.pending.reduce((sum, r) => sum + r.body.length, 0);
    while (bytes > this.maxBytes) {
      const oldest = this.pending.findIndex((r) => r.channel === 'telemetry' && !this.inFlight.has(r.id));
      if (oldest < 0) {
        if (!this.warnedFull)
          this.logger.warn(
            { bytes, maxBytes: this.maxBytes },
            'outbox over its bound with events only; keeping them',
          );
        this.warnedFull = true;
        return;
      }
      const [dropped] = this.pending.splice(oldest, 1);
      bytes -= dropped!.body.length;
      this.forget(dropped!.id);
    }
    this.warnedFull = false;
  }

  /**
   * While the disk is faulty, checks whether it takes writes again (a rewrite of an empty log needs
   * no free blocks, so only a real write of data proves it). Called on every telemetry sample.
   */
  recheck(): void {
    this.resendUnacknowledged();
    // Free space is checked without writing (an SD card wears); a full disk is reported before a
    // write fails, since a small append can still fit in a partly used block.
    const free = this.log.freeBytes();
    if (free !== null && free < MIN_FREE_BYTES) {
      const message = `outbox disk nearly full: ${Math.floor(free / 1024)} KiB free`;
      if (this.fault !== message) this.logger.error(message);
      this.fault = message;
      return;
    }
    if (!this.fault) return;
    this.guard(() => {
      this.log.probe();
      this.log.rewrite(this.pending.map((put) => ({ put })));
    }, true);
  }

  /** Sends again, in order, what the hub has not acknowledged within HUB_ACK_WAIT_MS of the broker taking it. */
  private resendUnacknowledged(): void {
    const cutoff = this.now() - HUB_ACK_WAIT_MS;
    let overdue = 0;
    for (const [id, at] of this.awaitingHub) {
      if (at > cutoff) continue;
      this.awaitingHub.delete(id);
      this.inFlight.delete(id);
      overdue++;
    }
    if (overdue === 0) return;
    this.logger.warn(
      { overdue },
      'outbox: the hub did not acknowledge storing these events; sending them again',
    );
    this.pump();
  }

  /** Runs a disk operation; a failure becomes the reported fault and the agent carries on in memory. */
  private guard(op: () => void, provesWritable = true): void {
    try {
      op();
      if (!provesWritable) return;
      if (this.fault) this.logger.info('outbox: disk writable again');
      this.fault = undefined;
    } catch (err) {
      const message = `outbox cannot write to disk: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
      if (this.fault !== message) this.logger.error({ err: (err as Error).message }, message);
      this.fault = message;
    }
  }
}
