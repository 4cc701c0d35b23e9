import { type Clock, systemClock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { spawnRunner } from '../shared/probes/process-runner.js';
import { AdapterSource } from './adapter-source.js';
import type { RoomAdapters } from './adapters.js';
import { Agent } from './agent.js';
import type { AgentConfig } from './config.js';
import type { EdgeConfig } from './edges.js';
import type { GpioPort } from './gpio/gpio-port.js';
import { timesyncdSynced } from './power/clock-synced.js';
import { composePower, type RoomPower } from './power/compose-power.js';
import { roomProbes } from './probes/room-probes.js';
import { rehearseHandler } from './rehearsal/rehearse-handler.js';
import { edgeConfigFrom, realPorts, roomSensors } from './sensors/room-sensors.js';
import { seedFromString } from './sim/seeded-random.js';
import { SimHardware } from './sim/sim-hardware.js';
import { SpeakButton } from './speak/speak-button.js';

/** Kernel ports the agent's adapters use; the GPIO backend is passed in by whoever owns the board. */
export interface AgentPorts {
  gpio?: GpioPort;
  /** The clock of every decision and timer; the system clock unless a test runs a virtual day. */
  clock?: Clock;
  /**
   * Simulated controllers only: what their halt on a critical UPS does once the agent has stopped
   * (the demo boots the room again a while later, as a real one would when the mains return).
   */
  afterHalt?: () => void;
}

function speakButton(config: AgentConfig, log: Logger, gpio: GpioPort | undefined): SpeakButton | undefined {
  if (!config.speakButton.line) return undefined;
  if (!gpio) {
    log.error(
      { line: config.speakButton.line },
      'speakButton.line is set but no GPIO backend was given; button ignored',
    );
    return undefined;
  }
  return new SpeakButton(gpio, config.speakButton, log);
}

/** Composes an agent from its configuration: simulated hardware with `simulate`, real adapters otherwise. */
export function createAgent(config: AgentConfig, log: Logger, ports: AgentPorts = {}): Agent {
  const clock = ports.clock ?? systemClock;
  const { agent, power } = config.simulate
    ? simulatedAgent(config, log, ports, clock)
    : realAgent(config, log, ports, clock);
  // Rehearsals (art. 9.3): the room is held on, waited for, and judged from samples taken after power-on.
  agent.commands.register(
    'rehearse',
    rehearseHandler({
      sample: () => agent.sampleNow(),
      power: power.control,
      clock,
      bootDeadlineSec: config.probes.codec.bootDeadlineSec,
      pollSec: 1,
    }),
  );
  return agent;
}

interface Composed {
  agent: Agent;
  power: RoomPower;
}

function simulatedAgent(config: AgentConfig, log: Logger, ports: AgentPorts, clock: Clock): Composed {
  const ref: { agent?: Agent } = {};
  const power = composePower(config, {
    log,
    gpio: ports.gpio,
    // A simulated room trusts the machine's clock.
    clockSynced: () => true,
    clock,
    // A simulated controller that halts goes offline as a real one would.
    simulatedHalt: () => setImmediate(() => void ref.agent?.stop().then(() => ports.afterHalt?.())),
  });
  const sim = new SimHardware(config.simSeed || seedFromString(config.roomId), {
    powerState: () => power.control?.state ?? 'on',
    now: clock.now,
    codecBootSec: config.simCodecBootSec,
  });
  ref.agent = new Agent(config, {
    source: sim,
    sim,
    log,
    speakButton: speakButton(config, log, ports.gpio),
    parts: power.parts,
    clock,
  });
  return { agent: ref.agent, power };
}

/**
 * A real room: sensors (UPS, climate, host) and probes (codec, link) from the configuration, on the
 * controller's kernel ports; power control drives the relays on its GPIO and the codec's standby.
 */
function realAgent(config: AgentConfig, log: Logger, ports: AgentPorts, clock: Clock): Composed {
  const sensorPorts = realPorts(config.sensors);
  const gpio = ports.gpio ?? sensorPorts.gpio;
  const ref: { agent?: Agent } = {};
  // Probes report their own edges (configuration drift, link limits with hysteresis).
  const { standby, ...probes } = roomProbes(config.probes, (event) => ref.agent?.emit(event), spawnRunner);
  const adapters: RoomAdapters = { ...roomSensors(config, sensorPorts), ...probes };
  const timesyncd = timesyncdSynced();
  const power = composePower(config, {
    log,
    gpio,
    ...(standby ? { codecStandby: standby } : {}),
    // No RTC on a Pi: no scheduled switching until the clock is synchronised. The host sensor's
    // reading (timedatectl, chrony) when it has one, systemd-timesyncd's flag file otherwise.
    clockSynced: () => ref.agent?.readings.host?.clockSynced ?? timesyncd(),
    clock,
  });
  const sensed = edgeConfigFrom(config.sensors);
  // The link monitor raises link limits itself, k of n; the per-sample edges would repeat them.
  const edges: EdgeConfig = adapters.link
    ? {
        ...sensed,
        limits: sensed.limits.filter((l) => !['latencyMs', 'jitterMs', 'lossPct'].includes(l.metric)),
      }
    : sensed;
  ref.agent = new Agent(config, {
    source: new AdapterSource(adapters, () => power.control?.state ?? 'on'),
    log,
    speakButton: speakButton(config, log, gpio),
    parts: power.parts,
    edges,
    clock,
  });
  return { agent: ref.agent, power };
}
