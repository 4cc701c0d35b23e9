/** `POST /api/login`, `POST /api/logout`, `GET /api/session`. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from '../api/http-api.js';
import { actorOf, SESSION_COOKIE, sessionToken } from './access-guard.js';
import type { AuditLog } from './audit-log.js';
import { type LoginLimiter, MAX_USERNAME_CHARS } from './login-limiter.js';
import { SESSION_TTL_MS, type Session, type SessionStore } from './session-store.js';
import type { Role, UserStore } from './user-store.js';

export interface SessionRouteDeps {
  users: UserStore;
  sessions: SessionStore;
  limiter: LoginLimiter;
  audit: AuditLog;
}

function cookie(req: FastifyRequest, value: string, maxAgeSec: number): string {
  // Secure whenever the browser reached us over HTTPS (directly or through a proxy fastify trusts).
  const secure = req.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}${secure}`;
}

/** What `GET /api/session` and a login answer: who is logged in, as the dashboard keeps it. */
export interface SessionInfo {
  username: string;
  role: Role;
  roomId: string | null;
  csrfToken: string;
  expiresAt: string;
}

function describe(session: Session): SessionInfo {
  const { username, role, roomId } = session.user;
  return { username, role, roomId, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

function badField(reply: FastifyReply, field: string, error: string) {
  return reply.code(400).send({ error, field, rule: 'required' });
}

export function sessionRoutes(deps: SessionRouteDeps): RouteModule {
  const { users, sessions, limiter, audit } = deps;
  return (app) => {
    app.post<{ Body: { username?: unknown; password?: unknown } }>(
      '/api/login',
      // Recorded by the handler: the actor is the username tried, there is no session yet.
      { config: { access: 'public', audit: 'self' } },
      async (req, reply) => {
        const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
        if (typeof username !== 'string' || username === '')
          return badField(reply, 'username', 'username is required (a string)');
        if (typeof password !== 'string' || password === '')
          return badField(reply, 'password', 'password is required (a string)');
        // Refused before it is hashed, used as a key or written anywhere: no account has such a name.
        if (username.length > MAX_USERNAME_CHARS)
          return reply.code(400).send({
            error: `a username is at most ${MAX_USERNAME_CHARS} characters`,
            code: 'username-too-long',
            field: 'username',
            rule: 'max-length',
          });
        const verdict = await limiter.admit(req.ip, username);
        if (!verdict.allowed) {
          const retryAfterSec = Math.ceil(verdict.retryAfterMs / 1000);
          return reply
            .code(429)
            .header('retry-after', String(retryAfterSec))
            .send({
              error:
                verdict.reason === 'account-throttled'
                  ? `too many failed logins for this user from this address; try again in ${retryAfterSec} s`
                  : `too many logins waiting from this address; try again in ${retryAfterSec} s`,
              code: verdict.reason,
            });
        }
        const user = await users.check(username, password);
        if (!user) {
          limiter.fail(req.ip, username);
          await audit.record(username, 'login.failed', { address: req.ip });
          return reply.code(401).send({ error: 'wrong username or password', code: 'wrong-credentials' });
        }
        limiter.succeed(req.ip, username);
        const { token, session } = sessions.open(user);
        await audit.record(user.username, 'login', { address: req.ip });
        return reply.header('set-cookie', cookie(req, token, SESSION_TTL_MS / 1000)).send(describe(session));
      },
    );

    app.post('/api/logout', { config: { access: 'viewer', audit: 'self' } }, async (req, reply) => {
      const token = sessionToken(req.headers.cookie);
      if (token) sessions.close(token);
      await audit.record(actorOf(req), 'logout', {});
      return reply.header('set-cookie', cookie(req, '', 0)).send({ ok: true });
    });

    app.get('/api/session', { config: { access: 'viewer' } }, async (req) => describe(req.session!));
  };
}
