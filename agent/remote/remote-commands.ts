/**
 * The operator's remote actions on the room that power control does not own (standby and wake are
 * power control's, power-commands.ts; a room without power control refuses them here, saying why):
 * `codec.restart` (Cisco `xCommand SystemUnit Boot Action: Restart`, Poly `POST /rest/system/reboot`,
 * the simulated codec) and `controller.reboot` (the controller itself, `power.rebootCommand`). Both cut what the room is doing, so both are refused
 * during a call and inside the change freeze of a booked item (art. 9.3, 11.1: rooms proven ready are
 * left alone) unless forced, which the hub allows only with a written reason and audits. A reboot is
 * answered first and done a moment later, so the hub hears that it was accepted.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import * as z from '../../shared/zod-mini.js';
import type { CallOutcome } from '../call/test-call-codec.js';
import { CommandError, type CommandRouter } from '../commands/command-router.js';
import { noStandby } from '../power/codec-standby-output.js';
import type { ScheduleItem } from '../power/power-intents.js';

/** A codec API that can restart the codec. */
export interface CodecRestart {
  restart(): Promise<CallOutcome<null>>;
}

export interface RemoteCommandDeps {
  codec: CodecRestart | null;
  /** Restarts the controller (the shutdown runner with `power.rebootCommand`, or a simulated reboot). */
  reboot: () => Promise<void>;
  frozenBy: () => ScheduleItem | null;
  inCall: () => boolean;
  clock: Clock;
  log: Logger;
  /**
   * Why the room cannot put its codec in standby, when it has no power control to own standby and
   * wake: both are then refused with it, not left unknown to the room.
   */
  noStandby?: string;
}

const args = z.strictObject({
  reason: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  force: z.optional(z.boolean()),
});

/** The moment between answering a reboot and doing it, so the answer leaves first. */
const REBOOT_AFTER_MS = 2000;

function guard(deps: RemoteCommandDeps, action: string, raw: unknown): { reason: string; force: boolean } {
  const parsed = args.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CommandError('bad-args', `${issue.path.join('.') || '(arguments)'}: ${issue.message}`);
  }
  const force = parsed.data.force ?? false;
  const reason = parsed.data.reason ?? `${action} command`;
  if (deps.inCall() && !force)
    throw new CommandError('refused', `a call is in progress; send force: true to ${action} anyway`);
  const frozen = deps.frozenBy();
  if (frozen && !force)
    throw new CommandError(
      'refused',
      `change freeze: ${frozen.emergency ? 'emergency ' : ''}${frozen.kind} ${frozen.id} from ${frozen.start} to ${frozen.end}; send force: true with a written reason to ${action} anyway`,
    );
  deps.log.warn({ action, reason, force, frozenBy: frozen?.id ?? null }, `${action} ordered`);
  return { reason, force };
}

export function registerRemoteCommands(commands: CommandRouter, deps: RemoteCommandDeps): void {
  const why = deps.noStandby;
  if (why !== undefined)
    for (const name of ['standby', 'wake'])
      commands.register(name, async () => {
        throw noStandby(why);
      });
  commands.register('codec.restart', async (raw) => {
    if (!deps.codec) throw new CommandError('refused', 'this room’s codec probe cannot restart the codec');
    const { reason } = guard(deps, 'restart the codec', raw);
    const r = await deps.codec.restart();
    if (!r.ok) throw new CommandError('failed', `the codec refused the restart: ${r.detail}`);
    return { restarting: true, reason };
  });
  commands.register('controller.reboot', async (raw) => {
    const { reason } = guard(deps, 'reboot the controller', raw);
    deps.clock.setTimeout(() => {
      deps.reboot().catch((err: Error) => deps.log.error({ err: err.message }, 'reboot failed'));
    }, REBOOT_AFTER_MS);
    return { rebooting: true, inSec: REBOOT_AFTER_MS / 1000, reason };
  });
}
