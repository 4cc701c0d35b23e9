/**
 * The hub's power commands on this room: `power.on`, `power.off`, `override`, `standby`, `wake`. Arguments
 * are checked here and a bad one is named in the reply; the controller makes every command
 * idempotent and says in its reply what happened (`{power: 'on', changed: false}`). `force` passes
 * a call in progress and the change freeze of a booked item; the hub asks the operator for a written
 * reason and audits it.
 */
import { z } from 'zod';
import { CommandError, type CommandRouter } from '../commands/command-router.js';
import type { PowerController } from './power-controller.js';

const reason = z.string().min(1).max(200);

const powerArgs = z.strictObject({ reason: reason.optional(), force: z.boolean().optional() });
const overrideArgs = z.strictObject({
  state: z.enum(['on', 'off']),
  until: z.iso.datetime({ offset: false, message: 'must be an ISO 8601 UTC time' }),
  reason: reason.optional(),
  force: z.boolean().optional(),
});
const standbyArgs = z.strictObject({ reason: reason.optional(), force: z.boolean().optional() });
const wakeArgs = z.strictObject({ reason: reason.optional() });

function parse<T>(schema: z.ZodType<T>, args: unknown): T {
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
