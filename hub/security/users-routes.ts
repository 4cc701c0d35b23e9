/**
 * The operators' user management: `GET /api/users`, `POST /api/users` (creates one and answers its
 * generated password, shown once), `PATCH /api/users/:username` (role and room), `POST
 * /api/users/:username/password` (a new generated password). Operators only; every change is in the
 * audit log with who made it (user-store.ts records it). A refusal carries a `code`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RouteModule } from '../api/http-api.js';
import { actorOf } from './access-guard.js';
import type { AuditLog } from './audit-log.js';
import { recordAnswer } from './audit-trail.js';
import { roles, UserError, type UserStore } from './user-store.js';

const userBody = z.strictObject({
  username: z.string().max(64),
  role: z.enum(roles),
  roomId: z.string().max(64).nullable().default(null),
});
const roleBody = userBody.omit({ username: true });

const statusOf: Record<UserError['code'], number> = {
  'bad-username': 400,
  'bad-role': 400,
  'bad-room': 400,
  'no-user': 404,
  'last-operator': 409,
};

const fieldOf: Partial<Record<UserError['code'], string>> = {
  'bad-username': 'username',
  'bad-role': 'role',
  'bad-room': 'roomId',
};

/**
 * The user store records each change it makes (`user.set`, `user.role`, `user.password-reset`), for
 * the CLI as for the dashboard; a refused request is recorded here, with its code.
 */
export function usersRoutes(users: UserStore, audit: Pick<AuditLog, 'record'>): RouteModule {
  const refuse = async (
    req: FastifyRequest,
    reply: FastifyReply,
    action: string,
    status: number,
    body: object,
  ) => {
    const params = req.params as { username?: string };
    const username = params.username ?? (req.body as { username?: unknown } | null)?.username;
    await recordAnswer(audit, req, action, typeof username === 'string' ? { username } : {}, status, body);
    return reply.code(status).send(body);
  };
  const refused = (req: FastifyRequest, reply: FastifyReply, action: string, err: unknown) => {
    if (!(err instanceof UserError)) throw err;
    return refuse(req, reply, action, statusOf[err.code], {
      error: err.message,
      code: err.code,
      field: fieldOf[err.code],
    });
  };
  const schemaError = (error: z.ZodError) => {
    const field = String(error.issues[0]?.path[0] ?? '(body)');
    return { error: `${field}: ${error.issues[0]?.message}`, field, code: 'schema' };
  };

  return (app) => {
    app.get('/api/users', { config: { access: 'operator' } }, async () => users.list());

    app.post('/api/users', { config: { access: 'operator', audit: 'self' } }, async (req, reply) => {
      const parsed = userBody.safeParse(req.body ?? {});
      if (!parsed.success) return refuse(req, reply, 'user.set', 400, schemaError(parsed.error));
      const user = { ...parsed.data, roomId: parsed.data.role === 'technician' ? parsed.data.roomId : null };
      // Creating never replaces: an existing user's password is reset on purpose, below.
      if (users.find(user.username))
        return refuse(req, reply, 'user.set', 409, {
          error: `user "${user.username}" exists`,
          code: 'user-exists',
          field: 'username',
        });
      try {
        const password = await users.set(user, actorOf(req));
        return reply.code(201).send({ ...user, password });
      } catch (err) {
        return refused(req, reply, 'user.set', err);
      }
    });

    app.patch<{ Params: { username: string } }>(
      '/api/users/:username',
      { config: { access: 'operator', audit: 'self' } },
      async (req, reply) => {
        const parsed = roleBody.safeParse(req.body ?? {});
        if (!parsed.success) return refuse(req, reply, 'user.role', 400, schemaError(parsed.error));
        const roomId = parsed.data.role === 'technician' ? parsed.data.roomId : null;
        try {
          return users.setRole(
            { username: req.params.username, role: parsed.data.role, roomId },
            actorOf(req),
          );
        } catch (err) {
          return refused(req, reply, 'user.role', err);
        }
      },
    );

    app.post<{ Params: { username: string } }>(
      '/api/users/:username/password',
      { config: { access: 'operator', audit: 'self' } },
      async (req, reply) => {
        try {
          return {
            username: req.params.username,
            password: await users.resetPassword(req.params.username, actorOf(req)),
          };
        } catch (err) {
          return refused(req, reply, 'user.password-reset', err);
        }
      },
    );
  };
}
