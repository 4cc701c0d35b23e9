/**
 * Readiness of a room (DESIGN.md, "Readiness"): a pure function of the room's latest state, the
 * thresholds and the time, always with the reasons in words. Art. 4.1, 5.1, 5.2: power, line,
 * climate, sound and picture must all work for a room to be ready.
 */
import type { TelemetryMessage } from '../shared/schemas.js';

export const levels = ['READY', 'DEGRADED', 'NOT_READY', 'OFFLINE', 'POWERED_OFF'] as const;
export type Level = (typeof levels)[number];

/** One reason a room is not fully ready; `text` is English, `code` and `params` let the UI translate. */
export interface Cause {
  code: string;
  level: 'DEGRADED' | 'NOT_READY';
  params: Record<string, number | string>;
  text: string;
}

export interface Readiness {
  level: Level;
  reasons: string[];
  causes: Cause[];
}

/** A band: inside [min, max] is fine; `undefined` means no bound on that side. */
export interface Band {
  min?: number;
  max?: number;
}

export interface Thresholds {
  /** Telemetry older than this makes the room DEGRADED: its state is no longer known. */
  staleAfterSec: number;
  /** On UPS with less charge than this, the room cannot hold a meeting. */
  upsCriticalPct: number;
  lossPct: { degraded: number; notReady: number };
  latencyMs: { degraded: number; notReady: number };
  jitterMs: { degraded: number; notReady: number };
  tempC: { degraded: Band; notReady: Band };
  humidityPct: { degraded: Band; notReady: Band };
}

/**
 * Link limits follow ITU-T G.114 (one-way delay under 150 ms for interactive use) and the usual
 * guidance for H.323/SIP video (loss under 1 % for good quality, over 5 % unusable; jitter under
 * 30 ms). Climate: 16-32 °C and 30-75 % RH, the operating range of typical room codecs and displays.
 */
export const defaultThresholds: Thresholds = {
  staleAfterSec: 20,
  upsCriticalPct: 30,
  lossPct: { degraded: 1, notReady: 5 },
  latencyMs: { degraded: 150, notReady: 400 },
  jitterMs: { degraded: 30, notReady: 100 },
  tempC: { degraded: { min: 16, max: 32 }, notReady: { min: 10, max: 38 } },
  humidityPct: { degraded: { min: 30, max: 75 }, notReady: { min: 20, max: 85 } },
};

export interface RoomSnapshot {
  online: boolean;
  lastSeen: Date | null;
  telemetry: TelemetryMessage | null;
  /** When the hub received the latest telemetry. */
  telemetryAt: Date | null;
}

const rank: Record<Level, number> = { READY: 0, DEGRADED: 1, NOT_READY: 2, POWERED_OFF: 3, OFFLINE: 4 };

export function worseLevel(a: Level, b: Level): Level {
  return rank[a] >= rank[b] ? a : b;
}

function cause(code: string, level: Cause['level'], text: string, params: Cause['params'] = {}): Cause {
  return { code, level, params, text };
}

function upper(
  code: string,
  label: string,
  unit: string,
  value: number | null,
  t: { degraded: number; notReady: number },
): Cause[] {
  if (value === null) return [];
  const v = round(value);
  if (value > t.notReady)
    return [cause(code, 'NOT_READY', `${label} ${v}${unit} to MCU`, { value: v, limit: t.notReady })];
  if (value > t.degraded)
    return [cause(code, 'DEGRADED', `${label} ${v}${unit} to MCU`, { value: v, limit: t.degraded })];
  return [];
}

function outside(value: number, band: Band): 'low' | 'high' | null {
  if (band.min !== undefined && value < band.min) return 'low';
  if (band.max !== undefined && value > band.max) return 'high';
  return null;
}

