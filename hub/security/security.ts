/**
 * The hub's security parts, composed once for the hub and for the CLI: the audit log and the accounts
 * on the relational store (shared by the hub group on PostgreSQL).
 */
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { Logger } from '../../shared/logger.js';
import type { Sql, SqlMigration } from '../store/sql.js';
import { AuditLog, auditMigrations } from './audit-log.js';
import { LoginLimiter } from './login-limiter.js';
import { MqttCredentials, mqttCredentialsMigrations } from './mqtt-credentials.js';
import { SessionStore } from './session-store.js';
import { UserStore, userMigrations } from './user-store.js';

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
  /** Where an audit row that could not be written is reported. */
  log?: Logger;
}

/** The tables of the parts on the relational store; applied before openSecurity. */
export const securityMigrations: readonly SqlMigration[] = [
  ...auditMigrations,
  ...userMigrations,
  ...mqttCredentialsMigrations,
];

/**
 * `sql`: the relational store, migrated with securityMigrations. `fleet`: the rooms that have
 * broker accounts and may have technicians.
 */
export function openSecurity(sql: Sql, fleet: Fleet, options: SecurityOptions = {}): Security {
  const clock = options.clock ?? systemClock;
  const now = clock.now;
  const auditKey = options.auditKey ?? randomBytes(32);
  const audit = new AuditLog(sql, auditKey, now, options.log);
  const users = new UserStore(sql, audit, fleet, now);
  return {
    audit,
    auditKey,
    users,
    sessions: new SessionStore(sql, now),
    credentials: new MqttCredentials(sql, audit, fleet, now),
    limiter: new LoginLimiter(undefined, clock),
  };
}
