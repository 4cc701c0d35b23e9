/** The hub's security parts over its database, composed once for the hub and for the CLI. */
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { Logger } from '../../shared/logger.js';
import type { Db } from '../store/database.js';
import { type Sql, SqliteSql } from '../store/sql.js';
import { AuditLog, auditMigrations } from './audit-log.js';
import { LoginLimiter } from './login-limiter.js';
import { MqttCredentials } from './mqtt-credentials.js';
import { SessionStore } from './session-store.js';
import { UserStore } from './user-store.js';

export interface Security {
  audit: AuditLog;
  /** The key the audit log is kept with: the checkpoints are signed with it too. */
  auditKey: Buffer;
  users: UserStore;
  sessions: SessionStore;
  credentials: MqttCredentials;
  limiter: LoginLimiter;
}

export interface SecurityOptions {
  /** The hub's one clock: the times recorded, and the waits of slowed logins. */
  clock?: Clock;
  /**
   * The audit log's key, from the file outside the data folder (audit-key.ts). The hub and the
   * command line always give it; without it a throwaway key is made, for tests that need no audit.
   */
  auditKey?: Buffer;
  /**
   * The store the audit log is kept on, already migrated (the hub's relational store: its SQLite
   * file or its PostgreSQL). Without it, `db` is, migrated here: for the command line's SQLite and tests.
   */
  sql?: Sql;
  /** Where an audit row that could not be written is reported. */
  log?: Logger;
}

/** `fleet`: the rooms that have broker accounts and may have technicians. */
export function openSecurity(db: Db, fleet: Fleet, options: SecurityOptions = {}): Security {
  const clock = options.clock ?? systemClock;
  const now = clock.now;
  const auditKey = options.auditKey ?? randomBytes(32);
  const audit = new AuditLog(options.sql ?? migratedSqlite(db), auditKey, now, options.log);
  const users = new UserStore(db, audit, fleet, now);
  return {
    audit,
    auditKey,
    users,
    sessions: new SessionStore(db, users, now),
    credentials: new MqttCredentials(db, audit, fleet, now),
    limiter: new LoginLimiter(undefined, clock),
  };
}

function migratedSqlite(db: Db): Sql {
  const sql = new SqliteSql(db);
  sql.migrate(auditMigrations);
  return sql;
}
