/**
 * One operator's order to a room from the dashboard (power, override, the remote actions), the way
 * every such order goes: inside a booked item's change freeze (change-freeze.ts, art. 9.3, 11.1) an
 * order that could cut the room is refused with 409 `freeze` naming the meeting and its window
 * unless forced with a written reason; then it is sent with an expiry equal to the wait (so a room
 * that hears it after the hub gave up never acts on it), and audited once with its outcome: done,
 * refused by the room with its reason, or not answered.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandOutcome } from '../commands/command-client.js';
import type { Freeze } from '../schedule/change-freeze.js';
import { actorOf } from '../security/access-guard.js';
import type { AuditLog } from '../security/audit-log.js';

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
  freezeOf: (roomId: string) => Freeze | null;
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

export async function orderRoom(deps: OrderDeps, req: FastifyRequest, reply: FastifyReply, order: Order) {
  const { roomId, action, force, written } = order;
  const actor = actorOf(req);
  const frozen = order.frozen ? deps.freezeOf(roomId) : null;
  if (frozen && !force) {
    deps.audit.record(actor, order.auditAction, {
      roomId,
      refused: 'freeze',
      meetingId: frozen.meetingId,
      outcome: 'freeze',
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
  const outcome = await deps.commands.send(
    roomId,
    order.command,
    { ...order.args, reason, ...(force ? { force } : {}) },
    { timeoutMs: deps.timeoutMs, ttlMs: deps.timeoutMs },
  );
  const error = outcome.ok
    ? null
    : (outcome.error ?? { code: 'failed', message: 'the room did not say why' });
  deps.audit.record(actor, order.auditAction, {
    roomId,
    ...order.details,
    force,
    ...(written ? { reason: written } : {}),
    ...(frozen ? { forcedThroughFreeze: frozen.meetingId } : {}),
    outcome: error ? error.code : 'ok',
    ...(error ? { error: error.message.slice(0, 200) } : {}),
  });
  if (!error) return { ok: true, roomId, action, result: outcome.result ?? {} };
  return reply.code(failureStatus[error.code] ?? 502).send({
    ok: false,
    roomId,
    action,
    code: error.code,
    error: error.message,
  });
}
