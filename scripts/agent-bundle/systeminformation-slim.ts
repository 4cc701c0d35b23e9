/**
 * Stands in for `systeminformation` in the agent's bundle: its index loads every one of its
 * modules (graphics, docker, wifi, printers, bluetooth …) where the agent reads two facts, the SoC
 * temperature and memory (`agent/sensors/host.ts`). Only those two modules are bundled, in a chunk
 * loaded on the host sensor's first read. The build checks that the agent calls nothing else.
 */

import type si from 'systeminformation';
import cpu from 'systeminformation/lib/cpu.js';
import memory from 'systeminformation/lib/memory.js';

export const slimFunctions = ['cpuTemperature', 'mem'] as const;

const slim: Pick<typeof si, (typeof slimFunctions)[number]> = {
  cpuTemperature: cpu.cpuTemperature,
  mem: memory.mem,
};
export default slim;
