/** The two modules of systeminformation the slim stand-in takes (the package types its index only). */
declare module 'systeminformation/lib/cpu.js' {
  import type si from 'systeminformation';

  const cpu: Pick<typeof si, 'cpuTemperature'>;
  export default cpu;
}
declare module 'systeminformation/lib/memory.js' {
  import type si from 'systeminformation';

  const memory: Pick<typeof si, 'mem'>;
  export default memory;
}
