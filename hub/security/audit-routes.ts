/**
 * The audit log for operators: `GET /api/audit` (newest first; `limit`, and filters `actor`,
 * `action` (an action or its family), `room`, `from`, `to`), `GET /api/audit/actors` (who appears
 * in it) and `GET /api/audit/verification` (the hash chain walked now: whole, or the first row that
 * breaks it). Bad input is 400 `{error, field}`.
 */
import type { Fleet } from '../../shared/fleet.js';
import type { RouteModule } from '../api/http-api.js';
import { parseTimeParam } from '../incidents/incidents-routes.js';
import type { AuditLog } from './audit-log.js';
import type { AuditFilter, AuditQuery } from './audit-query.js';

type Query = { limit?: string; actor?: string; action?: string; room?: string; from?: string; to?: string };

export function auditRoutes(deps: {
  audit: Pick<AuditLog, 'verify'>;
  query: AuditQuery;
  fleet: Fleet;
  now: () => Date;
}): RouteModule {
  return (app) => {
    app.get<{ Querystring: Query }>('/api/audit', { config: { access: 'operator' } }, async (req, reply) => {
      const q = req.query;
      const bad = (field: string, error: string) => reply.code(400).send({ error, field });
      const raw = q.limit ?? '100';
      const limit = Number(raw);
      if (!/^\d+$/.test(raw) || limit < 1 || limit > 1000)
        return bad('limit', 'limit must be a whole number from 1 to 1000');
      if (q.room !== undefined && !deps.fleet.has(q.room)) return bad('room', `no room "${q.room}"`);
      if (q.action !== undefined && !/^[a-z][a-z.-]{0,63}$/.test(q.action))
        return bad('action', 'action is a dotted name such as power.off, or its family such as power');
      const filter: AuditFilter = { limit };
      for (const field of ['from', 'to'] as const) {
        if (q[field] === undefined) continue;
        const at = parseTimeParam(q[field]!);
        if (at === null) return bad(field, `${field} must be a date (2026-01-01) or an ISO 8601 time`);
        filter[field] = at;
      }
      if (q.actor) filter.actor = q.actor;
      if (q.action) filter.action = q.action;
      if (q.room) filter.roomId = q.room;
      return deps.query.list(filter);
    });

    app.get('/api/audit/actors', { config: { access: 'operator' } }, async () => deps.query.actors());

    app.get('/api/audit/verification', { config: { access: 'operator' } }, async () => ({
      ...(await deps.audit.verify()),
      checkedAt: deps.now().toISOString(),
    }));
  };
}
