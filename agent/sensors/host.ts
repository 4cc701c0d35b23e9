/**
 * The controller itself: SoC temperature and memory (systeminformation), load and uptime, free
 * space where the agent keeps its data, Raspberry Pi throttling (`vcgencmd get_throttled`: an
 * under-voltage Pi corrupts its SD card) and clock sync (`timedatectl`, else `chronyc`): a Pi has
 * no RTC, so until it syncs every timestamp it sends may be wrong.
 *
 *   "host": { "enabled": true, "toolsIntervalSec": 60 }
 */
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import type { ProcessRunner } from '../../shared/probes/process-runner.js';
import type { HostSensor } from '../adapters.js';
import { parseChronyTracking, parseThrottled, parseTimedatectl, type Throttled } from './host-facts.js';

type HostReading = Awaited<ReturnType<HostSensor['read']>>;

/** What the operating system tells about itself; each fact null when it cannot be had. */
export interface SystemFacts {
  cpuTempC(): Promise<number | null>;
  memUsedPct(): Promise<number | null>;
  load1(): number;
  uptimeSec(): number;
  diskFreeMb(dir: string): Promise<number | null>;
}

export const systemFacts: SystemFacts = {
  async cpuTempC() {
    // Loaded on first use: the module is large, and a simulated room never needs it.
    const si = (await import('systeminformation')).default;
    const t = await si.cpuTemperature();
    return typeof t.main === 'number' ? t.main : null;
  },
  async memUsedPct() {
    const si = (await import('systeminformation')).default;
    const m = await si.mem();
    // `active` leaves out the page cache, which the kernel gives back on demand.
    return m.total > 0 ? (m.active / m.total) * 100 : null;
  },
  load1: () => os.loadavg()[0] ?? 0,
  uptimeSec: () => os.uptime(),
  // statfs of the folder itself, rather than matching it against every mount: exact and cheap.
  diskFreeMb: (dir) =>
    statfs(dir).then(
      (s) => (s.bavail * s.bsize) / 1024 / 1024,
      () => null,
    ),
};

export interface HostOptions {
  dataDir: string;
  /** How often the external tools run; they cost a process each, the rest is read every time. */
  toolsIntervalSec: number;
}

/** The tools answer at once; one that hangs is given up on, as unknown. */
const TOOL_TIMEOUT = { timeoutMs: 3000 };

export class HostMonitor implements HostSensor {
  private tools: { at: number; throttled: Throttled | null; clockSynced: boolean | null } | null = null;

  constructor(
    private readonly options: HostOptions,
    private readonly runner: ProcessRunner,
    private readonly system: SystemFacts = systemFacts,
    private readonly now: () => number = Date.now,
  ) {}

  async read(): Promise<HostReading> {
    const [cpuTempC, memUsedPct, diskFreeMb, tools] = await Promise.all([
      this.system.cpuTempC().catch(() => null),
      this.system.memUsedPct().catch(() => null),
      this.system.diskFreeMb(this.options.dataDir),
      this.toolFacts(),
    ]);
    return {
      cpuTempC: round(cpuTempC),
      load1: round(this.system.load1()),
      memUsedPct: round(memUsedPct),
      diskFreeMb: round(diskFreeMb),
      uptimeSec: Math.round(this.system.uptimeSec()),
      throttled: tools.throttled,
      clockSynced: tools.clockSynced,
    };
  }

  /** Clock sync alone, read now (for `doctor`), with what was tried when it cannot be told. */
  async clock(): Promise<{ synced: boolean | null; detail: string }> {
    const t = await this.runner('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], TOOL_TIMEOUT);
    const fromTimedatectl = t.code === 0 ? parseTimedatectl(t.stdout) : null;
    if (fromTimedatectl !== null) return { synced: fromTimedatectl, detail: 'timedatectl NTPSynchronized' };
    const c = await this.runner('chronyc', ['tracking'], TOOL_TIMEOUT);
    const fromChrony = c.code === 0 ? parseChronyTracking(c.stdout) : null;
    if (fromChrony !== null) return { synced: fromChrony, detail: 'chronyc tracking' };
    const why = (r: typeof t) => r.error ?? (r.stderr.trim().split('\n')[0] || `exit ${r.code}`);
    return { synced: null, detail: `timedatectl: ${why(t)}; chronyc: ${why(c)}` };
  }

  private async toolFacts(): Promise<{ throttled: Throttled | null; clockSynced: boolean | null }> {
    const now = this.now();
    if (this.tools && now - this.tools.at < this.options.toolsIntervalSec * 1000) return this.tools;
    const [vc, clock] = await Promise.all([
      this.runner('vcgencmd', ['get_throttled'], TOOL_TIMEOUT),
      this.clock(),
    ]);
    this.tools = {
      at: now,
      throttled: vc.code === 0 ? parseThrottled(vc.stdout) : null,
      clockSynced: clock.synced,
    };
    return this.tools;
  }
}

function round(n: number | null): number | null {
  return n === null || !Number.isFinite(n) ? null : Math.round(n * 10) / 10;
}
