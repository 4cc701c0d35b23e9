import type { Logger } from '../shared/logger.js';
import { AdapterSource } from './adapter-source.js';
import type { RoomAdapters } from './adapters.js';
import { Agent } from './agent.js';
import type { AgentConfig } from './config.js';
import { timesyncdSynced } from './power/clock-synced.js';
import { composePower } from './power/compose-power.js';
import type { PowerController } from './power/power-controller.js';
import { seedFromString } from './sim/seeded-random.js';
import { SimHardware } from './sim/sim-hardware.js';

/**
 * The real adapters named by the configuration. Each kind (sensors, probes) adds its own here as
 * it lands; until then a real room reads as unknown in those parts.
 */
function realAdapters(_config: AgentConfig): RoomAdapters {
  return {};
}

/** Composes an agent from its configuration: simulated hardware with `simulate`, real adapters otherwise. */
export function createAgent(config: AgentConfig, log: Logger): Agent {
  // Simulated rooms trust the machine's clock; a real controller waits for NTP (no RTC on a Pi).
  const power: PowerController | null = composePower(config, {
    log,
    clockSynced: config.simulate ? () => true : timesyncdSynced(),
  });
  const parts = power ? [power] : [];
  const powerState = () => power?.state ?? 'on';
  if (config.simulate) {
    const sim = new SimHardware(config.simSeed || seedFromString(config.roomId), powerState);
    return new Agent(config, { source: sim, sim, log, parts });
  }
  return new Agent(config, { source: new AdapterSource(realAdapters(config), powerState), log, parts });
}
