/**
 * Who may call what, decided from the route's declared access (hub/api/access.ts), the caller's
 * session, and the room the route acts on. Pure, so every role against every level is a table test.
 */
import type { Access } from '../api/access.js';
import type { Role, User } from './user-store.js';

/** Why a request was refused at the door; the dashboard translates it, the audit log records it. */
export type AccessRefusal = 'no-access-declared' | 'not-logged-in' | 'csrf' | 'role' | 'other-room';

export type AccessDecision =
  | { ok: true }
  | { ok: false; status: 401 | 403; code: AccessRefusal; error: string };

const rank: Record<Role, number> = { viewer: 1, technician: 2, operator: 3 };
const needed: Record<Exclude<Access, 'public'>, number> = { viewer: 1, technician: 2, operator: 3 };

/** Methods that change something, so need the session's CSRF token. */
export function changesState(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

export interface AccessQuestion {
  /** What the route declares; undefined when it forgot, which is refused (fail closed). */
  access: Access | undefined;
  user: User | null;
  method: string;
  /** Whether the request carried the session's CSRF token. */
  csrfOk: boolean;
  /** The room the route acts on (`:roomId`, or `:id` under /api/rooms/), if any. */
  roomId: string | undefined;
}

export function decideAccess(q: AccessQuestion): AccessDecision {
  if (q.access === undefined)
    return {
      ok: false,
      status: 403,
      code: 'no-access-declared',
      error: 'this route declares no access level, so nobody may call it',
    };
  if (q.access === 'public') return { ok: true };
  if (!q.user)
    return { ok: false, status: 401, code: 'not-logged-in', error: 'log in first (POST /api/login)' };
  if (changesState(q.method) && !q.csrfOk)
    return {
      ok: false,
      status: 403,
      code: 'csrf',
      error: 'missing or wrong x-csrf-token (from GET /api/session)',
    };
  if (rank[q.user.role] < needed[q.access])
    return {
      ok: false,
      status: 403,
      code: 'role',
      error: `a ${q.user.role} may not do this (needs ${q.access})`,
    };
  if (
    q.access === 'technician' &&
    q.user.role === 'technician' &&
    q.roomId !== undefined &&
    q.roomId !== q.user.roomId
  )
    return {
      ok: false,
      status: 403,
      code: 'other-room',
      error: `a technician acts on their own room (${q.user.roomId}) only`,
    };
  return { ok: true };
}

/**
 * For a route whose room is in its body rather than its URL: may this user act on that room?
 * (Operators on every room, technicians on their own; viewers on none.)
 */
export function mayActOnRoom(user: User, roomId: string): boolean {
  return user.role === 'operator' || (user.role === 'technician' && user.roomId === roomId);
}
