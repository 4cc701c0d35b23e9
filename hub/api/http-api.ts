/**
 * The hub's HTTP server: the API's route modules and the dashboard's static files. Every route
 * validates its input and answers a bad request with 400 `{error, field}`; an unknown thing is 404.
 * Security comes first: headers on every answer, and the access guard in front of every route.
 */
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../../shared/logger.js';
import { installAccessGuard, type RouteInfo } from '../security/access-guard.js';
import type { AuditLog } from '../security/audit-log.js';
import { installAuditTrail } from '../security/audit-trail.js';
import { installSecurityHeaders } from '../security/security-headers.js';
import type { SessionStore } from '../security/session-store.js';
import './access.js';

/** A part of the API: registers its routes, each declaring its `access` (and, changing state, its `audit`). */
export type RouteModule = (app: FastifyInstance) => void;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its declared access, as registered. */
    declaredRoutes: RouteInfo[];
  }
}

export function buildApi(
  log: Logger,
  sessions: SessionStore,
  routes: RouteModule[],
  options: { trustProxy?: boolean; audit?: Pick<AuditLog, 'record'> } = {},
): FastifyInstance {
  const app: FastifyInstance = Fastify({
    trustProxy: options.trustProxy ?? false,
    // Requests are logged at info; the hub's HTTP log keeps warnings and errors only.
    loggerInstance: log.child(
      { part: 'http' },
      { level: log.levelVal > 40 ? log.level : 'warn' },
    ) as FastifyBaseLogger,
  });
  installSecurityHeaders(app);
  app.decorate('declaredRoutes', installAccessGuard(app, sessions));
  if (options.audit) installAuditTrail(app, options.audit);
  for (const register of routes) register(app);

  // The dashboard's files (page, script, style, login page) are public; the data is behind the API.
  app.register(async (statics) => {
    statics.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await statics.register(fastifyStatic, {
      root: fileURLToPath(new URL('../web/static/', import.meta.url)),
      index: 'index.html',
    });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `no route ${req.method} ${req.url}` }),
  );
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) log.error({ err: err.message }, 'request failed');
    reply.code(status).send({ error: status === 500 ? 'internal error' : err.message });
  });
  return app;
}
