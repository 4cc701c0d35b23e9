/**
 * The demo's fault panel (a simulated fleet only): `GET /api/simulate` says whether faults may be
 * injected (`mqtt.simInject`), `POST /api/rooms/:id/simulate {fault}` (operator) injects one of a
 * few named faults into that room's simulated agent over the inject topic. With `mqtt.simInject`
 * off (every real hub) it is refused, 403 `code: 'sim-off'`: no dashboard user can fake a fault in
 * a real room. Each injection is in the audit log.
 */
import type { Fleet } from '../../shared/fleet.js';
import type { InjectMessage } from '../../shared/schemas.js';
import type { AuditLog } from '../security/audit-log.js';
import type { RouteModule } from './http-api.js';
import { auditedAnswer } from './room-order.js';

/** The faults the panel offers, each as what the simulated hardware is told. */
export const simulatedFaults = {
  'mains-lost': { mains: false },
  'mains-back': { mains: true, upsLowBattery: false },
  // On battery with four minutes left: the UPS drains to its critical point and the room shuts down.
  'ups-drain': { mains: false, upsRuntime: 240 },
  hot: { temperature: 40 },
  'codec-down': { codec: 'down' },
  'link-poor': { loss: 8, latency: 220, jitter: 45 },
  'all-clear': {
    mains: true,
    upsLowBattery: false,
    temperature: 24,
    humidity: 55,
    codec: 'up',
    loss: 0.1,
    latency: 30,
    jitter: 3,
  },
} as const satisfies Record<string, InjectMessage>;
export type SimulatedFault = keyof typeof simulatedFaults;

export interface SimulateDeps {
  enabled: boolean;
  fleet: Fleet;
  audit: Pick<AuditLog, 'record'>;
  inject: (roomId: string, message: InjectMessage) => Promise<void>;
}

export function simulateRoutes(deps: SimulateDeps): RouteModule {
  return (app) => {
    app.get('/api/simulate', { config: { access: 'viewer' } }, async () => ({
      enabled: deps.enabled,
      faults: deps.enabled ? Object.keys(simulatedFaults) : [],
    }));

    app.post<{ Params: { id: string }; Body: { fault?: unknown } }>(
      '/api/rooms/:id/simulate',
      { config: { access: 'operator', audit: 'self' } },
      async (req, reply) => {
        const roomId = req.params.id;
        const fault = req.body?.fault;
        const answer = auditedAnswer(deps.audit, req, reply, 'sim.inject', {
          roomId,
          ...(typeof fault === 'string' ? { fault: fault.slice(0, 64) } : {}),
        });
        if (!deps.enabled)
          return answer(403, {
            error: 'fault injection is for a simulated fleet only (mqtt.simInject)',
            code: 'sim-off',
          });
        if (!deps.fleet.has(roomId)) return answer(404, { error: `no room "${roomId}"`, field: 'id' });
        if (typeof fault !== 'string' || !(fault in simulatedFaults))
          return answer(400, {
            error: `fault must be one of ${Object.keys(simulatedFaults).join(', ')}`,
            field: 'fault',
          });
        await deps.inject(roomId, simulatedFaults[fault as SimulatedFault]);
        return answer(200, { roomId, fault });
      },
    );
  };
}
