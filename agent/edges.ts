/**
 * Turns two successive readings into the events of the wire contract: mains lost/restored, UPS low,
 * codec down/up, call started/ended, and thresholds crossed. Pure: the agent keeps the state.
 * A threshold is raised past its limit and cleared only once back inside by a margin, so a value
 * hovering at the limit does not produce a stream of events.
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
): { events: EdgeEvent[]; raised: Set<string> } {
  const next = new Set(raised);
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
      const beyond = side === 'max' ? value > bound : value < bound;
      const backInside =
        side === 'max' ? value <= bound - limit.clearMargin : value >= bound + limit.clearMargin;
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
  return { events, raised: next };
}

export function detectEdges(
  prev: Readings,
  curr: Readings,
  config: EdgeConfig,
  raised: Raised,
): { events: EdgeEvent[]; raised: Set<string> } {
  const events: EdgeEvent[] = [];
  const charge = curr.power.upsChargePct;
  // Unknown (null) mains is no edge either way.
  if (prev.power.mains === true && curr.power.mains === false) {
    events.push({ type: 'mains.lost', severity: 'critical', data: { upsChargePct: charge } });
  } else if (prev.power.mains === false && curr.power.mains === true) {
    events.push({ type: 'mains.restored', severity: 'info', data: { upsChargePct: charge } });
  }
  const prevCharge = prev.power.upsChargePct;
  if (charge !== null && prevCharge !== null) {
    if (prevCharge >= config.upsLowPct && charge < config.upsLowPct) {
      events.push({ type: 'ups.low', severity: 'critical', data: { upsChargePct: charge } });
    } else if (prevCharge < config.upsLowPct && charge >= config.upsLowPct) {
      events.push({ type: 'ups.ok', severity: 'info', data: { upsChargePct: charge } });
    }
  }
  const working = (state: Readings['codec']['state']) => state === 'up' || state === 'unknown';
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
  const thresholds = thresholdEdges(curr, config, raised);
  return { events: [...events, ...thresholds.events], raised: thresholds.raised };
}
