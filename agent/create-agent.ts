import type { Logger } from '../shared/logger.js';
import { AdapterSource } from './adapter-source.js';
import type { RoomAdapters } from './adapters.js';
import { Agent } from './agent.js';
import type { AgentConfig } from './config.js';
import { edgeConfigFrom, roomSensors } from './sensors/room-sensors.js';
import { seedFromString } from './sim/seeded-random.js';
import { SimHardware } from './sim/sim-hardware.js';

/**
 * The real adapters named by the configuration. Each kind (sensors, probes) adds its own here as
 * it lands; until then a real room reads as unknown in those parts.
 */
function realAdapters(config: AgentConfig): RoomAdapters {
  return {
    // sensors: UPS, climate, host (agent/sensors/room-sensors.ts)
    ...roomSensors(config),
  };
}

/** Composes an agent from its configuration: simulated hardware with `simulate`, real adapters otherwise. */
export function createAgent(config: AgentConfig, log: Logger): Agent {
  if (config.simulate) {
    const sim = new SimHardware(config.simSeed || seedFromString(config.roomId));
    return new Agent(config, { source: sim, sim, log });
  }
  return new Agent(config, {
    source: new AdapterSource(realAdapters(config), () => 'on'),
    log,
    edges: edgeConfigFrom(config.sensors),
  });
}
