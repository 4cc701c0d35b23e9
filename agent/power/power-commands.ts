/**
 * The hub's power commands on this room: `power.on`, `power.off`, `override`, `standby`, `wake`. Arguments
 * are checked here and a bad one is named in the reply; the controller makes every command
 * idempotent and says in its reply what happened (`{power: 'on', changed: false}`). `force` passes
 * a call in progress and the change freeze of a booked item; the hub asks the operator for a written
 * reason and audits it.
 */
import * as z from '../../shared/zod-mini.js';
import { CommandError, type CommandRouter } from '../commands/command-router.js';
import type { PowerController } from './power-controller.js';

const reason = z.string().check(z.minLength(1), z.maxLength(200));

const powerArgs = z.strictObject({ reason: z.optional(reason), force: z.optional(z.boolean()) });
const overrideArgs = z.strictObject({
  state: z.enum(['on', 'off']),
  until: z.iso.datetime({ offset: false, message: 'must be an ISO 8601 UTC time' }),
  reason: z.optional(reason),
  force: z.optional(z.boolean()),
});
const standbyArgs = z.strictObject({ reason: z.optional(reason), force: z.optional(z.boolean()) });
const wakeArgs = z.strictObject({ reason: z.optional(reason) });

function parse<T>(schema: z.ZodMiniType<T>, args: unknown): T {
  const result = schema.safeParse(args);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : '(arguments)';
  throw new CommandError('bad-args', `${where}: ${issue.message}`);
}

export function registerPowerCommands(commands: CommandRouter, power: PowerController): void {
  commands.register('power.on', (args) => power.powerOn(parse(powerArgs, args)));
  commands.register('power.off', (args) => power.powerOff(parse(powerArgs, args)));
  commands.register('override', (args) => power.setOverride(parse(overrideArgs, args)));
  commands.register('standby', (args) => power.standby(parse(standbyArgs, args)));
  commands.register('wake', (args) => power.wake(parse(wakeArgs, args)));
}
