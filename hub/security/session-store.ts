/**
 * Dashboard sessions. The browser holds a random token in an HttpOnly cookie; the hub stores only
 * its SHA-256, so a copy of the database does not let anyone in. Each session has its own CSRF
 * token, which the dashboard sends back in `x-csrf-token` on every state-changing request.
 * The table is created with the users' (user-store.ts), since changing a user ends their sessions.
 * On PostgreSQL every hub of the group reads the same sessions: a login on one works on all.
 */
import { createHash, randomBytes } from 'node:crypto';
import { systemClock } from '../../shared/clock.js';
import type { Sql } from '../store/sql.js';
import type { Role, User } from './user-store.js';

/** A working day and some: an operator logs in once per shift. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface Session {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export class SessionStore {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => Date = systemClock.now,
  ) {}

  /** Opens a session; the token goes into the cookie and nowhere else. */
  async open(user: User): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
    await this.sql.run('DELETE FROM sessions WHERE expires_at <= ?', [now.toISOString()]);
    await this.sql.run(
      'INSERT INTO sessions (token_hash, username, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      [digest(token), user.username, csrfToken, now.toISOString(), expiresAt],
    );
    return { token, session: { user, csrfToken, expiresAt } };
  }

  /** The live session of this token, with the user as they are now (role changes apply at once). */
  async find(token: string): Promise<Session | null> {
    const row = await this.sql.one<{
      username: string;
      role: Role;
      room_id: string | null;
      csrf_token: string;
      expires_at: string;
    }>(
      `SELECT u.username, u.role, u.room_id, s.csrf_token, s.expires_at
       FROM sessions s JOIN users u ON u.username = s.username
       WHERE s.token_hash = ? AND s.expires_at > ?`,
      [digest(token), this.now().toISOString()],
    );
    return row
      ? {
          user: { username: row.username, role: row.role, roomId: row.room_id },
          csrfToken: row.csrf_token,
          expiresAt: row.expires_at,
        }
      : null;
  }

  async close(token: string): Promise<void> {
    await this.sql.run('DELETE FROM sessions WHERE token_hash = ?', [digest(token)]);
  }
}
