/**
 * `POST /api/rooms/:id/power {action: 'on'|'off'|'standby', until?, force?, reason?}` (operator): the
 * dashboard's power controls. `on`/`off` with `until` hold that state until the time (an override:
 * a rehearsal never undoes it); without, `off` holds until the room's next booked use. Inside the
 * change freeze of a booked meeting or of its rehearsals (hub/schedule/change-freeze.ts), `off` and
 * `standby` are refused with 409 naming the meeting and its window, unless `force` comes with a
 * written reason; the forced order is audited with that reason. The room decides the rest: it
 * refuses `off` during a call unless forced (art. 6.5 never cuts a meeting by accident), and the
 * refusal comes back as 409 with the room's reason. Every order is audited with who gave it.
 */
import { z } from 'zod';
import type { CommandOutcome } from '../commands/command-client.js';
import type { FleetState } from '../fleet-state.js';
import type { Freeze } from '../schedule/change-freeze.js';
import { badRequest } from '../schedule/request-error.js';
import { actorOf } from '../security/access-guard.js';
import type { AuditLog } from '../security/audit-log.js';
import { recordAnswer } from '../security/audit-trail.js';
import type { RouteModule } from './http-api.js';

export interface PowerCommands {
  send(
    roomId: string,
    name: string,
    args: Record<string, unknown>,
    options: { timeoutMs: number },
  ): Promise<CommandOutcome>;
}

/** HTTP status for each way a command can fail. */
const failureStatus: Record<string, number> = {
  refused: 409,
  timeout: 504,
  'not-sent': 503,
  expired: 504,
};

/** A written reason: a few words at least, so the audit says why. */
const MIN_REASON = 5;

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

export interface PowerRoutesDeps {
  fleet: Pick<FleetState, 'has'>;
  commands: PowerCommands;
  audit: Pick<AuditLog, 'record'>;
  /** The change freeze that holds for the room now, or null. */
  freezeOf: (roomId: string) => Freeze | null;
  now: () => Date;
  /** How long the room has to answer (a power-on waits for its equipment to boot). */
  timeoutMs: number;
}

export function powerRoutes(deps: PowerRoutesDeps): RouteModule {
  return (app) => {
    app.post<{ Params: { id: string }; Body: unknown }>(
      '/api/rooms/:id/power',
      { config: { access: 'operator', audit: 'self' } },
      async (req, reply) => {
        const roomId = req.params.id;
        const actor = actorOf(req);
        // One audit row per order, written once its outcome is known: refused, failed or done.
        let action = 'power';
        const details: Record<string, unknown> = { roomId };
        const answer = (status: number, body: object) => {
          recordAnswer(deps.audit, req, action, details, status, body);
          return reply.code(status).send(body);
        };
        if (!deps.fleet.has(roomId)) return answer(404, { error: `no room "${roomId}"`, field: 'id' });
        const parsed = powerOrder.safeParse(req.body ?? {});
        if (!parsed.success) return answer(400, badRequest(parsed.error));
        const { action: order, until, force = false } = parsed.data;
        const written = parsed.data.reason ?? '';
        action = until !== undefined ? 'power.override' : `power.${order}`;
        Object.assign(details, {
          ...(until !== undefined ? { state: order, until } : {}),
          force,
          ...(written ? { reason: written } : {}),
        });
        if (until !== undefined && Date.parse(until) <= deps.now().getTime())
          return answer(400, {
            error: `until: ${until} is not in the future`,
            field: 'until',
            rule: 'future',
          });
        const frozen = order === 'on' ? null : deps.freezeOf(roomId);
        if (frozen) details.freeze = frozen.meetingId;
        if (frozen && !force)
          return answer(409, {
            ok: false,
            roomId,
            action: order,
            code: 'freeze',
            error: `change freeze of "${frozen.title}" (${frozen.window}) from ${frozen.from} to ${frozen.to}: send force with a written reason to ${order} anyway`,
            freeze: frozen,
          });
        if (frozen && written.length < MIN_REASON)
          return answer(400, {
            code: 'reason-required',
            error: `reason: forcing ${order} inside the change freeze of "${frozen.title}" needs a written reason`,
            field: 'reason',
            rule: 'reason-required',
          });
        const reason = written ? `${actor}: ${written}` : `dashboard: ${actor}`;
        const [name, args]: [string, Record<string, unknown>] =
          until !== undefined
            ? [
                'override',
                { state: order, until: new Date(until).toISOString(), reason, ...(force ? { force } : {}) },
              ]
            : [`power.${order}`, { reason, ...(force ? { force } : {}) }];
        const outcome = await deps.commands.send(roomId, name, args, { timeoutMs: deps.timeoutMs });
        if (outcome.ok) return answer(200, { ok: true, roomId, action: order, result: outcome.result ?? {} });
        const error = outcome.error ?? { code: 'failed', message: 'the room did not say why' };
        return answer(failureStatus[error.code] ?? 502, {
          ok: false,
          roomId,
          action: order,
          code: error.code,
          error: error.message,
        });
      },
    );
  };
}
