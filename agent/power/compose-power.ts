/**
 * Builds a room's power control from its configuration (relays on the GPIO port, the codec's
 * standby through the codec adapter, or simulated outputs with `--simulate`) and its UPS protection.
 */
import type { Clock } from '../../shared/clock.js';
import { ConfigError } from '../../shared/config-file.js';
import type { Logger } from '../../shared/logger.js';
import { type ProcessRunner, spawnRunner } from '../../shared/probes/process-runner.js';
import type { AgentPart } from '../agent-part.js';
import type { AgentConfig } from '../config.js';
import type { GpioPort } from '../gpio/gpio-port.js';
import { SimOutput } from '../sim/sim-output.js';
import { type CodecStandby, CodecStandbyOutput, NO_STANDBY_OUTPUT } from './codec-standby-output.js';
import { PowerController } from './power-controller.js';
import type { PowerOutput } from './power-output.js';
import { RelayOutput } from './relay-output.js';
import { ScheduleCache } from './schedule-cache.js';
import { defaultSequence } from './sequences.js';
import type { PowerOutputConfig } from './settings.js';
import { commandArgv } from './shutdown-command.js';
import { UpsGuard } from './ups-guard.js';
import { type UpsProtectionConfig, UpsTracker } from './ups-protection.js';

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
  /** Why the codec adapter has no standby, when it has none (room-probes.ts). */
  noStandby?: string;
  runner?: ProcessRunner;
  clockSynced: () => boolean;
  clock: Clock;
  /** A simulated controller's halt (the simulated agent stops); the shutdown command otherwise. */
  simulatedHalt?: () => void;
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
      `invalid configuration: power.outputs[${index}]: "${o.name}" needs a codec adapter with standby (${ports.noStandby ?? 'configure the codec probe'})`,
    );
  }
  return new CodecStandbyOutput(o.name, o.ratedW, ports.codecStandby);
}

export interface RoomPower {
  /** Null when the room has no switchable output. */
  control: PowerController | null;
  /** The UPS's protection, present in every room: a controller without outputs still has itself to save. */
  guard: UpsGuard;
  /** The agent parts, in the order they must see each sample (the guard's verdict first). */
  parts: AgentPart[];
}

export function upsProtectionConfig(config: AgentConfig): UpsProtectionConfig {
  return {
    shutdownPct: config.power.upsShutdownPct,
    shutdownRuntimeSec: config.power.upsShutdownRuntimeSec,
    maxOnBatterySec: config.power.upsMaxOnBatterySec,
  };
}

/** The room's power control and UPS protection from its configuration. */
export function composePower(config: AgentConfig, ports: PowerPorts): RoomPower {
  const power = config.power;
  const log = ports.log.child({ part: 'power' });
  const tracker = new UpsTracker(upsProtectionConfig(config), ports.clock.now);
  const control = powerControl(config, ports, tracker, log);
  const simulatedHalt = ports.simulatedHalt;
  const runner: ProcessRunner = config.simulate
    ? async (program, args) => {
        log.warn(
          { command: [program, ...args].join(' ') },
          'simulated controller: halting instead of running the command',
        );
        simulatedHalt?.();
        return { code: 0, stdout: '', stderr: '' };
      }
    : (ports.runner ?? spawnRunner);
  const guard = new UpsGuard({
    tracker,
    switchOff: control ? () => control.evaluate() : null,
    shutdownArgv: commandArgv(power.shutdownCommand),
    runner,
    log: ports.log.child({ part: 'ups-guard' }),
  });
  return { control, guard, parts: control ? [guard, control] : [guard] };
}

function powerControl(
  config: AgentConfig,
  ports: PowerPorts,
  tracker: UpsTracker,
  log: Logger,
): PowerController | null {
  const power = config.power;
  const configured = config.simulate && power.outputs.length === 0 ? simulatedOutputs : power.outputs;
  if (configured.length === 0) return null;
  const outputs = configured.map((o, i) =>
    config.simulate ? new SimOutput(o.name, o.ratedW) : realOutput(o, i, ports),
  );
  const names = configured.map((o) => o.name);
  return new PowerController({
    outputs,
    onSequence: power.onSequence.length > 0 ? power.onSequence : defaultSequence(names, 'on'),
    offSequence: power.offSequence.length > 0 ? power.offSequence : defaultSequence(names, 'off'),
    standbyOutputs: configured.filter((o) => o.kind === 'codec-standby').map((o) => o.name),
    noStandby: ports.codecStandby || config.simulate ? NO_STANDBY_OUTPUT : ports.noStandby,
    policy: { warmUpMin: power.warmUpMin, quietMin: power.quietMin, scheduleMaxAgeH: power.scheduleMaxAgeH },
    schedule: new ScheduleCache(ScheduleCache.fileFor(config.dataDir, config.roomId), log, ports.clock.now),
    tickSec: power.tickSec,
    retryAfterSec: power.retryAfterSec,
    bootDeadlineSec: config.probes.codec.bootDeadlineSec,
    ups: () => tracker.verdict(),
    clockSynced: ports.clockSynced,
    clock: ports.clock,
    log,
  });
}
