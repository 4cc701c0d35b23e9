/**
 * `GET /api/notifications/problems` (operators): why incident notices did not reach people in the
 * last 7 days and which settings stop them (hub/api/notice-problems.ts), for the banner that sends
 * the operator to fix it. Each room's technician problem names its rooms, from the incidents.
 */
import type { IncidentsRepo } from '../incidents/incidents-repo.js';
import type { NotificationsRepo } from '../notify/notifications-repo.js';
import type { RouteModule } from './http-api.js';
import { type NoticeSetup, noticeProblems } from './notice-problems.js';

const WINDOW_MS = 7 * 86_400_000;
/** Enough deliveries for a week of a busy network (each incident notifies a handful of people). */
const LOOK_BACK = 1000;

export function noticeProblemsRoutes(deps: {
  notifications: Pick<NotificationsRepo, 'latest'>;
  incidents: Pick<IncidentsRepo, 'get'>;
  setup: NoticeSetup;
  now: () => Date;
}): RouteModule {
  return (app) => {
    app.get('/api/notifications/problems', { config: { access: 'operator' } }, async () => {
      const latest = await deps.notifications.latest(LOOK_BACK);
      // Each incident read once, however many deliveries it had.
      const incidentIds = [...new Set(latest.flatMap((r) => (r.incidentId === null ? [] : [r.incidentId])))];
      const roomOf = new Map(
        await Promise.all(
          incidentIds.map(async (id) => [id, (await deps.incidents.get(id))?.roomId ?? null] as const),
        ),
      );
      const records = latest.map((r) => ({
        ...r,
        roomId: r.incidentId === null ? null : (roomOf.get(r.incidentId) ?? null),
      }));
      const now = deps.now();
      return {
        since: new Date(now.getTime() - WINDOW_MS).toISOString(),
        problems: noticeProblems(records, deps.setup, new Date(now.getTime() - WINDOW_MS)),
      };
    });
  };
}
