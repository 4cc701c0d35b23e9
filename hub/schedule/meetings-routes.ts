/**
 * `/api/meetings` (book, list, read, change, cancel) and the calendars `/api/calendar.ics`,
 * `/api/rooms/:id/calendar.ics`. Reads need `viewer`, changes `operator`. A broken rule is 400
 * `{error, field, rule, article}`; an overlap is 409 with the conflicting meeting(s).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import { type MeetingRequest, meetingRequest } from '../../shared/schemas.js';
import * as mini from '../../shared/zod-mini.js';
import type { RouteModule } from '../api/http-api.js';
import { actorOf } from '../security/access-guard.js';
import type { AuditLog } from '../security/audit-log.js';
import { recordAnswer } from '../security/audit-trail.js';
import { calendarIcs, type IcsConfig } from './calendar-ics.js';
import type { BookingResult, MeetingCalendar } from './meeting-calendar.js';
import type { Meeting } from './meeting-rules.js';
import { asSeenBy, type Reader } from './meeting-visibility.js';
import type { MeetingsRepo } from './meetings-repo.js';
import type { RehearsalsRepo } from './rehearsals-repo.js';
import { badRequest } from './request-error.js';

export interface MeetingsRoutesDeps {
  audit: Pick<AuditLog, 'record'>;
  calendar: MeetingCalendar;
  meetings: MeetingsRepo;
  rehearsals: RehearsalsRepo;
  fleet: Fleet;
  ics: IcsConfig;
  now?: () => Date;
}

const listQuery = z.strictObject({
  from: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time' }).optional(),
  to: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time' }).optional(),
  room: z.string().optional(),
});

/** `meetingRequest` is a zod/mini schema (shared/schemas.ts, bundled into the agent): composed with mini's functions. */
const meetingPatch = mini
  .partial(meetingRequest)
  .check(mini.refine((p) => Object.keys(p).length > 0, { message: 'names nothing to change' }));

/** The session's user, as a reader of meetings (art. 13.1c). */
export function readerOf(req: FastifyRequest): Reader | null {
  const user = req.session?.user;
  return user ? { role: user.role, roomId: user.roomId } : null;
}

/** The answer to a booking or a change: the meeting, or the rule it breaks (400) or the overlap (409). */
function answerOf(result: BookingResult, created: boolean): { status: number; body: object } {
  if (result.ok) return { status: created ? 201 : 200, body: result.meeting };
  const v = result.violation;
  if (v.rule === 'no-overlap')
    return {
      status: 409,
      body: {
        error: v.error,
        field: v.field,
        rule: v.rule,
        article: v.article,
        meeting: v.conflicts[0]!.meeting,
        conflicts: v.conflicts,
      },
    };
  return { status: 400, body: { error: v.error, field: v.field, rule: v.rule, article: v.article } };
}

/** What the audit log keeps of a booking: enough to trace it, not its content (art. 13.1c). */
function auditDetails(m: Pick<Meeting, 'start' | 'end' | 'roomIds'> & { id?: string; emergency: unknown }) {
  return {
    ...(m.id ? { meetingId: m.id } : {}),
    start: m.start,
    end: m.end,
    roomIds: m.roomIds,
    emergency: m.emergency !== null,
  };
}

