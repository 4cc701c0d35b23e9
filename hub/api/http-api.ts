/**
 * The hub's HTTP server: the API's route modules and the dashboard's static files. Every route
 * validates its input and answers a bad request with 400 `{error, field}`; an unknown thing is 404.
 */
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../../shared/logger.js';
import './access.js';

/** A part of the API: registers its routes, each declaring its `access`. */
export type RouteModule = (app: FastifyInstance) => void;

export function buildApi(log: Logger, routes: RouteModule[]): FastifyInstance {
  const app: FastifyInstance = Fastify({
    // Requests are logged at info; the hub's HTTP log keeps warnings and errors only.
    loggerInstance: log.child(
      { part: 'http' },
      { level: log.levelVal > 40 ? log.level : 'warn' },
    ) as FastifyBaseLogger,
  });
  for (const register of routes) register(app);

  app.register(fastifyStatic, {
    root: fileURLToPath(new URL('../web/static/', import.meta.url)),
    index: 'index.html',
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
