/**
 * Builds a room's power control from its configuration: relays on the GPIO port, the codec's
 * standby through the codec adapter, or simulated outputs with `--simulate`.
 */
import { ConfigError } from '../../shared/config-file.js';
import type { Logger } from '../../shared/logger.js';
import type { AgentConfig, PowerOutputConfig } from '../config.js';
import type { GpioPort } from '../gpio/gpio-port.js';
import { SimOutput } from '../sim/sim-output.js';
import { type CodecStandby, CodecStandbyOutput } from './codec-standby-output.js';
import { PowerController } from './power-controller.js';
import type { PowerOutput } from './power-output.js';
import { RelayOutput } from './relay-output.js';
import { ScheduleCache } from './schedule-cache.js';
import { defaultSequence } from './sequences.js';
import { commandArgv, execFileRunner, type ProcessRunner } from './shutdown-command.js';

/**
 * A simulated room's equipment when the config names none: typical draws of a meeting room (a 65"
 * display, a small amplifier, a room codec). The lines are only there to be a valid config.
 */
export const simulatedOutputs: PowerOutputConfig[] = [
  { name: 'display', kind: 'relay', line: 'GPIO17', activeLow: true, ratedW: 180 },
  { name: 'amplifier', kind: 'relay', line: 'GPIO27', activeLow: true, ratedW: 60 },
  { name: 'codec', kind: 'codec-standby', ratedW: 45 },
];

export interface PowerPorts {
  log: Logger;
  gpio?: GpioPort;
  codecStandby?: CodecStandby;
  runner?: ProcessRunner;
  clockSynced: () => boolean;
  now?: () => Date;
}

function realOutput(o: PowerOutputConfig, index: number, ports: PowerPorts): PowerOutput {
  if (o.kind === 'relay') {
    if (!ports.gpio) {
      throw new ConfigError(
        `invalid configuration: power.outputs[${index}]: relay "${o.name}" needs a GPIO backend, and none is available on this controller`,
      );
    }
    return new RelayOutput(o, ports.gpio);
  }
  if (!ports.codecStandby) {
    throw new ConfigError(
      `invalid configuration: power.outputs[${index}]: "${o.name}" needs a codec adapter with standby; configure the codec probe`,
    );
  }
  return new CodecStandbyOutput(o.name, o.ratedW, ports.codecStandby);
}

/** The room's power control, or null when the room has no switchable output. */
export function composePower(config: AgentConfig, ports: PowerPorts): PowerController | null {
  const power = config.power;
  const configured = config.simulate && power.outputs.length === 0 ? simulatedOutputs : power.outputs;
  if (configured.length === 0) return null;
  const outputs = configured.map((o, i) =>
    config.simulate ? new SimOutput(o.name, o.ratedW) : realOutput(o, i, ports),
  );
  const names = configured.map((o) => o.name);
  const log = ports.log.child({ part: 'power' });
  const runner: ProcessRunner = config.simulate
    ? async (argv) => {
        log.warn({ command: argv.join(' ') }, 'simulated controller: shutdown command not run');
        return { exitCode: 0, output: '' };
      }
    : (ports.runner ?? execFileRunner);
  const now = ports.now ?? (() => new Date());
  return new PowerController({
    outputs,
    onSequence: power.onSequence.length > 0 ? power.onSequence : defaultSequence(names, 'on'),
    offSequence: power.offSequence.length > 0 ? power.offSequence : defaultSequence(names, 'off'),
    standbyOutputs: configured.filter((o) => o.kind === 'codec-standby').map((o) => o.name),
    policy: {
      warmUpMin: power.warmUpMin,
      quietMin: power.quietMin,
      scheduleMaxAgeH: power.scheduleMaxAgeH,
      upsShutdownPct: power.upsShutdownPct,
    },
    schedule: new ScheduleCache(ScheduleCache.fileFor(config.dataDir, config.roomId), log, now),
    tickSec: power.tickSec,
    retryAfterSec: power.retryAfterSec,
    shutdownArgv: commandArgv(power.shutdownCommand),
    runner,
    clockSynced: ports.clockSynced,
    now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    every: (ms, fn) => {
      const timer = setInterval(fn, ms);
      return () => clearInterval(timer);
    },
    log,
  });
}
