/**
 * `POST /api/rooms/:id/power {action: 'on'|'off'|'standby', until?, force?, reason?}` (operator): the
 * dashboard's power controls. `on`/`off` with `until` hold that state until the time (an override:
 * a rehearsal never undoes it); without, `off` holds until the room's next booked use. Inside the
 * change freeze of a booked meeting or of its rehearsals (hub/schedule/change-freeze.ts), `off` and
 * `standby` are refused with 409 naming the meeting and its window, unless `force` comes with a
 * written reason; the forced order is audited with that reason. The room decides the rest: it
 * refuses `off` during a call unless forced (art. 6.5 never cuts a meeting by accident), and the
 * refusal comes back as 409 with the room’s reason. Every order is audited with who gave it and its
 * outcome (room-order.ts).
 */
import { z } from 'zod';
import type { FleetState } from '../fleet-state.js';
import { badRequest } from '../schedule/request-error.js';
import type { RouteModule } from './http-api.js';
import { auditedAnswer, type OrderDeps, orderRoom } from './room-order.js';

const powerOrder = z
  .strictObject({
    action: z.enum(['on', 'off', 'standby'], { message: 'action must be "on", "off" or "standby"' }),
    until: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with its offset' }).optional(),
    force: z.boolean({ message: 'force must be true or false' }).optional(),
    reason: z.string().trim().max(200).optional(),
  })
  .refine((o) => o.action !== 'standby' || o.until === undefined, {
    message: 'standby takes no until',
    path: ['until'],
  });

export interface PowerRoutesDeps extends OrderDeps {
  fleet: Pick<FleetState, 'has'>;
  now: () => Date;
}

export function powerRoutes(deps: PowerRoutesDeps): RouteModule {
  return (app) => {
    app.post<{ Params: { id: string }; Body: unknown }>(
      '/api/rooms/:id/power',
      { config: { access: 'operator', audit: 'self' } },
      async (req, reply) => {
        const roomId = req.params.id;
        const refuse = auditedAnswer(deps.audit, req, reply, 'power', { roomId });
        if (!deps.fleet.has(roomId)) return refuse(404, { error: `no room "${roomId}"`, field: 'id' });
        const parsed = powerOrder.safeParse(req.body ?? {});
        if (!parsed.success) return refuse(400, badRequest(parsed.error));
        const { action, until, force = false } = parsed.data;
        if (until !== undefined && Date.parse(until) <= deps.now().getTime())
          return refuse(400, {
            error: `until: ${until} is not in the future`,
            field: 'until',
            rule: 'future',
          });
        return orderRoom(deps, req, reply, {
          roomId,
          action,
          ...(until !== undefined
            ? {
                auditAction: 'power.override',
                command: 'override',
                args: { state: action, until: new Date(until).toISOString() },
                details: { state: action, until },
              }
            : { auditAction: `power.${action}`, command: `power.${action}`, args: {} }),
          frozen: action !== 'on',
          force,
          written: parsed.data.reason ?? '',
        });
      },
    );
  };
}
