/**
 * Rehearsals and inspections kept after the fact (art. 9.3, 11.1, 12.5), for the dashboard's
 * history: `GET /api/rehearsals?from=&to=&kind=` (viewer) lists the runs started in a range (the
 * last 7 days by default), newest first, each with its meeting's title and every room's final
 * verdict; `GET /api/rooms/:id/rehearsals?limit=` (viewer) is one room's runs of the last year, each
 * with the room's last attempt (its checks and their figures). Both read the stored runs only.
 */
import type { Fleet } from '../../shared/fleet.js';
import { parseTimeParam } from '../incidents/incidents-routes.js';
import type { MeetingsRepo } from '../schedule/meetings-repo.js';
import type { Verdict } from '../schedule/rehearsal-verdict.js';
import type { Attempt, Rehearsal, RehearsalKind, RehearsalsRepo } from '../schedule/rehearsals-repo.js';
import type { RouteModule } from './http-api.js';

export interface RunSummary extends Rehearsal {
  /** The meeting's title, null for an inspection or a run of chosen rooms. */
  meetingTitle: string | null;
  /** Each room's final verdict in the run (its last attempt). */
  results: { roomId: string; verdict: Verdict }[];
}

export interface RoomRun {
  rehearsal: Rehearsal;
  meetingTitle: string | null;
  /** The room's last attempt in the run. */
  attempt: Attempt;
  attempts: number;
}

const DAY_MS = 86_400_000;

export interface RehearsalHistoryDeps {
  rehearsals: Pick<RehearsalsRepo, 'roomResults' | 'get' | 'attempts'>;
  meetings: Pick<MeetingsRepo, 'get'>;
  fleet: Fleet;
  now: () => Date;
}

export function rehearsalHistoryRoutes(deps: RehearsalHistoryDeps): RouteModule {
  const title = async (r: Rehearsal) =>
    r.meetingId ? ((await deps.meetings.get(r.meetingId))?.title ?? null) : null;

  return (app) => {
    app.get<{ Querystring: { from?: string; to?: string; kind?: string } }>(
      '/api/rehearsals',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        const q = req.query;
        const bad = (field: string, error: string) => reply.code(400).send({ error, field });
        const now = deps.now();
        const from =
          q.from === undefined ? new Date(now.getTime() - 7 * DAY_MS).toISOString() : parseTimeParam(q.from);
        if (from === null) return bad('from', 'from must be a date (2026-01-01) or an ISO 8601 time');
        const to = q.to === undefined ? new Date(now.getTime() + DAY_MS).toISOString() : parseTimeParam(q.to);
        if (to === null || to <= from) return bad('to', 'to must be a date or an ISO 8601 time after from');
        if (Date.parse(to) - Date.parse(from) > 400 * DAY_MS)
          return bad('to', 'the range is at most 400 days');
        if (q.kind !== undefined && q.kind !== 'rehearsal' && q.kind !== 'inspection')
          return bad('kind', 'kind must be rehearsal or inspection');
        const byRun = new Map<string, RunSummary['results']>();
        for (const r of await deps.rehearsals.roomResults(from, to))
          byRun.set(r.rehearsalId, [
            ...(byRun.get(r.rehearsalId) ?? []),
            { roomId: r.roomId, verdict: r.verdict },
          ]);
        const runs: RunSummary[] = [];
        for (const [id, results] of byRun) {
          const run = await deps.rehearsals.get(id);
          if (!run || (q.kind && run.kind !== (q.kind as RehearsalKind))) continue;
          runs.push({ ...run, meetingTitle: await title(run), results });
        }
        return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
      },
    );

    app.get<{ Params: { id: string }; Querystring: { limit?: string } }>(
      '/api/rooms/:id/rehearsals',
      { config: { access: 'viewer' } },
      async (req, reply) => {
        const roomId = req.params.id;
        if (!deps.fleet.has(roomId))
          return reply.code(404).send({ error: `no room "${roomId}"`, field: 'id' });
        const raw = req.query.limit ?? '20';
        const limit = Number(raw);
        if (!/^\d+$/.test(raw) || limit < 1 || limit > 200)
          return reply
            .code(400)
            .send({ error: 'limit must be a whole number from 1 to 200', field: 'limit' });
        const now = deps.now();
        const ids = (
          await deps.rehearsals.roomResults(
            new Date(now.getTime() - 366 * DAY_MS).toISOString(),
            new Date(now.getTime() + DAY_MS).toISOString(),
          )
        )
          .filter((r) => r.roomId === roomId)
          .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
          .slice(0, limit)
          .map((r) => r.rehearsalId);
        const runs: RoomRun[] = [];
        for (const id of ids) {
          const rehearsal = await deps.rehearsals.get(id);
          const mine = (await deps.rehearsals.attempts(id)).filter((a) => a.roomId === roomId);
          const attempt = mine.at(-1);
          if (rehearsal && attempt)
            runs.push({ rehearsal, meetingTitle: await title(rehearsal), attempt, attempts: mine.length });
        }
        return runs;
      },
    );
  };
}
