/**
 * One operator's order to a room from the dashboard (power, override, the remote actions), the way
 * every such order goes: inside a booked item's change freeze (change-freeze.ts, art. 9.3, 11.1) an
 * order that could cut the room is refused with 409 `freeze` naming the meeting and its window
 * unless forced with a written reason; then it is sent with an expiry equal to the wait (so a room
 * that hears it after the hub gave up never acts on it), and audited once with its outcome: done,
 * refused (by the hub's checks or by the room, with its code), or not answered.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandOutcome } from '../commands/command-client.js';
import type { Freeze } from '../schedule/change-freeze.js';
import { actorOf } from '../security/access-guard.js';
import type { AuditLog } from '../security/audit-log.js';
import { recordAnswer } from '../security/audit-trail.js';

export interface RoomCommands {
  send(
    roomId: string,
    name: string,
    args: Record<string, unknown>,
    options: { timeoutMs: number; ttlMs: number },
  ): Promise<CommandOutcome>;
}

export interface OrderDeps {
  commands: RoomCommands;
  audit: Pick<AuditLog, 'record'>;
  /** The change freeze that holds for the room now, or null. */
  freezeOf: (roomId: string) => Promise<Freeze | null>;
  /** How long the room has to answer; the order lapses then. */
  timeoutMs: number;
}

export interface Order {
  roomId: string;
  /** What the operator asked, as the answer and the audit log name it (`off`, `codec.restart`). */
  action: string;
  /** The audit log's name for it (`power.off`, `room.codec.restart`). */
  auditAction: string;
  command: string;
  args: Record<string, unknown>;
  /** Whether the change freeze refuses it (an off, a standby, a restart; never an on or a wake). */
  frozen: boolean;
  force: boolean;
  /** The operator's written reason, trimmed; empty when none. */
  written: string;
  /** More the audit log keeps about it (`until`, `state`). */
  details?: Record<string, unknown>;
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

/**
 * Answers an order and records it once, with the outcome read from the answer (audit-trail.ts): a
 * refusal before anything was sent too, under the order's name as far as it is known. The answer
 * goes once the row is stored.
 */
export function auditedAnswer(
  audit: Pick<AuditLog, 'record'>,
  req: FastifyRequest,
  reply: FastifyReply,
  action: string,
  details: Record<string, unknown>,
) {
  return async (status: number, body: object) => {
    await recordAnswer(audit, req, action, details, status, body);
    return reply.code(status).send(body);
  };
}

export async function orderRoom(deps: OrderDeps, req: FastifyRequest, reply: FastifyReply, order: Order) {
  const { roomId, action, force, written } = order;
  const actor = actorOf(req);
  const frozen = order.frozen ? await deps.freezeOf(roomId) : null;
  const answer = auditedAnswer(deps.audit, req, reply, order.auditAction, {
    roomId,
    ...order.details,
    force,
    ...(written ? { reason: written } : {}),
    ...(frozen ? { freeze: frozen.meetingId } : {}),
  });
  if (frozen && !force)
    return answer(409, {
      ok: false,
      roomId,
      action,
      code: 'freeze',
      error: `change freeze of "${frozen.title}" (${frozen.window}) from ${frozen.from} to ${frozen.to}: send force with a written reason to ${action} anyway`,
      freeze: frozen,
    });
  if (frozen && written.length < MIN_REASON)
    return answer(400, {
      code: 'reason-required',
      error: `reason: forcing ${action} inside the change freeze of "${frozen.title}" needs a written reason`,
      field: 'reason',
      rule: 'reason-required',
    });
  const reason = written ? `${actor}: ${written}` : `dashboard: ${actor}`;
  const outcome = await deps.commands.send(
    roomId,
    order.command,
    { ...order.args, reason, ...(force ? { force } : {}) },
    { timeoutMs: deps.timeoutMs, ttlMs: deps.timeoutMs },
  );
  if (outcome.ok) return answer(200, { ok: true, roomId, action, result: outcome.result ?? {} });
  const error = outcome.error ?? { code: 'failed', message: 'the room did not say why' };
  return answer(failureStatus[error.code] ?? 502, {
    ok: false,
    roomId,
    action,
    code: error.code,
    error: error.message,
  });
}
