/**
 * The append-only audit log of what people (and the hub itself) do to the network: logins, power
 * commands, bookings, overrides, contact edits, incident acknowledgements, speak actions, user and
 * credential changes, each with its outcome (done, refused, failed). SQLite triggers refuse UPDATE
 * and DELETE, so the hub cannot rewrite history by mistake; against someone who can write the
 * database file:
 *
 * - each row carries an HMAC-SHA256 of its fields and of the row before it, keyed with a secret
 *   kept outside the database (audit-key.ts): a row changed, inserted or removed breaks the chain,
 *   and the chain cannot be computed again without the key;
 * - deleting the newest rows leaves a shorter chain that is still whole; that is caught against the
 *   signed checkpoints (row count and head) the hub writes outside the database (audit-anchor.ts).
 *
 * Rows written before the key existed (plain SHA-256, `keyed = 0`) stay verifiable as such, but only
 * as the start of the chain: an unkeyed row after a keyed one is tampering.
 *
 * Other parts call `audit.record(actor, action, details, outcome)`; see `record`.
 */
import { createHash, createHmac } from 'node:crypto';
import { systemClock } from '../../shared/clock.js';
import { applyMigrations, type Db } from '../store/database.js';

export type AuditResult = 'ok' | 'refused' | 'failed';

/** What became of the action: done (`ok`), refused by a rule or a person's rights, or failed. */
export interface AuditOutcome {
  result: AuditResult;
  /** Why, when refused or failed: the error code the API answered with (`in-call`, `forbidden`). */
  code?: string;
}

export const AUDIT_OK: AuditOutcome = { result: 'ok' };

export interface AuditEntry {
  id: number;
  at: string;
  /** Who did it: a dashboard username, `cli`, or `system`. */
  actor: string;
  /** What, dotted: `login`, `login.failed`, `credentials.issue`, `power.off`, `contact.set`. */
  action: string;
  details: Record<string, unknown>;
  result: AuditResult;
  code: string | null;
  prevHash: string;
  hash: string;
}

export type AuditVerdict =
  | {
      ok: true;
      rows: number;
      /** The last row's hash (its HMAC): what a checkpoint pins. */
      head: string;
      /** Rows from before the key (plain SHA-256), all at the start. */
      unkeyedRows: number;
      /** False when the walk stopped at `maxRows` with more rows after it. */
      complete: boolean;
    }
  | { ok: false; rows: number; badId: number; reason: string };

export const GENESIS = '0'.repeat(64);
/** Names the MAC's input layout, so that a later layout cannot be confused with this one. */
const MAC_SCHEME = 'hnth-audit-1';

