import { ConfigError } from '../shared/config-file.js';
import type { Logger } from '../shared/logger.js';
import { Agent } from './agent.js';
import type { AgentConfig } from './config.js';
import { seedFromString } from './sim/seeded-random.js';
import { SimHardware } from './sim/sim-hardware.js';

/** Composes an agent from its configuration: simulated hardware with `simulate`, real adapters otherwise. */
export function createAgent(config: AgentConfig, log: Logger): Agent {
  if (!config.simulate) {
    throw new ConfigError(
      'simulate: real hardware adapters are not available in this version; run with --simulate',
    );
  }
  const sim = new SimHardware(config.simSeed || seedFromString(config.roomId));
  return new Agent(config, { source: sim, sim, log });
}