export function meetingsRoutes(deps: MeetingsRoutesDeps): RouteModule {
  const now = deps.now ?? systemClock.now;
  const details = async (m: Meeting, reader: Reader | null) => ({
    ...asSeenBy(m, reader),
    notifications: await deps.meetings.notifications(m.id),
    powerOn: await deps.meetings.powerOn(m.id),
    rehearsals: await deps.rehearsals.forMeeting(m.id),
  });
  return (app) => {
    // Each change is audited once its outcome is known, a refusal with the rule it broke.
    const audited =
      (req: FastifyRequest, reply: FastifyReply, action: string, details: object) =>
      async (status: number, body: object) => {
        await recordAnswer(deps.audit, req, action, { ...details }, status, body);
        return reply.code(status).send(body);
      };

    app.post('/api/meetings', { config: { access: 'operator', audit: 'self' } }, async (req, reply) => {
      const parsed = meetingRequest.safeParse(req.body);
      if (!parsed.success) return audited(req, reply, 'meeting.book', {})(400, badRequest(parsed.error));
      const result = await deps.calendar.create(parsed.data, actorOf(req));
      const { status, body } = answerOf(result, true);
      return audited(
        req,
        reply,
        'meeting.book',
        auditDetails(result.ok ? result.meeting : parsed.data),
      )(status, body);
    });

    app.get('/api/meetings', { config: { access: 'viewer' } }, async (req, reply) => {
      const parsed = listQuery.safeParse(req.query);
      if (!parsed.success) return reply.code(400).send(badRequest(parsed.error));
      const { from, to, room } = parsed.data;
      if (room !== undefined && !deps.fleet.has(room))
        return reply
          .code(400)
          .send({ error: `no room "${room}"`, field: 'room', rule: 'rooms-exist', article: '2.2' });
      const reader = readerOf(req);
      const meetings = await deps.meetings.list({
        from: from ? new Date(from).toISOString() : undefined,
        to: to ? new Date(to).toISOString() : undefined,
        roomId: room,
      });
      return meetings.map((m) => asSeenBy(m, reader));
    });

    app.get<{ Params: { id: string } }>(
      '/api/meetings/:id',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        const m = await deps.meetings.get(req.params.id);
        if (!m) return reply.code(404).send({ error: `no meeting "${req.params.id}"`, field: 'id' });
        return details(m, readerOf(req));
      },
    );

    app.patch<{ Params: { id: string } }>(
      '/api/meetings/:id',
      { config: { access: 'operator', audit: 'self' } },
      async (req, reply) => {
        const answer = audited(req, reply, 'meeting.change', { meetingId: req.params.id });
        const parsed = meetingPatch.safeParse(req.body);
        if (!parsed.success) return answer(400, badRequest(parsed.error));
        const result = await deps.calendar.update(req.params.id, parsed.data as Partial<MeetingRequest>);
        if (!result) return answer(404, { error: `no scheduled meeting "${req.params.id}"`, field: 'id' });
        const { status, body } = answerOf(result, false);
        if (!result.ok) return answer(status, body);
        return audited(req, reply, 'meeting.change', auditDetails(result.meeting))(status, body);
      },
    );

    app.delete<{ Params: { id: string } }>(
      '/api/meetings/:id',
      { config: { access: 'operator', audit: 'self' } },
      async (req, reply) => {
        const cancelled = await deps.calendar.cancel(req.params.id);
        if (!cancelled)
          return audited(req, reply, 'meeting.cancel', { meetingId: req.params.id })(404, {
            error: `no scheduled meeting "${req.params.id}"`,
            field: 'id',
          });
        return audited(req, reply, 'meeting.cancel', auditDetails(cancelled))(200, cancelled);
      },
    );

    app.get('/api/calendar.ics', { config: { access: 'viewer' } }, async (req, reply) => {
      const meetings = await deps.meetings.list();
      return reply
        .type('text/calendar; charset=utf-8')
        .send(
          calendarIcs('Lịch họp HNTH tỉnh Tuyên Quang', meetings, deps.ics, deps.fleet, now(), readerOf(req)),
        );
    });

    app.get<{ Params: { id: string } }>(
      '/api/rooms/:id/calendar.ics',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        const room = deps.fleet.find(req.params.id);
        if (!room) return reply.code(404).send({ error: `no room "${req.params.id}"`, field: 'id' });
        const meetings = await deps.meetings.list({ roomId: room.id });
        return reply
          .type('text/calendar; charset=utf-8')
          .send(
            calendarIcs(`Lịch họp HNTH: ${room.name}`, meetings, deps.ics, deps.fleet, now(), readerOf(req)),
          );
      },
    );
  };
}
