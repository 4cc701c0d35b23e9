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
      { config: { access: 'operator' } },
      async (req, reply) => {
        const roomId = req.params.id;
        if (!deps.fleet.has(roomId))
          return reply.code(404).send({ error: `no room "${roomId}"`, field: 'id' });
        const parsed = powerOrder.safeParse(req.body ?? {});
        if (!parsed.success) return reply.code(400).send(badRequest(parsed.error));
        const { action, until, force = false } = parsed.data;
        const written = parsed.data.reason ?? '';
        const actor = actorOf(req);
        if (until !== undefined && Date.parse(until) <= deps.now().getTime())
          return reply
            .code(400)
            .send({ error: `until: ${until} is not in the future`, field: 'until', rule: 'future' });
        const frozen = action === 'on' ? null : deps.freezeOf(roomId);
        if (frozen && !force) {
          deps.audit.record(actor, `power.${action}`, {
            roomId,
            refused: 'freeze',
            meetingId: frozen.meetingId,
          });
          return reply.code(409).send({
            ok: false,
            roomId,
            action,
            code: 'freeze',
            error: `change freeze of "${frozen.title}" (${frozen.window}) from ${frozen.from} to ${frozen.to}: send force with a written reason to ${action} anyway`,
            freeze: frozen,
          });
        }
        if (frozen && written.length < MIN_REASON)
          return reply.code(400).send({
            code: 'reason-required',
            error: `reason: forcing ${action} inside the change freeze of "${frozen.title}" needs a written reason`,
            field: 'reason',
            rule: 'reason-required',
          });
        const reason = written ? `${actor}: ${written}` : `dashboard: ${actor}`;
        const [name, args]: [string, Record<string, unknown>] =
          until !== undefined
            ? [
                'override',
                { state: action, until: new Date(until).toISOString(), reason, ...(force ? { force } : {}) },
              ]
            : [`power.${action}`, { reason, ...(force ? { force } : {}) }];
        deps.audit.record(actor, until !== undefined ? 'power.override' : name, {
          roomId,
          ...(until !== undefined ? { state: action, until } : {}),
          force,
          ...(written ? { reason: written } : {}),
          ...(frozen ? { forcedThroughFreeze: frozen.meetingId } : {}),
        });
        const outcome = await deps.commands.send(roomId, name, args, { timeoutMs: deps.timeoutMs });
        if (outcome.ok) return { ok: true, roomId, action, result: outcome.result ?? {} };
        const error = outcome.error ?? { code: 'failed', message: 'the room did not say why' };
        return reply.code(failureStatus[error.code] ?? 502).send({
          ok: false,
          roomId,
          action,
          code: error.code,
          error: error.message,
        });
      },
    );
  };
}
