/**
 * `POST /api/rehearsals` ("rehearse now", operator): a meeting's rooms, checked until its deadline,
 * or any set of rooms, checked once. `GET /api/rehearsals/:id` (viewer): the full matrix.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { RouteModule } from '../api/http-api.js';
import { bodyFields } from '../security/audit-trail.js';
import type { MeetingsRepo } from './meetings-repo.js';
import { rehearsalReport } from './rehearsal-report.js';
import type { RehearsalRunner } from './rehearsal-runner.js';
import { type RehearsalPlanner, rehearsalDeadline } from './rehearsals.js';
import type { RehearsalsRepo } from './rehearsals-repo.js';
import { badRequest } from './request-error.js';

export interface RehearsalsRoutesDeps {
  runner: Pick<RehearsalRunner, 'start'>;
  planner: Pick<RehearsalPlanner, 'planned'>;
  meetings: MeetingsRepo;
  rehearsals: RehearsalsRepo;
  fleet: Fleet;
  deadlineH: number;
  now?: () => Date;
}

const rehearseNow = z.union([
  z.strictObject({ meetingId: z.string().min(1).max(64) }),
  z.strictObject({ roomIds: z.array(z.string().min(1).max(64)).min(1).max(1000) }),
]);

export function rehearsalsRoutes(deps: RehearsalsRoutesDeps): RouteModule {
  const now = deps.now ?? systemClock.now;
  return (app) => {
    const audit = {
      action: 'rehearsal.start',
      details: (req: FastifyRequest) => bodyFields(req, ['meetingId']),
    };
    app.post('/api/rehearsals', { config: { access: 'operator', audit } }, async (req, reply) => {
      const parsed = rehearseNow.safeParse(req.body);
      if (!parsed.success)
        return reply.code(400).send({
          ...badRequest(parsed.error),
          error: 'body must be {meetingId} or {roomIds: [...]}',
        });
      if ('meetingId' in parsed.data) {
        const m = await deps.meetings.get(parsed.data.meetingId);
        if (m?.status !== 'scheduled')
          return reply
            .code(404)
            .send({ error: `no scheduled meeting "${parsed.data.meetingId}"`, field: 'meetingId' });
        const deadline = rehearsalDeadline(new Date(m.start), deps.deadlineH);
        const r = await deps.runner.start({
          kind: 'rehearsal',
          meetingId: m.id,
          slot: 'now',
          roomIds: m.roomIds,
          hostRoomId: m.hostRoomId,
          deadline: deadline.getTime() > now().getTime() ? deadline : null,
        });
        return reply.code(202).send(r);
      }
      const roomIds = [...new Set(parsed.data.roomIds)];
      const unknown = roomIds.find((id) => !deps.fleet.has(id));
      if (unknown !== undefined)
        return reply.code(400).send({
          error: `no room "${unknown}" in the network`,
          field: 'roomIds',
          rule: 'rooms-exist',
          article: '2.2',
        });
      const r = await deps.runner.start({
        kind: 'rehearsal',
        meetingId: null,
        slot: 'now',
        roomIds,
        hostRoomId: null,
        deadline: null,
      });
      return reply.code(202).send(r);
    });

    // A room's test calls and line tests, newest first (art. 9.3; the room page and its history).
    app.get<{ Params: { id: string }; Querystring: { limit?: string } }>(
      '/api/rooms/:id/test-calls',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        if (!deps.fleet.has(req.params.id))
          return reply.code(404).send({ error: `no room "${req.params.id}"`, field: 'id' });
        const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 200)
          return reply
            .code(400)
            .send({ error: 'limit must be a whole number from 1 to 200', field: 'limit' });
        return await deps.rehearsals.callResults({ roomId: req.params.id, limit });
      },
    );

    // The rehearsals waiting to run (art. 9.3), so an operator sees they survived a restart.
    app.get('/api/rehearsals/planned', { config: { access: 'viewer' } }, async () => deps.planner.planned());

    app.get<{ Params: { id: string } }>(
      '/api/rehearsals/:id',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        const r = await deps.rehearsals.get(req.params.id);
        if (!r) return reply.code(404).send({ error: `no rehearsal "${req.params.id}"`, field: 'id' });
        return rehearsalReport(
          r,
          await deps.rehearsals.attempts(r.id),
          await deps.rehearsals.escalations(r.id),
        );
      },
    );
  };
}
