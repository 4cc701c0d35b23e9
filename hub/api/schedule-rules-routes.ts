/**
 * `GET /api/schedule/rules` (viewer): the booking rules' settings (art. 8.1 notice, preparation time
 * counted in overlaps, art. 9.3 rehearsal times, art. 11.1 deadline), so the dashboard checks a
 * booking with the same numbers as the hub before it is sent.
 */
import type { ScheduleSettings } from '../schedule/settings.js';
import type { RouteModule } from './http-api.js';

export function scheduleRulesRoutes(settings: ScheduleSettings): RouteModule {
  const rules = {
    noticeHours: settings.noticeHours,
    prepMinutes: settings.prepMinutes,
    rehearsalOffsetsH: settings.rehearsalOffsetsH,
    deadlineH: settings.deadlineH,
  };
  return (app) => {
    app.get('/api/schedule/rules', { config: { access: 'viewer' } }, async () => rules);
  };
}
