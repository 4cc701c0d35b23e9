/**
 * Reading the audit log for the operators' audit page: newest first, filtered by who, what (an
 * action or its family: `power` finds `power.on` and `power.off`) and the room an entry concerns
 * (its `details.roomId`), within a time range. It only reads the table audit-log.ts writes.
 */
import type { Sql } from '../store/sql.js';
import type { AuditEntry, AuditLog } from './audit-log.js';

export interface AuditFilter {
  actor?: string;
  /** An action, or the family before its dot. */
  action?: string;
  roomId?: string;
  /** ISO times; `to` excluded. */
  from?: string;
  to?: string;
  limit: number;
}

interface Row {
  id: number;
  at: string;
  actor: string;
  action: string;
  details: string;
  result: AuditEntry['result'];
  code: string | null;
  prev_hash: string;
  hash: string;
}

export class AuditQuery {
  constructor(
    private readonly sql: Sql,
    /** This hub's entries recorded and not yet stored are waited for: the page shows them. */
    private readonly pending: Pick<AuditLog, 'settled'>,
  ) {}

  async list(filter: AuditFilter): Promise<AuditEntry[]> {
    await this.pending.settled();
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.actor) {
      where.push('actor = ?');
      args.push(filter.actor);
    }
    if (filter.action) {
      where.push('(action = ? OR action LIKE ?)');
      args.push(filter.action, `${filter.action.replace(/[%_]/g, '')}.%`);
    }
    if (filter.roomId) {
      where.push(
        this.sql.dialect === 'pg'
          ? "CAST(details AS json) ->> 'roomId' = ?"
          : "json_extract(details, '$.roomId') = ?",
      );
      args.push(filter.roomId);
    }
    if (filter.from) {
      where.push('at >= ?');
      args.push(filter.from);
    }
    if (filter.to) {
      where.push('at < ?');
      args.push(filter.to);
    }
    const rows = await this.sql.all<Row>(
      `SELECT id, at, actor, action, details, result, code, prev_hash, hash FROM audit_log
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      [...args, filter.limit],
    );
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      details: JSON.parse(r.details) as Record<string, unknown>,
      result: r.result,
      code: r.code,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }

  /** Who appears in the log, for the page's filter. */
  async actors(): Promise<string[]> {
    await this.pending.settled();
    const rows = await this.sql.all<{ actor: string }>('SELECT DISTINCT actor FROM audit_log ORDER BY actor');
    return rows.map((r) => r.actor);
  }
}
