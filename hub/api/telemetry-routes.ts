/**
 * `GET /api/rooms/:id/telemetry?from=&to=`: the room's stored telemetry as chart series (the
 * dashboard's 24 h and 7 d charts). Without `from`/`to`, the last 24 hours.
 */
import type { FleetState } from '../fleet-state.js';
import type { HubStore } from '../store/store.js';
import type { RouteModule } from './http-api.js';
import { telemetrySeries } from './telemetry-series.js';

const DAY_MS = 86_400_000;
/** The longest range one request may ask for: a month of one-minute samples. */
const MAX_RANGE_DAYS = 31;
const MAX_SAMPLES = MAX_RANGE_DAYS * 24 * 60;
const MAX_POINTS = 600;

function parseTime(raw: string | undefined): Date | null | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) return null;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? null : new Date(ms);
}

export function telemetryRoutes(fleet: FleetState, store: HubStore, now: () => Date): RouteModule {
  return (app) => {
    app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string } }>(
      '/api/rooms/:id/telemetry',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        const { id } = req.params;
        if (!fleet.has(id)) return reply.code(404).send({ error: `no room "${id}"`, field: 'id' });
        const bad = (field: string, error: string) => reply.code(400).send({ error, field });
        const to = parseTime(req.query.to);
        if (to === null)
          return bad('to', 'to must be an ISO 8601 time with its offset (2026-01-01T00:00:00Z)');
        const from = parseTime(req.query.from);
        if (from === null)
          return bad('from', 'from must be an ISO 8601 time with its offset (2026-01-01T00:00:00Z)');
        const end = to ?? now();
        const start = from ?? new Date(end.getTime() - DAY_MS);
        if (start >= end) return bad('to', 'to must be after from');
        if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY_MS)
          return bad('from', `the range may span at most ${MAX_RANGE_DAYS} days`);
        const samples = await store.listSamples(id, start, end, MAX_SAMPLES);
        return {
          roomId: id,
          from: start.toISOString(),
          to: end.toISOString(),
          ...telemetrySeries(samples, start, end, MAX_POINTS),
        };
      },
    );
  };
}
