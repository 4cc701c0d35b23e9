/**
 * `POST /api/rooms/:id/power {action: 'on'|'off', force?}` (operator): the dashboard's power
 * buttons. Sends `power.on` / `power.off` to the room and answers with what the room said. The room
 * decides: it refuses `power.off` during a call unless `force` (art. 6.5 never cuts a meeting), and
 * during an emergency meeting (art. 8.2); the refusal comes back as 409 with the room's reason.
 * Every order is recorded in the audit log with who gave it.
 */
import type { CommandOutcome } from '../commands/command-client.js';
import type { FleetState } from '../fleet-state.js';
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

/** `timeoutMs`: how long the room has to answer (a power-on waits for its equipment to boot). */
export function powerRoutes(
  fleet: FleetState,
  commands: PowerCommands,
  audit: Pick<AuditLog, 'record'>,
  timeoutMs: number,
): RouteModule {
  return (app) => {
    app.post<{ Params: { id: string }; Body: unknown }>(
      '/api/rooms/:id/power',
      { config: { access: 'operator' } },
      async (req, reply) => {
        const roomId = req.params.id;
        if (!fleet.has(roomId)) return reply.code(404).send({ error: `no room "${roomId}"`, field: 'id' });
        const body = (req.body ?? {}) as { action?: unknown; force?: unknown };
        if (typeof body !== 'object' || Array.isArray(body))
          return reply.code(400).send({ error: 'body must be {action, force?}', field: '(body)' });
        const unknown = Object.keys(body).find((k) => k !== 'action' && k !== 'force');
        if (unknown !== undefined)
          return reply.code(400).send({ error: `unknown field "${unknown}"`, field: unknown });
        if (body.action !== 'on' && body.action !== 'off')
          return reply.code(400).send({ error: 'action must be "on" or "off"', field: 'action' });
        if (body.force !== undefined && typeof body.force !== 'boolean')
          return reply.code(400).send({ error: 'force must be true or false', field: 'force' });
        const name = `power.${body.action}`;
        const force = body.force === true;
        const actor = actorOf(req);
        audit.record(actor, name, { roomId, force });
        const outcome = await commands.send(
          roomId,
          name,
          { reason: `dashboard: ${actor}`, ...(force ? { force } : {}) },
          { timeoutMs },
        );
        if (outcome.ok) return { ok: true, roomId, action: body.action, result: outcome.result ?? {} };
        const error = outcome.error ?? { code: 'failed', message: 'the room did not say why' };
        return reply.code(failureStatus[error.code] ?? 502).send({
          ok: false,
          roomId,
          action: body.action,
          code: error.code,
          error: error.message,
        });
      },
    );
  };
}
