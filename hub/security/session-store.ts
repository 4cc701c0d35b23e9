/**
 * Dashboard sessions. The browser holds a random token in an HttpOnly cookie; the hub stores only
 * its SHA-256, so a copy of the database does not let anyone in. Each session has its own CSRF
 * token, which the dashboard sends back in `x-csrf-token` on every state-changing request.
 * The table is created with the users' (user-store.ts), since changing a user ends their sessions.
 */
import { createHash, randomBytes } from 'node:crypto';
import { systemClock } from '../../shared/clock.js';
import type { Db } from '../store/database.js';
import type { User, UserStore } from './user-store.js';

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
    private readonly db: Db,
    private readonly users: UserStore,
    private readonly now: () => Date = systemClock.now,
  ) {}

  /** Opens a session; the token goes into the cookie and nowhere else. */
  open(user: User): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now.toISOString());
    this.db
      .prepare(
        'INSERT INTO sessions (token_hash, username, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(digest(token), user.username, csrfToken, now.toISOString(), expiresAt);
    return { token, session: { user, csrfToken, expiresAt } };
  }

  /** The live session of this token, with the user as they are now (role changes apply at once). */
  find(token: string): Session | null {
    const row = this.db
      .prepare('SELECT username, csrf_token, expires_at FROM sessions WHERE token_hash = ?')
      .get(digest(token)) as { username: string; csrf_token: string; expires_at: string } | undefined;
    if (!row || row.expires_at <= this.now().toISOString()) return null;
    const user = this.users.find(row.username);
    return user ? { user, csrfToken: row.csrf_token, expiresAt: row.expires_at } : null;
  }

  close(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(digest(token));
  }
}
