/**
 * The append-only audit log of what people (and the hub itself) do to the network: logins, power
 * commands, bookings, overrides, contact edits, incident acknowledgements, speak actions, user and
 * credential changes, each with its outcome (done, refused, failed), on the hub's store (SQLite or
 * the PostgreSQL its hubs share). Triggers refuse UPDATE and DELETE, so the hub cannot rewrite
 * history by mistake; against someone who can write the database:
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
 * Other parts call `audit.record(actor, action, details, outcome)`; see `record` and `AuditLog`.
 */
import { createHash, createHmac } from 'node:crypto';
import { systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Sql, SqlMigration } from '../store/sql.js';

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

/**
 * The table on both stores. SQLite's triggers refuse UPDATE and DELETE; PostgreSQL's refuse them
 * and TRUNCATE too. `id` is given by `record` (it is part of each row's MAC), not by the database.
 */
export const auditMigrations: SqlMigration[] = [
  {
    id: 'audit-1',
    sqlite: `
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
    pg: `
      CREATE TABLE audit_log (
        id bigint PRIMARY KEY,
        at text COLLATE "C" NOT NULL,
        actor text COLLATE "C" NOT NULL,
        action text COLLATE "C" NOT NULL,
        details text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    `,
  },
  {
    // Outcomes, and the HMAC (rows before this migration keep their plain hash, `keyed` 0).
    id: 'audit-2',
    sqlite: `
      ALTER TABLE audit_log ADD COLUMN result TEXT NOT NULL DEFAULT 'ok';
      ALTER TABLE audit_log ADD COLUMN code TEXT;
      ALTER TABLE audit_log ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
    `,
    pg: `
      ALTER TABLE audit_log
        ADD COLUMN result text COLLATE "C" NOT NULL DEFAULT 'ok',
        ADD COLUMN code text,
        ADD COLUMN keyed integer NOT NULL DEFAULT 0;
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

/** Rows read per query while walking the chain. */
const PAGE_ROWS = 500;

/**
 * `record` is asynchronous, and a caller on a synchronous path may not await it; so entries are
 * queued: each is appended after the one recorded before it (in this hub, entries keep the order
 * they were recorded in), and its promise is handled here as well, so a caller that does not await
 * never leaves an unhandled rejection. A failed append is logged and counted (`failures`); a caller
 * that awaits sees it too. Reads through this class first wait for the entries recorded before
 * them, so a hub reads what it recorded.
 *
 * Hubs sharing one PostgreSQL append to one chain: the append locks the table against other
 * appenders (readers are not held) before it reads the last row, so each row follows the one before
 * it whichever hub wrote that. Never await `record` inside another repository's transaction: on
 * SQLite the append waits for that transaction to end.
 */
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();
  private failed = 0;

  constructor(
    private readonly sql: Sql,
    private readonly key: Buffer,
    private readonly now: () => Date = systemClock.now,
    private readonly log?: Logger,
  ) {}

  /** Entries whose append failed since the hub started. */
  get failures(): number {
    return this.failed;
  }

  /**
   * Appends one entry, chained to the last one, and resolves with it once it is stored. `outcome`
   * says what became of the action (done unless told otherwise); a refusal or failure carries the
   * error code: `audit.record(actor, 'power.off', { roomId, reason }, { result: 'refused', code: 'in-call' })`.
   * The entry's time is when it was recorded, not when its turn to be appended came.
   */
  record(
    actor: string,
    action: string,
    details: Record<string, unknown> = {},
    outcome: AuditOutcome = AUDIT_OK,
  ): Promise<AuditEntry> {
    const at = this.now().toISOString();
    const entry = this.tail.then(() => this.append(at, actor, action, details, outcome));
    this.tail = entry.catch(() => {});
    entry.catch((err: unknown) => {
      this.failed++;
      this.log?.error({ err: (err as Error).message, actor, action, details }, 'audit row not written');
    });
    return entry;
  }

  /** Resolves once every entry recorded so far is stored (or has failed). */
  settled(): Promise<void> {
    return this.tail.then(() => {});
  }

  private append(
    at: string,
    actor: string,
    action: string,
    details: Record<string, unknown>,
    outcome: AuditOutcome,
  ): Promise<AuditEntry> {
    return this.sql.transaction(async (tx) => {
      // Before the transaction's first read, so the row read next is the last one committed: another
      // hub's append waits here until this one commits (on SQLite, BEGIN IMMEDIATE did that).
      if (tx.dialect === 'pg') await tx.run('LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE');
      const last = await tx.one<{ id: number; hash: string }>(
        'SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1',
      );
      const row = {
        id: (last?.id ?? 0) + 1,
        at,
        actor,
        action,
        details: JSON.stringify(details),
        result: outcome.result,
        code: outcome.code ?? null,
      };
      const prevHash = last?.hash ?? GENESIS;
      const hash = rowMac(this.key, row, prevHash);
      await tx.run(
        `INSERT INTO audit_log (id, at, actor, action, details, result, code, keyed, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
        [row.id, row.at, actor, action, row.details, row.result, row.code, prevHash, hash],
      );
      return { ...row, details, prevHash, hash };
    });
  }

  /** The latest entries, newest first. */
  async list(limit: number): Promise<AuditEntry[]> {
    await this.settled();
    const rows = await this.sql.all<Row>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?', [limit]);
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
  async hashAt(id: number): Promise<string | null> {
    await this.settled();
    const row = await this.sql.one<{ hash: string }>('SELECT hash FROM audit_log WHERE id = ?', [id]);
    return row?.hash ?? null;
  }

  /**
   * Walks the chain (from the start, or on from a row verified before; at most `maxRows` rows, so
   * the running hub can walk a long chain in slices): every row must carry the MAC of its content
   * and of the row before it, and follow it without a gap. The first row that does not is named.
   */
  async verify(from?: VerifyFrom, maxRows = Number.POSITIVE_INFINITY): Promise<AuditVerdict> {
    await this.settled();
    let prev = from?.hash ?? GENESIS;
    let expectedId = (from?.id ?? 0) + 1;
    let rows = from?.id ?? 0;
    let unkeyedRows = 0;
    let keyedSeen = from !== undefined && from.id > 0 && (await this.isKeyed(from.id));
    const bad = (r: Row, reason: string) => ({ ok: false as const, rows, badId: r.id, reason });
    let walked = 0;
    for (;;) {
      // One row more than the slice needs: it tells whether the chain goes on after the slice.
      const wanted = Math.min(PAGE_ROWS, maxRows - walked + 1);
      const page = await this.sql.all<Row>('SELECT * FROM audit_log WHERE id >= ? ORDER BY id LIMIT ?', [
        expectedId,
        wanted,
      ]);
      for (const r of page) {
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
      if (page.length < wanted) break;
    }
    return { ok: true, rows, head: prev, unkeyedRows, complete: true };
  }

  private async isKeyed(id: number): Promise<boolean> {
    const row = await this.sql.one<{ keyed: number }>('SELECT keyed FROM audit_log WHERE id = ?', [id]);
    return row?.keyed === 1;
  }
}
