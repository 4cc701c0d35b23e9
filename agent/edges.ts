/**
 * Turns two successive readings into the events of the wire contract: mains lost/restored, UPS low,
 * codec down/up, call started/ended, and thresholds crossed. Pure: the agent keeps the state.
 * A threshold is raised past its limit and cleared only once back inside by a margin, so a value
 * hovering at the limit does not produce a stream of events. With `confirm`, a crossing must also be
 * seen in k of the last n samples (raise and clear alike), so one noisy reading of a cheap sensor
 * (a DHT22 misread) does not raise anything.
 */
import type { EventType, Readings, Severity } from '../shared/schemas.js';

export interface EdgeEvent {
  type: EventType;
  severity: Severity;
  data: Record<string, string | number | boolean | null>;
}

export interface Limit {
  metric: 'tempC' | 'humidityPct' | 'latencyMs' | 'jitterMs' | 'lossPct';
  min?: number;
  max?: number;
  /** How far back inside the limit the value must come before the crossing clears. */
  clearMargin: number;
}

export interface EdgeConfig {
  limits: Limit[];
  upsLowPct: number;
  /** k of n: how many of the last `window` samples must agree before a threshold is raised or cleared. */
  confirm?: { samples: number; window: number };
}

/** Meeting-room defaults; the sources are those of the hub's readiness thresholds. */
export const defaultEdgeConfig: EdgeConfig = {
  upsLowPct: 30,
  limits: [
    { metric: 'tempC', min: 16, max: 32, clearMargin: 1 },
    { metric: 'humidityPct', min: 30, max: 75, clearMargin: 3 },
    { metric: 'latencyMs', max: 150, clearMargin: 20 },
    { metric: 'jitterMs', max: 30, clearMargin: 5 },
    { metric: 'lossPct', max: 1, clearMargin: 0.5 },
  ],
};

/** Thresholds currently raised, as `metric:min` / `metric:max`. */
export type Raised = ReadonlySet<string>;

/** What each threshold side saw in its latest samples, newest last (kept only with `confirm`). */
export interface Seen {
  beyond: boolean;
  backInside: boolean;
}
export type Recent = ReadonlyMap<string, readonly Seen[]>;

/** The state a room starts from: all well, so a fault present at boot is reported as an edge. */
export const nominal: Readings = {
  power: { mains: true, upsChargePct: 100, state: 'on' },
  climate: { tempC: null, humidityPct: null },
  codec: { state: 'up', inCall: false },
  link: { latencyMs: null, jitterMs: null, lossPct: null },
};

function metricValue(r: Readings, metric: Limit['metric']): number | null {
  switch (metric) {
    case 'tempC':
    case 'humidityPct':
      return r.climate[metric];
    case 'latencyMs':
    case 'jitterMs':
    case 'lossPct':
      return r.link[metric];
  }
}

function thresholdEdges(
  curr: Readings,
  config: EdgeConfig,
  raised: Raised,
  recent: Recent,
): { events: EdgeEvent[]; raised: Set<string>; recent: Map<string, readonly Seen[]> } {
  const next = new Set(raised);
  const nextRecent = new Map(recent);
  const { samples: k, window: n } = config.confirm ?? { samples: 1, window: 1 };
  const events: EdgeEvent[] = [];
  for (const limit of config.limits) {
    const value = metricValue(curr, limit.metric);
    if (value === null) continue;
    const sides: ['min' | 'max', number | undefined][] = [
      ['min', limit.min],
      ['max', limit.max],
    ];
    for (const [side, bound] of sides) {
      if (bound === undefined) continue;
      const key = `${limit.metric}:${side}`;
      const seen: Seen = {
        beyond: side === 'max' ? value > bound : value < bound,
        backInside: side === 'max' ? value <= bound - limit.clearMargin : value >= bound + limit.clearMargin,
      };
      const window = [...(nextRecent.get(key) ?? []), seen].slice(-n);
      nextRecent.set(key, window);
      const beyond = window.filter((w) => w.beyond).length >= k;
      const backInside = window.filter((w) => w.backInside).length >= k;
      const data = { metric: limit.metric, side, value, limit: bound };
      if (!next.has(key) && beyond) {
        next.add(key);
        events.push({ type: 'threshold.raised', severity: 'warning', data });
      } else if (next.has(key) && backInside) {
        next.delete(key);
        events.push({ type: 'threshold.cleared', severity: 'info', data });
      }
    }
  }
  return { events, raised: next, recent: nextRecent };
}

/**
 * Whether the UPS is low: its own low-battery flag (NUT `LB`, a HAT's line) when it gives one, else
 * the charge below `upsLowPct`; null when neither is known, which is no edge either way.
 */
function upsLow(r: Readings, config: EdgeConfig): boolean | null {
  const flag = r.power.upsLowBattery ?? null;
  const charge = r.power.upsChargePct;
  if (flag === null && charge === null) return null;
  return flag === true || (charge !== null && charge < config.upsLowPct);
}

export function detectEdges(
  prev: Readings,
  curr: Readings,
  config: EdgeConfig,
  raised: Raised,
  recent: Recent = new Map(),
): { events: EdgeEvent[]; raised: Set<string>; recent: Map<string, readonly Seen[]> } {
  const events: EdgeEvent[] = [];
  const charge = curr.power.upsChargePct;
  // Unknown (null) mains is no edge either way.
  if (prev.power.mains === true && curr.power.mains === false) {
    events.push({ type: 'mains.lost', severity: 'critical', data: { upsChargePct: charge } });
  } else if (prev.power.mains === false && curr.power.mains === true) {
    events.push({ type: 'mains.restored', severity: 'info', data: { upsChargePct: charge } });
  }
  const wasLow = upsLow(prev, config);
  const isLow = upsLow(curr, config);
  if (wasLow === false && isLow === true) {
    events.push({ type: 'ups.low', severity: 'critical', data: { upsChargePct: charge } });
  } else if (wasLow === true && isLow === false) {
    events.push({ type: 'ups.ok', severity: 'info', data: { upsChargePct: charge } });
  }
  // `unknown` (no probe) and `unchecked` (off since the agent started) say nothing of a fault.
  const working = (state: Readings['codec']['state']) =>
    state === 'up' || state === 'unknown' || state === 'unchecked';
  if (working(prev.codec.state) && !working(curr.codec.state)) {
    events.push({
      type: 'codec.down',
      severity: 'critical',
      data: { state: curr.codec.state, detail: curr.codec.detail ?? null },
    });
  } else if (!working(prev.codec.state) && curr.codec.state === 'up') {
    events.push({ type: 'codec.up', severity: 'info', data: {} });
  }
  if (!prev.codec.inCall && curr.codec.inCall)
    events.push({ type: 'call.started', severity: 'info', data: {} });
  if (prev.codec.inCall && !curr.codec.inCall)
    events.push({ type: 'call.ended', severity: 'info', data: {} });
  const thresholds = thresholdEdges(curr, config, raised, recent);
  return { events: [...events, ...thresholds.events], raised: thresholds.raised, recent: thresholds.recent };
}
