/**
 * Link quality from the room to the MCU and to the room's gateway: each run measures a series of
 * round trips (shared/probes/link-series.ts) and gives latency, jitter and loss; limits are raised
 * and cleared with k-of-n hysteresis, so one lost echo on a good line does not page anyone and one
 * good series on a bad line does not clear the alarm.
 *
 * Default limits are those of interactive video in Cisco's Enterprise QoS Solution Reference Network
 * Design Guide (loss no more than 1 %, one-way latency no more than 150 ms, jitter under 30 ms; the
 * 150 ms comes from ITU-T G.114), with loss over 5 % as unusable, as in the hub's readiness
 * thresholds. Our latency is a round trip, so the 150 ms limit is on the safe side.
 *
 *   "probes": { "link": { "mcuHost": "10.0.0.5", "gatewayHost": "192.168.1.1", "method": "icmp" } }
 */
import type { LinkSeries, LinkStats } from '../../shared/probes/link-stats.js';
import { seriesStats } from '../../shared/probes/link-stats.js';
import { ScheduledProbe } from '../../shared/probes/scheduled-probe.js';
import type { Readings } from '../../shared/schemas.js';
import type { LinkProbe } from '../adapters.js';
import type { EdgeEvent } from '../edges.js';

export type LinkMetric = 'lossPct' | 'latencyMs' | 'jitterMs';

export interface LinkRule {
  metric: LinkMetric;
  /** `notReady` raises a critical event, `degraded` a warning. */
  level: 'degraded' | 'notReady';
  /** Beyond this value a series counts against the rule. */
  limit: number;
}

/** Raise when `k` of the last `n` series are beyond the limit; clear when `k` of the last `n` are within. */
export interface KOfN {
  k: number;
  n: number;
}

export const defaultLinkRules: LinkRule[] = [
  { metric: 'lossPct', level: 'degraded', limit: 1 },
  { metric: 'lossPct', level: 'notReady', limit: 5 },
  { metric: 'latencyMs', level: 'degraded', limit: 150 },
  { metric: 'jitterMs', level: 'degraded', limit: 30 },
];

export interface RuleState {
  /** Newest last; true where the series was beyond the limit. Never longer than n. */
  beyond: boolean[];
  raised: boolean;
}

export const initialRuleState: RuleState = { beyond: [], raised: false };

/** One series' value through one rule; null (nothing measured) changes nothing. Pure. */
export function stepRule(
  state: RuleState,
  value: number | null,
  limit: number,
  window: KOfN,
): { state: RuleState; edge: 'raised' | 'cleared' | null } {
  if (value === null) return { state, edge: null };
  const beyond = [...state.beyond, value > limit].slice(-window.n);
  const bad = beyond.filter(Boolean).length;
  const good = beyond.length - bad;
  if (!state.raised && bad >= window.k) return { state: { beyond, raised: true }, edge: 'raised' };
  if (state.raised && good >= window.k) return { state: { beyond, raised: false }, edge: 'cleared' };
  return { state: { beyond, raised: state.raised }, edge: null };
}

export interface LinkTarget {
  /** `mcu` (the reading the agent publishes) or `gateway`. */
  name: string;
  series(signal: AbortSignal): Promise<{ series: LinkSeries | null; detail: string }>;
}

export interface LinkQualityOptions {
  rules: LinkRule[];
  window: KOfN;
  intervalMs: number;
  timeoutMs: number;
}

const noStats: LinkStats = { latencyMs: null, jitterMs: null, lossPct: null };

/** Watches each target on its own schedule; `read()` answers the MCU's figures. */
export class LinkQualityMonitor implements LinkProbe {
  private readonly probes: ScheduledProbe<LinkStats>[];

  constructor(
    targets: LinkTarget[],
    private readonly options: LinkQualityOptions,
    private readonly emit: (event: EdgeEvent) => void,
    now: () => number = Date.now,
  ) {
    this.probes = targets.map((target) => {
      const states = options.rules.map(() => initialRuleState);
      return new ScheduledProbe(
        (signal) => this.measure(target, states, signal),
        () => noStats,
        { intervalMs: options.intervalMs, timeoutMs: options.timeoutMs },
        now,
      );
    });
  }

  /** One series of `target`, through every rule; `states` (one per rule) is this target's own. */
  private async measure(target: LinkTarget, states: RuleState[], signal: AbortSignal): Promise<LinkStats> {
    const { series } = await target.series(signal);
    if (!series) return noStats;
    const stats = seriesStats(series);
    this.options.rules.forEach((rule, i) => {
      const value = stats[rule.metric];
      const step = stepRule(states[i]!, value, rule.limit, this.options.window);
      states[i] = step.state;
      if (!step.edge) return;
      const { k, n } = this.options.window;
      this.emit({
        type: step.edge === 'raised' ? 'threshold.raised' : 'threshold.cleared',
        severity: step.edge === 'cleared' ? 'info' : rule.level === 'notReady' ? 'critical' : 'warning',
        data: {
          metric: rule.metric,
          side: 'max',
          value,
          limit: rule.limit,
          level: rule.level,
          target: target.name,
          window: `${k} of ${n}`,
        },
      });
    });
    return stats;
  }

  /** Runs the series that are due and answers the first target's (the MCU's) latest figures. */
  async read(): Promise<Readings['link']> {
    const all = await Promise.all(this.probes.map((p) => p.read()));
    return all[0] ?? noStats;
  }
}
