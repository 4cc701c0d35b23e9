/**
 * The hub's commands on the codec's configuration (art. 5.3): `config.read` reads the watched values
 * (those named, or the API's default list, watched-config.ts) so the operator can approve the room's
 * current configuration; `config.baseline` delivers an approved baseline, which the agent keeps on
 * disk, watches from then on and checks at once, answering the differences it finds.
 */
import type { Logger } from '../../shared/logger.js';
import * as z from '../../shared/zod-mini.js';
import { CommandError, type CommandRouter } from '../commands/command-router.js';
import { approvedBaseline, type BaselineStore } from './baseline-store.js';
import type { ConfigDriftWatch, ConfigSource } from './config-drift.js';

export interface ConfigCommandDeps {
  source: ConfigSource;
  watch: ConfigDriftWatch;
  store: BaselineStore;
  /** The API's keys read when none are named. */
  defaultKeys: readonly string[];
  /** `xapi`, `poly` or `sim`: which key names the values use. */
  kind: string;
  log: Logger;
}

const readArgs = z.strictObject({
  keys: z.optional(
    z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.minLength(1), z.maxLength(64)),
  ),
});

function parse<T>(schema: z.ZodMiniType<T>, args: unknown): T {
  const r = schema.safeParse(args);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new CommandError('bad-args', `${issue.path.join('.') || '(arguments)'}: ${issue.message}`);
}

export function registerConfigCommands(commands: CommandRouter, deps: ConfigCommandDeps): void {
  commands.register('config.read', async (args) => {
    const keys = parse(readArgs, args).keys ?? deps.defaultKeys;
    const read = await deps.source.readConfig(keys);
    if (!read.ok)
      throw new CommandError('failed', `the codec's configuration could not be read: ${read.detail}`);
    return { kind: deps.kind, values: read.values };
  });
  commands.register('config.baseline', async (args) => {
    const baseline = parse(approvedBaseline, args);
    deps.store.save(baseline);
    deps.watch.setBaseline(baseline.values);
    deps.log.info(
      { hash: baseline.hash, keys: Object.keys(baseline.values).length },
      'approved baseline received',
    );
    const check = await deps.watch.check();
    if (!check.ok) return { hash: baseline.hash, checked: false, detail: check.detail };
    return {
      hash: baseline.hash,
      checked: true,
      drifts: check.drifts.map((d) => ({ key: d.key, approved: d.expected, found: d.actual })),
    };
  });
}
