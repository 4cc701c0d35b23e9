/**
 * `GET /api/incidents`: incidents by state, room and date range, newest first, each with the
 * contacts to call beside it (art. 4.3); `POST /api/incidents/:id/ack`: an operator, or the technician
 * of the incident's room, takes it on with a note.
 */

import type { Fleet } from '../../shared/fleet.js';
import { PROVINCE_UTC_OFFSET } from '../../shared/province-time.js';
import { type ActorOf, actorLabel } from '../api/actor.js';
import type { RouteModule } from '../api/http-api.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import { bodyFields } from '../security/audit-trail.js';
import { causeFault } from './incident-rules.js';
import type { IncidentTracker } from './incident-tracker.js';
import type { Incident, IncidentsRepo } from './incidents-repo.js';

/** A date (`2026-01-01`, midnight in Asia/Ho_Chi_Minh where the network is) or an ISO 8601 time. */
export function parseTimeParam(raw: string): string | null {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00${PROVINCE_UTC_OFFSET}` : raw;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

type Query = { state?: string; room?: string; from?: string; to?: string; limit?: string };

export function incidentsRoutes(
  repo: IncidentsRepo,
  tracker: IncidentTracker,
  contacts: ContactDirectory,
  fleet: Fleet,
  actorOf: ActorOf,
): RouteModule {
  const withContacts = (i: Incident) => ({
    ...i,
    faultKind: causeFault[i.cause],
    contacts: contacts.contactsFor(i.roomId, causeFault[i.cause]),
  });

  return (app) => {
    app.get<{ Querystring: Query }>(
      '/api/incidents',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        const q = req.query;
        const bad = (field: string, error: string) => reply.code(400).send({ error, field });
        const state = q.state ?? 'all';
        if (state !== 'open' && state !== 'closed' && state !== 'all')
          return bad('state', 'state must be open, closed or all');
        if (q.room !== undefined && !fleet.has(q.room)) return bad('room', `no room "${q.room}"`);
        const from = q.from === undefined ? undefined : parseTimeParam(q.from);
        if (from === null) return bad('from', 'from must be a date (2026-01-01) or an ISO 8601 time');
        const to = q.to === undefined ? undefined : parseTimeParam(q.to);
        if (to === null) return bad('to', 'to must be a date (2026-01-01) or an ISO 8601 time');
        if (from && to && from >= to) return bad('to', 'to must be after from');
        const rawLimit = q.limit ?? '200';
        const limit = Number(rawLimit);
        if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > 5000)
          return bad('limit', 'limit must be a whole number from 1 to 5000');
        return repo.list({ state, roomId: q.room, from, to, limit }).map(withContacts);
      },
    );

    // Art. 10.2: the room's own technician takes on its incident as the department does; a network
    // incident is the department's. A closed incident is history, read only.
    app.post<{ Params: { id: string }; Body: unknown }>(
      '/api/incidents/:id/ack',
      {
        config: {
          access: 'technician',
          audit: { action: 'incident.ack', details: (req) => bodyFields(req, ['note']) },
        },
      },
      async (req, reply) => {
        const id = Number(req.params.id);
        if (!/^\d+$/.test(req.params.id))
          return reply.code(400).send({ error: 'id must be a number', field: 'id' });
        const incident = repo.get(id);
        if (!incident) return reply.code(404).send({ error: `no incident ${id}`, field: 'id' });
        const actor = actorOf(req);
        const mayAck =
          actor?.role === 'operator' || (actor?.role === 'technician' && actor.roomId === incident.roomId);
        if (!actor || !mayAck)
          return reply.code(403).send({
            error: 'only an operator or the technician of the incident’s room acknowledges it',
            code: 'not-own-room',
          });
        if (incident.closedAt !== null)
          return reply.code(409).send({ error: `incident ${id} is closed`, code: 'incident-closed' });
        const body = req.body as { note?: unknown } | null;
        const note = body?.note;
        if (typeof note !== 'string' || note.trim() === '' || note.length > 1000) {
          return reply.code(400).send({
            error: 'note must be a text of 1 to 1000 characters',
            field: 'note',
            code: 'note-required',
          });
        }
        const result = tracker.acknowledge(id, actorLabel(actor), note.trim());
        if (!result.ok && result.code === 'not-found')
          return reply.code(404).send({ error: `no incident ${id}`, field: 'id' });
        if (!result.ok)
          return reply
            .code(409)
            .send({ error: `incident ${id} is already acknowledged`, code: 'already-acknowledged' });
        return withContacts(result.incident);
      },
    );
  };
}
