/**
 * Keeps the running hub's audit log anchored (issue 18.4): at start it verifies the whole chain
 * against the latest signed checkpoint; then every `everyMs` it verifies what was added since (and
 * the whole chain again every FULL_EVERY turns) and, when the chain grew and holds, writes a new
 * checkpoint to the file outside the data folder and to the journal. The last verification is
 * what `/api/health` and `/metrics` show. A failed verification is logged as an error each time the
 * verdict changes, and no checkpoint is written over it.
 *
 * The chain is walked SLICE_ROWS rows at a time, each slice in its own turn of the event loop:
 * 100,000 rows cost about 0.6 s of HMACs (`npm run bench`), which must not hold ingest and the API
 * in one piece.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import {
  appendCheckpoint,
  type Checkpoint,
  compareWithCheckpoint,
  latestCheckpoint,
  signCheckpoint,
} from './audit-checkpoints.js';
import type { AuditLog, AuditVerdict, VerifyFrom } from './audit-log.js';

export interface AuditVerification {
  /** When it ran. */
  at: string;
  ok: boolean;
  rows: number;
  /** The checkpoint it was held against, if any. */
  checkpoint: { at: string; rows: number } | null;
  /** What is wrong, when not ok (and the first bad row, when one is). */
  reason?: string;
  badId?: number;
}

/** Every this many turns the whole chain is walked, not only what was added. */
const FULL_EVERY = 12;
/** Rows walked in one turn of the event loop: about 15 ms of HMACs. */
const SLICE_ROWS = 2000;

export class AuditAnchor {
  private lastVerification: AuditVerification | null = null;
  private checkpoint: Checkpoint | null = null;
  private verified: VerifyFrom | null = null;
  private turns = 0;
  private timer: unknown = null;
  /** The turn under way, so that turns never overlap and stopping waits for it. */
  private running: Promise<void> | null = null;
  private readonly log: Logger;

  constructor(
    private readonly audit: AuditLog,
    private readonly key: Buffer,
    /** The folder outside the data folder holding the key and the checkpoints. */
    private readonly dir: string,
    private readonly clock: Clock,
    log: Logger,
    private readonly everyMs: number,
  ) {
    this.log = log.child({ part: 'audit' });
  }

  get last(): AuditVerification | null {
    return this.lastVerification;
  }

  /** Starts the turns; the first (the whole chain) runs now and resolves when it is done. */
  start(): Promise<void> {
    const { checkpoint, badLines } = latestCheckpoint(this.dir, this.key);
    if (badLines > 0)
      this.log.error(
        { badLines },
        'audit checkpoints file: lines without a valid signature after the latest good one',
      );
    this.checkpoint = checkpoint;
    this.timer = this.clock.setInterval(() => void this.next(), this.everyMs);
    return this.next(true);
  }

  /** Stops the turns, after a last one so the newest rows are anchored before the hub goes. */
  async stop(): Promise<void> {
    if (this.timer) this.clock.clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.next();
  }

  /** Runs a turn unless one is under way (a slow walk is not piled up behind). */
  private next(full = ++this.turns % FULL_EVERY === 0): Promise<void> {
    this.running ??= this.turn(full).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Walks from `from` (or the start) to the end of the chain, a slice per turn of the event loop. */
  private async walk(from: VerifyFrom | undefined): Promise<AuditVerdict> {
    let at = from;
    let unkeyedRows = 0;
    for (;;) {
      const slice = await this.audit.verify(at, SLICE_ROWS);
      if (!slice.ok) return slice;
      unkeyedRows += slice.unkeyedRows;
      if (slice.complete) return { ...slice, unkeyedRows };
      at = { id: slice.rows, hash: slice.head };
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async turn(full: boolean): Promise<void> {
    const at = this.clock.now().toISOString();
    // Resuming from a row verified before holds only while that row is still what it was.
    const from =
      !full && this.verified && (await this.audit.hashAt(this.verified.id)) === this.verified.hash
        ? this.verified
        : undefined;
    const verdict = await this.walk(from);
    const against = this.checkpoint ? { at: this.checkpoint.at, rows: this.checkpoint.rows } : null;
    let result: AuditVerification;
    if (!verdict.ok) {
      result = {
        at,
        ok: false,
        rows: verdict.rows,
        checkpoint: against,
        reason: verdict.reason,
        badId: verdict.badId,
      };
    } else {
      const held = this.checkpoint
        ? await compareWithCheckpoint(verdict, this.checkpoint, this.audit)
        : { ok: true as const };
      result = held.ok
        ? { at, ok: true, rows: verdict.rows, checkpoint: against }
        : { at, ok: false, rows: verdict.rows, checkpoint: against, reason: held.reason };
      if (held.ok) {
        this.verified = { id: verdict.rows, hash: verdict.head };
        if (verdict.rows > (this.checkpoint?.rows ?? 0)) this.anchor(at, verdict.rows, verdict.head);
      }
    }
    if (!result.ok && (this.lastVerification?.ok ?? true))
      this.log.error({ ...result }, 'audit log TAMPERED: it no longer verifies');
    if (result.ok && this.lastVerification && !this.lastVerification.ok)
      this.log.warn({ rows: result.rows }, 'audit log verifies again');
    this.lastVerification = result;
  }

  private anchor(at: string, rows: number, head: string): void {
    const checkpoint = signCheckpoint(this.key, at, rows, head);
    // The journal keeps its own copy, out of the reach of whoever can write the database.
    this.log.info({ checkpoint }, 'audit checkpoint');
    try {
      appendCheckpoint(this.dir, checkpoint);
      this.checkpoint = checkpoint;
    } catch (err) {
      this.log.error(
        { err: (err as Error).message, dir: this.dir },
        'audit checkpoint not written to its file',
      );
    }
  }
}
