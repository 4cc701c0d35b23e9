/**
 * The hub's HTTP API and the dashboard's static files. Every route validates its input and answers
 * a bad request with 400 `{error, field}`; an unknown room is 404.
 */
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../../shared/logger.js';
import type { FleetState } from '../fleet-state.js';
import type { IngestCounters } from '../ingest/ingest.js';
import type { HubStore } from '../store/store.js';

export interface ApiDeps {
  fleet: FleetState;
  store: HubStore;
  health: () => {
    broker: { mode: 'embedded' | 'external'; port?: number; url?: string };
    mqttConnected: boolean;
    ingest: IngestCounters;
    wsClients: number;
  };
  log: Logger;
}

const startedAt = Date.now();

export function buildApi(deps: ApiDeps): FastifyInstance {
  const app: FastifyInstance = Fastify({
    // Requests are logged at info; the hub's HTTP log keeps warnings and errors only.
    loggerInstance: deps.log.child(
      { part: 'http' },
      { level: deps.log.levelVal > 40 ? deps.log.level : 'warn' },
    ) as FastifyBaseLogger,
  });

  app.get('/api/health', async () => {
    const rooms = deps.fleet.views();
    return {
      status: 'ok',
      uptimeSec: Math.round((Date.now() - startedAt) / 1000),
      rooms: { total: rooms.length, online: rooms.filter((r) => r.online).length },
      ...deps.health(),
    };
  });

  app.get('/api/rooms', async () => deps.fleet.views());

  app.get<{ Params: { id: string } }>('/api/rooms/:id', async (req, reply) => {
    const view = deps.fleet.view(req.params.id);
    if (!view) return reply.code(404).send({ error: `no room "${req.params.id}"`, field: 'id' });
    return view;
  });

  app.get<{ Params: { id: string }; Querystring: { limit?: string } }>(
    '/api/rooms/:id/events',
    async (req, reply) => {
      if (!deps.fleet.has(req.params.id))
        return reply.code(404).send({ error: `no room "${req.params.id}"`, field: 'id' });
      const raw = req.query.limit ?? '50';
      const limit = Number(raw);
      if (!/^\d+$/.test(raw) || limit < 1 || limit > 1000) {
        return reply.code(400).send({ error: 'limit must be a whole number from 1 to 1000', field: 'limit' });
      }
      return deps.store.listEvents(req.params.id, limit);
    },
  );

  app.register(fastifyStatic, {
    root: fileURLToPath(new URL('../web/static/', import.meta.url)),
    index: 'index.html',
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `no route ${req.method} ${req.url}` }),
  );
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.log.error({ err: err.message }, 'request failed');
    reply.code(status).send({ error: status === 500 ? 'internal error' : err.message });
  });
  return app;
}
