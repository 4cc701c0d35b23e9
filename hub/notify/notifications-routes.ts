/**
 * `GET /api/notifications`: who was told what, and whether it reached them;
 * `GET /api/meetings/:id/notifications`: the same for one meeting (its booking, verdicts, escalations).
 */
import type { RouteModule } from '../api/http-api.js';
import type { NotificationsRepo } from './notifications-repo.js';
import type { Notifier } from './notifier.js';

export function notificationsRoutes(repo: NotificationsRepo, notifier: Notifier): RouteModule {
  return (app) => {
    app.get<{ Querystring: { limit?: string } }>(
      '/api/notifications',
      { config: { access: 'operator' } },
      async (req, reply) => {
        const raw = req.query.limit ?? '100';
        const limit = Number(raw);
        if (!/^\d+$/.test(raw) || limit < 1 || limit > 1000) {
          return reply
            .code(400)
            .send({ error: 'limit must be a whole number from 1 to 1000', field: 'limit' });
        }
        return { counters: notifier.counters, notifications: await repo.latest(limit) };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/meetings/:id/notifications',
      { config: { access: 'operator' } },
      async (req) => ({ notifications: await repo.forMeeting(req.params.id) }),
    );
  };
}