const migrations = [
  {
    id: 'audit-1',
    sql: `
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    // Outcomes, and the HMAC (rows before this migration keep their plain hash, `keyed` 0).
    id: 'audit-2',
    sql: `
      ALTER TABLE audit_log ADD COLUMN result TEXT NOT NULL DEFAULT 'ok';
      ALTER TABLE audit_log ADD COLUMN code TEXT;
      ALTER TABLE audit_log ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
    `,
  },
];

interface Row {
  id: number;
  at: string;
  actor: string;
  action: string;
  details: string;
  result: AuditResult;
  code: string | null;
  keyed: number;
  prev_hash: string;
  hash: string;
}

/** The plain hash of a row written before the key existed (migration `audit-1`). */
export function unkeyedRowHash(
  id: number,
  at: string,
  actor: string,
  action: string,
  details: string,
  prev: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify([id, at, actor, action, details, prev]))
    .digest('hex');
}

/** The HMAC a row must carry: over its own fields and the MAC of the row before it. */
export function rowMac(
  key: Buffer,
  row: Pick<Row, 'id' | 'at' | 'actor' | 'action' | 'details' | 'result' | 'code'>,
  prev: string,
): string {
  return createHmac('sha256', key)
    .update(
      JSON.stringify([
        MAC_SCHEME,
        row.id,
        row.at,
        row.actor,
        row.action,
        row.details,
        row.result,
        row.code,
        prev,
      ]),
    )
    .digest('hex');
}

/** Where a verification starts: after a row already verified (its id and hash), or at the start. */
export interface VerifyFrom {
  id: number;
  hash: string;
}

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly key: Buffer,
    private readonly now: () => Date = systemClock.now,
  ) {
    applyMigrations(db, migrations);
  }

  /**
   * Appends one entry, chained to the last one, and returns it. `outcome` says what became of the
   * action (done unless told otherwise); a refusal or failure carries the error code:
   * `audit.record(actor, 'power.off', { roomId, reason }, { result: 'refused', code: 'in-call' })`.
   */
  record(
    actor: string,
    action: string,
    details: Record<string, unknown> = {},
    outcome: AuditOutcome = AUDIT_OK,
  ): AuditEntry {
    return this.db.transaction(() => {
      const last = this.db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
        | { id: number; hash: string }
        | undefined;
      const row = {
        id: (last?.id ?? 0) + 1,
        at: this.now().toISOString(),
        actor,
        action,
        details: JSON.stringify(details),
        result: outcome.result,
        code: outcome.code ?? null,
      };
      const prevHash = last?.hash ?? GENESIS;
      const hash = rowMac(this.key, row, prevHash);
      this.db
        .prepare(
          `INSERT INTO audit_log (id, at, actor, action, details, result, code, keyed, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
        )
        .run(row.id, row.at, actor, action, row.details, row.result, row.code, prevHash, hash);
      return { ...row, details, prevHash, hash };
    })();
  }

  /** The latest entries, newest first. */
  list(limit: number): AuditEntry[] {
    const rows = this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      details: JSON.parse(r.details),
      result: r.result,
      code: r.code,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }

  /** The hash of row `id`, or null when there is no such row (a checkpoint's head is compared to it). */
  hashAt(id: number): string | null {
    const row = this.db.prepare('SELECT hash FROM audit_log WHERE id = ?').get(id) as
      | { hash: string }
      | undefined;
    return row?.hash ?? null;
  }

  /**
   * Walks the chain (from the start, or on from a row verified before; at most `maxRows` rows, so
   * the running hub can walk a long chain in slices): every row must carry the MAC of its content
   * and of the row before it, and follow it without a gap. The first row that does not is named.
   */
  verify(from?: VerifyFrom, maxRows = Number.POSITIVE_INFINITY): AuditVerdict {
    let prev = from?.hash ?? GENESIS;
    let expectedId = (from?.id ?? 0) + 1;
    let rows = from?.id ?? 0;
    let unkeyedRows = 0;
    let keyedSeen = from !== undefined && from.id > 0 && this.isKeyed(from.id);
    const bad = (r: Row, reason: string) => ({ ok: false as const, rows, badId: r.id, reason });
    const statement = this.db.prepare('SELECT * FROM audit_log WHERE id >= ? ORDER BY id');
    let walked = 0;
    for (const r of statement.iterate(expectedId) as Iterable<Row>) {
      if (walked++ === maxRows) return { ok: true, rows, head: prev, unkeyedRows, complete: false };
      if (r.id !== expectedId) return bad(r, `row ${expectedId} is missing`);
      if (r.prev_hash !== prev) return bad(r, 'does not follow the row before it');
      if (r.keyed) {
        if (rowMac(this.key, r, r.prev_hash) !== r.hash)
          return bad(r, 'its content does not match its HMAC (changed, or keyed with another key)');
        keyedSeen = true;
      } else {
        if (keyedSeen) return bad(r, 'an unkeyed row after keyed ones');
        if (r.result !== 'ok' || r.code !== null) return bad(r, 'an unkeyed row with an outcome');
        if (unkeyedRowHash(r.id, r.at, r.actor, r.action, r.details, r.prev_hash) !== r.hash)
          return bad(r, 'its content does not match its hash');
        unkeyedRows++;
      }
      prev = r.hash;
      expectedId++;
      rows++;
    }
    return { ok: true, rows, head: prev, unkeyedRows, complete: true };
  }

  private isKeyed(id: number): boolean {
    const row = this.db.prepare('SELECT keyed FROM audit_log WHERE id = ?').get(id) as
      | { keyed: number }
      | undefined;
    return row?.keyed === 1;
  }
}
