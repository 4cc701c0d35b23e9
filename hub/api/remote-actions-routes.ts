/**
 * `POST /api/rooms/:id/actions {action, force?, reason?}` (operator): the remote actions an operator
 * expects beside power (issue 19): `codec.standby` and `codec.wake` (power control's codec standby
 * output: Cisco `Standby Activate/Deactivate`; a Poly room refuses both, its REST API having none), `codec.restart` (Cisco `SystemUnit Boot`, Poly
 * `system/reboot`) and `controller.reboot` (the room controller itself). Inside a change freeze all
 * but a wake are refused with 409 naming the meeting, unless forced with a written reason (a restart
 * or a reboot drops the room for minutes); the room also refuses them during a call unless forced.
 * Each is audited with its outcome (room-order.ts). Override on or off until a time is
 * `POST /api/rooms/:id/power` with `until`.
 */
import { z } from 'zod';
import type { FleetState } from '../fleet-state.js';
import { badRequest } from '../schedule/request-error.js';
import type { RouteModule } from './http-api.js';
import { auditedAnswer, type OrderDeps, orderRoom } from './room-order.js';

export const remoteActions = ['codec.standby', 'codec.wake', 'codec.restart', 'controller.reboot'] as const;
export type RemoteAction = (typeof remoteActions)[number];

/** The room's command for each action, and whether a change freeze refuses it. */
const commandOf: Record<RemoteAction, { command: string; frozen: boolean }> = {
  'codec.standby': { command: 'standby', frozen: true },
  'codec.wake': { command: 'wake', frozen: false },
  'codec.restart': { command: 'codec.restart', frozen: true },
  'controller.reboot': { command: 'controller.reboot', frozen: true },
};

const actionBody = z.strictObject({
  action: z.enum(remoteActions, { message: `action must be one of ${remoteActions.join(', ')}` }),
  force: z.boolean({ message: 'force must be true or false' }).optional(),
  reason: z.string().trim().max(200).optional(),
});

export interface RemoteActionsDeps extends OrderDeps {
  fleet: Pick<FleetState, 'has'>;
}

export function remoteActionsRoutes(deps: RemoteActionsDeps): RouteModule {
  return (app) => {
    app.post<{ Params: { id: string } }>(
      '/api/rooms/:id/actions',
      { config: { access: 'operator', audit: 'self' } },
      async (req, reply) => {
        const roomId = req.params.id;
        const refuse = auditedAnswer(deps.audit, req, reply, 'room.action', { roomId });
        if (!deps.fleet.has(roomId)) return refuse(404, { error: `no room "${roomId}"`, field: 'id' });
        const parsed = actionBody.safeParse(req.body ?? {});
        if (!parsed.success) return refuse(400, badRequest(parsed.error));
        const { action, force = false } = parsed.data;
        // Wake's command takes no force: nothing refuses it.
        const sent = action === 'codec.wake' ? false : force;
        return orderRoom(deps, req, reply, {
          roomId,
          action,
          auditAction: `room.${action}`,
          command: commandOf[action].command,
          args: {},
          frozen: commandOf[action].frozen,
          force: sent,
          written: parsed.data.reason ?? '',
        });
      },
    );
  };
}
