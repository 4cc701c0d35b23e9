import type { Logger } from '../shared/logger.js';
import { spawnRunner } from '../shared/probes/process-runner.js';
import { AdapterSource } from './adapter-source.js';
import type { RoomAdapters } from './adapters.js';
import { Agent } from './agent.js';
import type { AgentPart } from './agent-part.js';
import type { AgentConfig } from './config.js';
import type { EdgeConfig, EdgeEvent } from './edges.js';
import type { GpioPort } from './gpio/gpio-port.js';
import { timesyncdSynced } from './power/clock-synced.js';
import { composePower } from './power/compose-power.js';
import type { PowerController } from './power/power-controller.js';
import { roomProbes } from './probes/room-probes.js';
import { rehearseHandler } from './rehearsal/rehearse-handler.js';
import { edgeConfigFrom, realPorts, roomSensors, type SensorPorts } from './sensors/room-sensors.js';
import { seedFromString } from './sim/seeded-random.js';
import { SimHardware } from './sim/sim-hardware.js';
import { SpeakButton } from './speak/speak-button.js';

/**
 * The real adapters named by the configuration. Each kind (sensors, probes) adds its own here as
 * it lands; until then a real room reads as unknown in those parts. Probes report their own edges
 * (configuration drift, link limits with hysteresis) through `emit`.
 */
function realAdapters(
  config: AgentConfig,
  emit: (event: EdgeEvent) => void,
  ports: SensorPorts,
): RoomAdapters {
  return {
    // sensors: UPS, climate, host (agent/sensors/room-sensors.ts)
    ...roomSensors(config, ports),
    // probes: codec, link (agent/probes/room-probes.ts)
    ...roomProbes(config.probes, emit, spawnRunner),
  };
}

/** Kernel ports the agent's adapters use; the GPIO backend is passed in by whoever owns the board. */
export interface AgentPorts {
  gpio?: GpioPort;
}

function speakButton(config: AgentConfig, log: Logger, ports: AgentPorts): SpeakButton | undefined {
  if (!config.speakButton.line) return undefined;
  if (!ports.gpio) {
    log.error(
      { line: config.speakButton.line },
      'speakButton.line is set but no GPIO backend was given; button ignored',
    );
    return undefined;
  }
  return new SpeakButton(ports.gpio, config.speakButton, log);
}

/** Composes an agent from its configuration: simulated hardware with `simulate`, real adapters otherwise. */
export function createAgent(config: AgentConfig, log: Logger, ports: AgentPorts = {}): Agent {
  // A real controller's kernel ports (sysfs, GPIO, processes); a simulated room has none.
  const sensorPorts = config.simulate ? null : realPorts(config.sensors);
  const gpio = ports.gpio ?? sensorPorts?.gpio;
  const button = speakButton(config, log, { gpio });
  // Simulated rooms trust the machine's clock; a real controller waits for NTP (no RTC on a Pi).
  const power: PowerController | null = composePower(config, {
    log,
    gpio,
    clockSynced: config.simulate ? () => true : timesyncdSynced(),
  });
  const room: RoomParts = {
    speakButton: button,
    parts: power ? [power] : [],
    powerState: () => power?.state ?? 'on',
  };
  const agent = sensorPorts ? realAgent(config, log, room, sensorPorts) : simulatedAgent(config, log, room);
  // Rehearsals (art. 9.3): judged from the latest readings, which an injected fault updates at once.
  agent.commands.register(
    'rehearse',
    rehearseHandler(() => agent.readings),
  );
  return agent;
}

/** What simulated and real rooms share: the speak button, power control and its state. */
interface RoomParts {
  speakButton: SpeakButton | undefined;
  parts: AgentPart[];
  powerState: () => 'on' | 'off';
}

function simulatedAgent(config: AgentConfig, log: Logger, room: RoomParts): Agent {
  const sim = new SimHardware(config.simSeed || seedFromString(config.roomId), room.powerState);
  return new Agent(config, { source: sim, sim, log, speakButton: room.speakButton, parts: room.parts });
}

function realAgent(config: AgentConfig, log: Logger, room: RoomParts, ports: SensorPorts): Agent {
  let agent: Agent | null = null;
  const adapters = realAdapters(config, (event) => agent?.emit(event), ports);
  const sensed = edgeConfigFrom(config.sensors);
  // The link monitor raises link limits itself, k of n; the per-sample edges would repeat them.
  const edges: EdgeConfig = adapters.link
    ? {
        ...sensed,
        limits: sensed.limits.filter((l) => !['latencyMs', 'jitterMs', 'lossPct'].includes(l.metric)),
      }
    : sensed;
  agent = new Agent(config, {
    source: new AdapterSource(adapters, room.powerState),
    log,
    speakButton: room.speakButton,
    parts: room.parts,
    edges,
  });
  return agent;
}
