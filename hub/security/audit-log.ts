/**
 * The append-only audit log of what people do to the network: power commands, bookings,
 * overrides, credential changes, logins. Each row carries the hash of the row before it, so a row
 * changed or removed after the fact breaks the chain and `hnth-hub audit verify` names it; SQLite
 * triggers refuse UPDATE and DELETE so the hub itself cannot rewrite history by mistake.
 *
 * Other parts call `audit.record(actor, action, details)`, e.g.
 * `audit.record(actorOf(req), 'power.off', { roomId })`.
 */
import { createHash } from 'node:crypto';
import { applyMigrations, type Db } from '../store/database.js';

export interface AuditEntry {
  id: number;
  at: string;
  /** Who did it: a dashboard username, `cli`, or `system`. */
  actor: string;
  /** What, dotted: `login`, `login.failed`, `credentials.issue`, `power.off`, `booking.create`. */
  action: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type AuditVerdict =
  /** `head`: the last row's hash; written down elsewhere, it also exposes a chain rewritten from start to end. */
  { ok: true; rows: number; head: string } | { ok: false; rows: number; badId: number; reason: string };

const GENESIS = '0'.repeat(64);

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
];

interface Row {
  id: number;
  at: string;
  actor: string;
  action: string;
  details: string;
  prev_hash: string;
  hash: string;
}

/** The hash a row must carry: over its own fields and the hash of the row before it. */
export function rowHash(
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

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    applyMigrations(db, migrations);
  }

  /** Appends one entry, chained to the last one. */
  record(actor: string, action: string, details: Record<string, unknown> = {}): AuditEntry {
    return this.db.transaction(() => {
      const last = this.db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
        | { id: number; hash: string }
        | undefined;
      const id = (last?.id ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS;
      const at = this.now().toISOString();
      const text = JSON.stringify(details);
      const hash = rowHash(id, at, actor, action, text, prevHash);
      this.db
        .prepare(
          'INSERT INTO audit_log (id, at, actor, action, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(id, at, actor, action, text, prevHash, hash);
      return { id, at, actor, action, details, prevHash, hash };
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
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }

  /**
   * Walks the whole chain: every row must hash to what it says, point at the row before it, and
   * follow it without a gap. The first row that does not is named.
   */
  verify(): AuditVerdict {
    let prev = GENESIS;
    let expectedId = 1;
    let rows = 0;
    for (const r of this.db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<Row>) {
      if (r.id !== expectedId)
        return { ok: false, rows, badId: r.id, reason: `row ${expectedId} is missing` };
      if (r.prev_hash !== prev)
        return { ok: false, rows, badId: r.id, reason: 'does not follow the row before it' };
      if (rowHash(r.id, r.at, r.actor, r.action, r.details, r.prev_hash) !== r.hash)
        return { ok: false, rows, badId: r.id, reason: 'its content does not match its hash' };
      prev = r.hash;
      expectedId++;
      rows++;
    }
    return { ok: true, rows, head: prev };
  }
}
