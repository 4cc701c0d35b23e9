/** `GET /api/mcu`: the MCU's own state, shown above the rooms. */
import type { RouteModule } from '../api/http-api.js';
import type { McuMonitor } from './mcu-monitor.js';

export function mcuRoutes(monitor: McuMonitor): RouteModule {
  return (app) => {
    app.get('/api/mcu', { config: { access: 'viewer' } }, async () => monitor.state);
  };
}
