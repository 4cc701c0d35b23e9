/**
 * The MCU seen from the data centre (art. 2.2-2.5: every room meets through it): SIP OPTIONS to its
 * SIP address and a ping series to its host, on a schedule, each with a timeout. Its state (reachable,
 * round trip, loss, a level with reasons like a room's) is shown above the rooms and groups incidents:
 * when the MCU itself is down, the rooms' failures are one incident. Without an MCU configured the
 * state is `UNKNOWN`, never an error.
 *
 *   "mcu": { "sipUri": "sip:10.0.0.5:5060;transport=tcp", "host": "10.0.0.5", "intervalSec": 15 }
 */
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { type LinkStats, seriesStats } from '../../shared/probes/link-stats.js';
import { pingSeries } from '../../shared/probes/ping.js';
import type { ProcessRunner } from '../../shared/probes/process-runner.js';
import { ScheduledProbe } from '../../shared/probes/scheduled-probe.js';
import { parseSipTarget, type SipResult, sipOptions } from '../../shared/probes/sip-options.js';
import type { Thresholds } from '../readiness.js';
import type { McuConfig } from './settings.js';

export type McuLevel = 'READY' | 'DEGRADED' | 'NOT_READY' | 'UNKNOWN';

export interface McuState {
  configured: boolean;
  /** Whether it answered the last check (SIP, or ping without SIP); null before the first check. */
  reachable: boolean | null;
  sip: { statusCode: number | null; rttMs: number | null; detail: string } | null;
  /** Round trip: the ping series' mean, or the SIP exchange's without ping. */
  rttMs: number | null;
  jitterMs: number | null;
  lossPct: number | null;
  level: McuLevel;
  reasons: string[];
  /** ISO 8601 time of the last check. */
  checkedAt: string | null;
}

export const unconfiguredMcu: McuState = {
  configured: false,
  reachable: null,
  sip: null,
  rttMs: null,
  jitterMs: null,
  lossPct: null,
  level: 'UNKNOWN',
  reasons: ['no MCU configured (mcu.sipUri, mcu.host)'],
  checkedAt: null,
};

const rank: Record<McuLevel, number> = { UNKNOWN: 0, READY: 0, DEGRADED: 1, NOT_READY: 2 };

/** The MCU's level and reasons from one check; pure, with the rooms' link thresholds. */
export function mcuAssessment(
  sip: SipResult | null,
  ping: { stats: LinkStats; detail: string } | null,
  th: Thresholds,
): { level: McuLevel; reasons: string[] } {
  const found: [McuLevel, string][] = [];
  if (sip && !sip.reachable) found.push(['NOT_READY', `MCU not answering SIP: ${sip.detail}`]);
  else if (sip && !sip.ok) found.push(['NOT_READY', `MCU answers SIP ${sip.detail}`]);
  if (ping) {
    const { lossPct, latencyMs, jitterMs } = ping.stats;
    if (lossPct === null) found.push(['DEGRADED', `MCU link not measured: ${ping.detail}`]);
    else if (lossPct >= 100) found.push(['NOT_READY', `MCU not answering ping: ${ping.detail}`]);
    const limits: [string, string, number | null, { degraded: number; notReady: number }][] = [
      ['loss', ' %', lossPct !== null && lossPct < 100 ? lossPct : null, th.lossPct],
      ['latency', ' ms', latencyMs, th.latencyMs],
      ['jitter', ' ms', jitterMs, th.jitterMs],
    ];
    for (const [label, unit, value, t] of limits) {
      if (value === null) continue;
      if (value > t.notReady) found.push(['NOT_READY', `${label} ${value}${unit} to MCU`]);
      else if (value > t.degraded) found.push(['DEGRADED', `${label} ${value}${unit} to MCU`]);
    }
  }
  const level = found.reduce<McuLevel>((worst, [l]) => (rank[l] > rank[worst] ? l : worst), 'READY');
  return { level, reasons: found.map(([, text]) => text) };
}

export class McuMonitor {
  private current: McuState = unconfiguredMcu;
  private timer: unknown = null;
  private readonly probe: ScheduledProbe<McuState> | null = null;

  constructor(
    private readonly config: McuConfig,
    private readonly thresholds: Thresholds,
    private readonly onChange: (state: McuState) => void,
    private readonly run: ProcessRunner,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    if (!config.sipUri && !config.host) return;
    this.current = { ...unconfiguredMcu, configured: true, reasons: ['not checked yet'] };
    const timeoutMs = config.timeoutMs * (config.pingCount + 2) + 2000;
    this.probe = new ScheduledProbe(
      () => this.check(),
      (why) => ({
        ...unconfiguredMcu,
        configured: true,
        reachable: false,
        level: 'NOT_READY',
        reasons: [`MCU check failed: ${why}`],
        checkedAt: this.clock.now().toISOString(),
      }),
      // Due on every tick of the timer below: the timer sets the pace, the probe prevents overlap.
      { intervalMs: 0, timeoutMs },
    );
  }

  get state(): McuState {
    return this.current;
  }

  private async check(): Promise<McuState> {
    const { sipUri, host, pingCount, timeoutMs } = this.config;
    const [sip, ping] = await Promise.all([
      sipUri ? sipOptions(parseSipTarget(sipUri), { timeoutMs }) : null,
      host
        ? pingSeries(this.run, { host, count: pingCount, waitSec: Math.max(1, Math.ceil(timeoutMs / 1000)) })
        : null,
    ]);
    const stats: LinkStats | null = ping?.series
      ? seriesStats(ping.series)
      : ping
        ? { latencyMs: null, jitterMs: null, lossPct: null }
        : null;
    const { level, reasons } = mcuAssessment(
      sip,
      ping && stats ? { stats, detail: ping.detail } : null,
      this.thresholds,
    );
    return {
      configured: true,
      reachable: sip ? sip.reachable : (ping?.reachable ?? null),
      sip: sip ? { statusCode: sip.statusCode, rttMs: sip.rttMs, detail: sip.detail } : null,
      rttMs: stats?.latencyMs ?? sip?.rttMs ?? null,
      jitterMs: stats?.jitterMs ?? null,
      lossPct: stats?.lossPct ?? null,
      level,
      reasons,
      checkedAt: this.clock.now().toISOString(),
    };
  }

  /** Checks now (sharing a check in progress) and tells the listener. */
  async checkNow(): Promise<McuState> {
    if (!this.probe) return this.current;
    const next = await this.probe.read();
    if (next.level !== this.current.level)
      this.log.info({ level: next.level, reasons: next.reasons }, 'MCU level');
    this.current = next;
    this.onChange(next);
    return next;
  }

  start(): void {
    if (!this.probe || this.timer) return;
    void this.checkNow();
    this.timer = this.clock.setInterval(() => void this.checkNow(), this.config.intervalSec * 1000);
  }

  stop(): void {
    if (this.timer) this.clock.clearInterval(this.timer);
    this.timer = null;
  }
}
