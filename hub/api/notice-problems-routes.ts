/**
 * `GET /api/notifications/problems` (operators): why incident notices did not reach people in the
 * last 7 days and which settings stop them (hub/api/notice-problems.ts), for the banner that sends
 * the operator to fix it. Each room's technician problem names its rooms, as each delivery stored
 * them. Deliveries stored before rooms were kept have none: they leave the window within a week,
 * and meanwhile their problem is still counted, only without names.
 */
import type { NotificationsRepo } from '../notify/notifications-repo.js';
import type { RouteModule } from './http-api.js';
import { type NoticeSetup, noticeProblems } from './notice-problems.js';

const WINDOW_MS = 7 * 86_400_000;
/** Enough deliveries for a week of a busy network (each incident notifies a handful of people). */
const LOOK_BACK = 1000;

export function noticeProblemsRoutes(deps: {
  notifications: Pick<NotificationsRepo, 'latest'>;
  setup: NoticeSetup;
  now: () => Date;
}): RouteModule {
  return (app) => {
    app.get('/api/notifications/problems', { config: { access: 'operator' } }, async () => {
      const latest = await deps.notifications.latest(LOOK_BACK);
      const now = deps.now();
      return {
        since: new Date(now.getTime() - WINDOW_MS).toISOString(),
        problems: noticeProblems(latest, deps.setup, new Date(now.getTime() - WINDOW_MS)),
      };
    });
  };
}