function banded(
  code: string,
  label: string,
  unit: string,
  value: number | null,
  t: { degraded: Band; notReady: Band },
): Cause[] {
  if (value === null) return [];
  const v = round(value);
  const severe = outside(value, t.notReady);
  if (severe) return [cause(`${code}.${severe}`, 'NOT_READY', `${label} ${v}${unit}`, { value: v })];
  const mild = outside(value, t.degraded);
  if (mild) return [cause(`${code}.${mild}`, 'DEGRADED', `${label} ${v}${unit}`, { value: v })];
  return [];
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function powerCauses(t: TelemetryMessage, th: Thresholds): Cause[] {
  if (t.power.mains !== false) return [];
  const charge = t.power.upsChargePct;
  if (charge === null) return [cause('mains.lost', 'NOT_READY', 'mains lost, no UPS reading')];
  const level = charge < th.upsCriticalPct ? 'NOT_READY' : 'DEGRADED';
  return [
    cause('mains.lost', level, `mains lost, on UPS ${round(charge)} %`, { upsChargePct: round(charge) }),
  ];
}

function codecCauses(t: TelemetryMessage): Cause[] {
  if (t.codec.state === 'up') return [];
  if (t.codec.state === 'unknown') return [cause('codec.unknown', 'DEGRADED', 'codec not monitored')];
  const text = t.codec.state === 'down' ? 'codec down' : 'codec unreachable';
  return [cause(`codec.${t.codec.state}`, 'NOT_READY', t.codec.detail ? `${text}: ${t.codec.detail}` : text)];
}

function climateCauses(t: TelemetryMessage, th: Thresholds): Cause[] {
  if (t.climate.fault)
    return [cause('climate.fault', 'DEGRADED', `climate sensor fault: ${t.climate.fault}`)];
  return [
    ...banded('temperature', 'temperature', ' °C', t.climate.tempC, th.tempC),
    ...banded('humidity', 'humidity', ' %', t.climate.humidityPct, th.humidityPct),
  ];
}

function linkCauses(t: TelemetryMessage, th: Thresholds): Cause[] {
  return [
    ...upper('link.loss', 'loss', ' %', t.link.lossPct, th.lossPct),
    ...upper('link.latency', 'latency', ' ms', t.link.latencyMs, th.latencyMs),
    ...upper('link.jitter', 'jitter', ' ms', t.link.jitterMs, th.jitterMs),
  ];
}

/** A Pi has no RTC: until its clock syncs, its timestamps (events, replies, expiries) may be wrong. */
function hostCauses(t: TelemetryMessage): Cause[] {
  if (t.host?.clockSynced === false) return [cause('clock.unsynced', 'DEGRADED', 'clock not synchronised')];
  return [];
}

/** What the UPS says of itself: a low battery (NUT `LB`, a HAT's line), or that it cannot be read. */
function upsCauses(t: TelemetryMessage): Cause[] {
  const causes: Cause[] = [];
  if (t.power.upsLowBattery === true) causes.push(cause('ups.low', 'NOT_READY', 'UPS battery low'));
  if (t.power.fault) causes.push(cause('ups.fault', 'DEGRADED', `UPS fault: ${t.power.fault}`));
  return causes;
}

export function computeReadiness(
  room: RoomSnapshot,
  now: Date,
  th: Thresholds = defaultThresholds,
): Readiness {
  if (!room.online) {
    const text = room.lastSeen ? `offline, last seen ${room.lastSeen.toISOString()}` : 'never seen online';
    return { level: 'OFFLINE', reasons: [text], causes: [] };
  }
  const t = room.telemetry;
  if (t === null || room.telemetryAt === null) {
    const c = cause('telemetry.none', 'NOT_READY', 'no telemetry received yet');
    return { level: 'NOT_READY', reasons: [c.text], causes: [c] };
  }
  if (t.power.state === 'off') {
    const power = powerCauses(t, th);
    return {
      level: 'POWERED_OFF',
      reasons: ['equipment switched off', ...power.map((c) => c.text)],
      causes: power,
    };
  }
  const causes = [
    ...powerCauses(t, th),
    ...upsCauses(t),
    ...codecCauses(t),
    ...linkCauses(t, th),
    ...climateCauses(t, th),
    ...hostCauses(t),
  ];
  if (t.outbox?.fault) causes.push(cause('agent.outbox', 'DEGRADED', t.outbox.fault));
  const ageSec = Math.round((now.getTime() - room.telemetryAt.getTime()) / 1000);
  if (ageSec > th.staleAfterSec) {
    causes.push(cause('telemetry.stale', 'DEGRADED', `no telemetry for ${ageSec} s`, { ageSec }));
  }
  const level = causes.reduce<Level>((worst, c) => worseLevel(worst, c.level), 'READY');
  return { level, reasons: causes.map((c) => c.text), causes };
}
