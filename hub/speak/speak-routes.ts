/**
 * `/api/speak`: the queues, a host room's session opened and closed by the operator, requests from
 * the dashboard, and the host's grant / finish / dismiss.
 */
import type { Fleet } from '../../shared/fleet.js';
import type { ActorOf } from '../api/actor.js';
import type { RouteModule } from '../api/http-api.js';
import { bodyFields } from '../security/audit-trail.js';
import type { SpeakAction } from './speak-queue.js';
import type { ServiceOutcome, SpeakService } from './speak-service.js';

const statusOf: Record<string, number> = {
  'not-found': 404,
  'bad-state': 409,
  'host-room': 409,
  'no-session': 409,
  forbidden: 403,
};

export function speakRoutes(speak: SpeakService, fleet: Fleet, actorOf: ActorOf): RouteModule {
  const roomIdOf = (body: unknown, field: string): string | { error: string; field: string } => {
    const value = (body as Record<string, unknown> | null)?.[field];
    if (typeof value !== 'string') return { error: `${field} is required`, field };
    if (!fleet.has(value)) return { error: `no room "${value}"`, field };
    return value;
  };

  const answer = (outcome: ServiceOutcome, reply: { code(n: number): { send(b: unknown): unknown } }) =>
    outcome.ok
      ? outcome.request
      : reply.code(statusOf[outcome.code] ?? 400).send({ error: outcome.error, code: outcome.code });

  return (app) => {
    app.get('/api/speak', { config: { access: 'viewer' } }, async () => speak.sessions());

    app.post(
      '/api/speak/host',
      {
        config: {
          access: 'operator',
          audit: { action: 'speak.open', details: (req) => bodyFields(req, ['hostRoomId']) },
        },
      },
      async (req, reply) => {
        const host = roomIdOf(req.body, 'hostRoomId');
        if (typeof host !== 'string') return reply.code(400).send(host);
        const actor = actorOf(req);
        if (actor?.role !== 'operator')
          return reply.code(403).send({ error: 'only an operator opens a session' });
        return reply.code(201).send(await speak.open(host, actor.name));
      },
    );

    app.delete<{ Params: { hostRoomId: string } }>(
      '/api/speak/host/:hostRoomId',
      { config: { access: 'operator', audit: { action: 'speak.close' } } },
      async (req, reply) => {
        if (actorOf(req)?.role !== 'operator')
          return reply.code(403).send({ error: 'only an operator closes a session' });
        if (!(await speak.close(req.params.hostRoomId))) {
          return reply
            .code(404)
            .send({ error: `no session hosted by "${req.params.hostRoomId}"`, field: 'hostRoomId' });
        }
        return reply.code(204).send();
      },
    );

    // The dashboard's speak button: a room's technician asks, or withdraws, for their own room.
    for (const action of ['request', 'cancel'] as const) {
      app.post(
        `/api/speak/${action}`,
        {
          config: {
            access: 'technician',
            audit: { action: `speak.${action}`, details: (req) => bodyFields(req, ['roomId']) },
          },
        },
        async (req, reply) => {
          const roomId = roomIdOf(req.body, 'roomId');
          if (typeof roomId !== 'string') return reply.code(400).send(roomId);
          const actor = actorOf(req);
          if (!(actor?.role === 'operator' || (actor?.role === 'technician' && actor.roomId === roomId))) {
            return reply
              .code(403)
              .send({ error: `only the technician of ${roomId} or an operator may ${action} for it` });
          }
          return answer(await (action === 'request' ? speak.request(roomId) : speak.cancel(roomId)), reply);
        },
      );
    }

    app.post<{ Params: { id: string; action: string } }>(
      '/api/speak/:id/:action',
      // `action` (grant, finish, dismiss) is among the route's parameters the audit row keeps.
      { config: { access: 'technician', audit: { action: 'speak.decide' } } },
      async (req, reply) => {
        const { id, action } = req.params;
        if (action !== 'grant' && action !== 'finish' && action !== 'dismiss') {
          return reply.code(400).send({ error: 'action must be grant, finish or dismiss', field: 'action' });
        }
        return answer(await speak.decide(id, action as SpeakAction, actorOf(req)), reply);
      },
    );
  };
}
