import type { Logger } from '../shared/logger.js';
import { AdapterSource } from './adapter-source.js';
import type { RoomAdapters } from './adapters.js';
import { Agent } from './agent.js';
import type { AgentConfig } from './config.js';
import { rehearseHandler } from './rehearsal/rehearse-handler.js';
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
  const agent = config.simulate
    ? simulatedAgent(config, log)
    : new Agent(config, { source: new AdapterSource(realAdapters(config), () => 'on'), log });
  // Rehearsals (art. 9.3): judged from the latest readings, which an injected fault updates at once.
  agent.commands.register(
    'rehearse',
    rehearseHandler(() => agent.readings),
  );
  return agent;
}

function simulatedAgent(config: AgentConfig, log: Logger): Agent {
  const sim = new SimHardware(config.simSeed || seedFromString(config.roomId));
  return new Agent(config, { source: sim, sim, log });
}
