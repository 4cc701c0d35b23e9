/** The hub's security parts over its database, composed once for the hub and for the CLI. */
import type { Fleet } from '../../shared/fleet.js';
import type { Db } from '../store/database.js';
import { AuditLog } from './audit-log.js';
import { LoginLimiter } from './login-limiter.js';
import { MqttCredentials } from './mqtt-credentials.js';
import { SessionStore } from './session-store.js';
import { UserStore } from './user-store.js';

export interface Security {
  audit: AuditLog;
  users: UserStore;
  sessions: SessionStore;
  credentials: MqttCredentials;
  limiter: LoginLimiter;
}

/** `fleet`: the rooms that have broker accounts and may have technicians. */
export function openSecurity(db: Db, fleet: Fleet, now: () => Date = () => new Date()): Security {
  const audit = new AuditLog(db, now);
  const users = new UserStore(db, audit, fleet, now);
  return {
    audit,
    users,
    sessions: new SessionStore(db, users, now),
    credentials: new MqttCredentials(db, audit, fleet, now),
    limiter: new LoginLimiter(undefined, now),
  };
}
