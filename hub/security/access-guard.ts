/**
 * The ONE place the API's access rules are enforced: an `onRequest` hook on every route that reads
 * the route's declared `config.access`, the session cookie and the CSRF header, and answers 401/403
 * before any handler runs. Routes that forget to declare their access are refused (fail closed).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Access } from '../api/access.js';
import { decideAccess } from './access-decision.js';
import type { AuditDeclaration } from './audit-trail.js';
import type { Session, SessionStore } from './session-store.js';
import type { User } from './user-store.js';

export const SESSION_COOKIE = 'hnth_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in session, or null on a public route called without one. */
    session: Session | null;
  }
}

export interface RouteInfo {
  method: string;
  url: string;
  access: Access | undefined;
  /** How its requests reach the audit log (hub/security/audit-trail.ts); undefined when undeclared. */
  audit: AuditDeclaration | undefined;
}

/** The session token from a Cookie header. */
export function sessionToken(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

/** The session of a request, if its cookie names a live one. */
async function sessionOf(req: IncomingMessage, sessions: SessionStore): Promise<Session | null> {
  const token = sessionToken(req.headers.cookie);
  return token ? sessions.find(token) : null;
}

/** Who did it, for the audit log. */
export function actorOf(req: FastifyRequest): string {
  return req.session?.user.username ?? 'anonymous';
}

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function roomOf(req: FastifyRequest): string | undefined {
  const params = (req.params ?? {}) as Record<string, string | undefined>;
  if (params.roomId !== undefined) return params.roomId;
  return req.routeOptions.url?.startsWith('/api/rooms/:id') ? params.id : undefined;
}

/**
 * Installs the guard; returns the table of every route registered afterwards with its declared
 * access (the test that proves every route is covered walks it).
 */
export function installAccessGuard(app: FastifyInstance, sessions: SessionStore): RouteInfo[] {
  const table: RouteInfo[] = [];
  app.decorateRequest('session', null);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // Read when asked: a plugin's own onRoute hook (the static files') may declare it after this one.
    for (const method of methods)
      table.push({
        method,
        url: route.url,
        get access() {
          return (route.config as { access?: Access } | undefined)?.access;
        },
        get audit() {
          return (route.config as { audit?: AuditDeclaration } | undefined)?.audit;
        },
      });
  });
  app.addHook('onReady', async () => {
    for (const r of table)
      if (r.access === undefined)
        app.log.error({ method: r.method, url: r.url }, 'route declares no access; it refuses every call');
  });
  app.addHook('onRequest', async (req, reply) => {
    // An unknown URL answers 404 the same to everyone; there is nothing behind it to protect.
    if (req.is404) return;
    req.session = await sessionOf(req.raw, sessions);
    const user: User | null = req.session?.user ?? null;
    const decision = decideAccess({
      access: req.routeOptions.config.access,
      user,
      method: req.method,
      csrfOk: req.session !== null && sameToken(req.headers['x-csrf-token'], req.session.csrfToken),
      roomId: roomOf(req),
    });
    if (!decision.ok) return reply.code(decision.status).send({ error: decision.error, code: decision.code });
  });
  return table;
}
