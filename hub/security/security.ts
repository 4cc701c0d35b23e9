/** The hub's security parts over its database, composed once for the hub and for the CLI. */
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

export function openSecurity(db: Db, now: () => Date = () => new Date()): Security {
  const audit = new AuditLog(db, now);
  const users = new UserStore(db, audit, now);
  return {
    audit,
    users,
    sessions: new SessionStore(db, users, now),
    credentials: new MqttCredentials(db, audit, now),
    limiter: new LoginLimiter(undefined, now),
  };
}
