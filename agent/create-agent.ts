import type { Logger } from '../shared/logger.js';
import { AdapterSource } from './adapter-source.js';
import type { RoomAdapters } from './adapters.js';
import { Agent } from './agent.js';
import type { AgentConfig } from './config.js';
import type { GpioPort } from './gpio/gpio-port.js';
import { seedFromString } from './sim/seeded-random.js';
import { SimHardware } from './sim/sim-hardware.js';
import { SpeakButton } from './speak/speak-button.js';

/**
 * The real adapters named by the configuration. Each kind (sensors, probes) adds its own here as
 * it lands; until then a real room reads as unknown in those parts.
 */
function realAdapters(_config: AgentConfig): RoomAdapters {
  return {};
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
  const button = speakButton(config, log, ports);
  if (config.simulate) {
    const sim = new SimHardware(config.simSeed || seedFromString(config.roomId));
    return new Agent(config, { source: sim, sim, log, speakButton: button });
  }
  return new Agent(config, {
    source: new AdapterSource(realAdapters(config), () => 'on'),
    log,
    speakButton: button,
  });
}
