/**
 * Readiness of a room (DESIGN.md, "Readiness: health is not power"): a pure function of the room's
 * latest state, the thresholds and the time, in two independent parts, always with the reasons in
 * words. Art. 6.5 makes "switched off" a room's normal state, so the power state (on, warming up,
 * off, off by UPS protection) says nothing of its health; the health (art. 4.1, 5.1, 5.2: power,
 * line, climate, sound and picture must all work) is judged from everything that still reports while
 * the equipment is off (controller, mains and UPS, climate, link to the MCU) and from the codec's
 * last check with its age. An off room with a fault is a room with a fault.
 *
 * @pure: the dashboard bundles it, so it imports only shared/ and other @pure modules (types aside).
 */
import type { PowerDecisionCode, TelemetryMessage } from '../shared/schemas.js';
import { defaultThresholds, type Thresholds } from './readiness-settings.js';

// The thresholds are settings, defined with their schema; readers of readiness find them here too.
export { defaultThresholds, type Thresholds };

/** The health of a room; OFFLINE when the hub does not hear from it. */
export const levels = ['READY', 'DEGRADED', 'NOT_READY', 'OFFLINE'] as const;
export type Level = (typeof levels)[number];

/**
 * The power state of a room's equipment: `warming-up` is switched on with the codec still booting;
 * `off-ups` switched off (and the controller halted) by UPS protection; `unknown` when the room is
 * not heard from or has sent nothing yet.
 */
export const powerStates = ['on', 'warming-up', 'off', 'off-ups', 'unknown'] as const;
export type PowerStateView = (typeof powerStates)[number];

export interface RoomPowerView {
  state: PowerStateView;
  /** Why the room is in that state (the agent's power decision); null when the room does not say. */
  decision: PowerDecisionCode | null;
}

/** One reason a room is not fully ready; `text` is English, `code` and `params` let the UI translate. */
export interface Cause {
  code: string;
  level: 'DEGRADED' | 'NOT_READY';
  params: Record<string, number | string>;
  text: string;
}

export interface Readiness {
  /** The health. */
  level: Level;
  power: RoomPowerView;
  reasons: string[];
  causes: Cause[];
}

/** A band: inside [min, max] is fine; `undefined` means no bound on that side. */
export interface Band {
  min?: number;
  max?: number;
}

export interface RoomSnapshot {
  online: boolean;
  lastSeen: Date | null;
  telemetry: TelemetryMessage | null;
  /** When the hub received the latest telemetry. */
  telemetryAt: Date | null;
  /** The room announced a shutdown by its UPS protection (`ups.shutdown`): its going offline is expected. */
  shutdown?: { at: Date; reason: string } | null;
  /**
   * Art. 5.3: the codec configuration values that differ from the approved ones, as the room last
   * said (a delivery's answer, a `config.drift` event); empty or absent when none do.
   */
  drift?: readonly { key: string; approved: string; found?: string | null }[];
}

const rank: Record<Level, number> = { READY: 0, DEGRADED: 1, NOT_READY: 2, OFFLINE: 3 };

export function worseLevel(a: Level, b: Level): Level {
  return rank[a] >= rank[b] ? a : b;
}

/** A room with a problem: anything but READY, whatever its power state. */
export function hasProblem(r: Readiness): boolean {
  return r.level !== 'READY';
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
  const runtimeSec = t.power.upsRuntimeSec ?? null;
  if (charge === null && runtimeSec === null)
    return [cause('mains.lost', 'NOT_READY', 'mains lost, no UPS reading')];
  const params: Cause['params'] = {};
  const words = ['mains lost'];
  if (charge !== null) {
    params.upsChargePct = round(charge);
    words.push(`on UPS ${round(charge)} %`);
  }
  if (runtimeSec !== null) {
    params.runtimeMin = Math.floor(runtimeSec / 60);
    words.push(`${params.runtimeMin} min left`);
  }
  const critical =
    (charge !== null && charge < th.upsCriticalPct) ||
    (runtimeSec !== null && runtimeSec < th.upsCriticalRuntimeMin * 60);
  return [cause('mains.lost', critical ? 'NOT_READY' : 'DEGRADED', words.join(', '), params)];
}

function ageText(hours: number): string {
  return hours < 1
    ? 'less than an hour ago'
    : hours < 48
      ? `${Math.floor(hours)} h ago`
      : `${Math.floor(hours / 24)} days ago`;
}

/**
 * The codec while the room is on, or its last check while it is off or booting (the agent marks a
 * held check with `checkedAt`): a codec found down stays a fault while the room is off.
 */
function codecCauses(t: TelemetryMessage, now: Date, th: Thresholds): Cause[] {
  const c = t.codec;
  if (c.state === 'unchecked') return [];
  if (c.state === 'unknown') return [cause('codec.unknown', 'DEGRADED', 'codec not monitored')];
  const ageH = c.checkedAt ? (now.getTime() - Date.parse(c.checkedAt)) / 3_600_000 : 0;
  const when = c.checkedAt ? ` (checked ${ageText(ageH)})` : '';
  const params: Cause['params'] = c.checkedAt ? { checkedAt: c.checkedAt } : {};
  if (c.state === 'up') {
    if (c.registered === false)
      return [cause('codec.unregistered', 'NOT_READY', `codec not registered${when}`, params)];
    if (ageH > th.codecCheckMaxAgeH)
      return [cause('codec.stale', 'DEGRADED', `codec last checked ${ageText(ageH)}`, params)];
    return [];
  }
  const text = c.state === 'down' ? 'codec down' : 'codec unreachable';
  return [
    cause(`codec.${c.state}`, 'NOT_READY', `${c.detail ? `${text}: ${c.detail}` : text}${when}`, params),
  ];
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

/**
 * A Pi has no RTC: until its clock syncs, its timestamps (events, replies, expiries) may be wrong and
 * its scheduled switching is held (power-intents.ts, rule 5). A clock whose state cannot be told is
 * said too: the operator must know the room will not switch on for its meeting by itself.
 */
function clockCauses(t: TelemetryMessage): Cause[] {
  if (t.host?.clockSynced === false) return [cause('clock.unsynced', 'DEGRADED', 'clock not synchronised')];
  if (t.host?.clockSynced === null)
    return [cause('clock.unknown', 'DEGRADED', 'clock synchronisation cannot be told')];
  if (t.power.decision === 'clock-unsynced')
    return [
      cause('power.clock-unsynced', 'DEGRADED', 'scheduled switching held: the clock is not synchronised'),
    ];
  return [];
}

/** Art. 5.3: someone changed the codec's configuration away from what the operator approved. */
function driftCauses(room: RoomSnapshot): Cause[] {
  const [first, ...others] = room.drift ?? [];
  if (!first) return [];
  const found =
    first.found === undefined ? 'changed' : first.found === null ? 'missing' : `is ${first.found}`;
  const more = others.length > 0 ? ` (and ${others.length} more)` : '';
  return [
    cause(
      'config.drift',
      'DEGRADED',
      `configuration changed: ${first.key} ${found}, approved ${first.approved}${more}`,
      {
        key: first.key,
        approved: first.approved,
        found: first.found ?? '',
        more: others.length,
      },
    ),
  ];
}

/** What the UPS says of itself: a low battery (NUT `LB`, a HAT's line), or that it cannot be read. */
function upsCauses(t: TelemetryMessage): Cause[] {
  const causes: Cause[] = [];
  if (t.power.upsLowBattery === true) causes.push(cause('ups.low', 'NOT_READY', 'UPS battery low'));
  if (t.power.upsForcedShutdown === true)
    causes.push(cause('ups.fsd', 'NOT_READY', 'the UPS ordered a shutdown'));
  if (t.power.decision === 'ups-critical')
    causes.push(cause('ups.critical', 'NOT_READY', 'switched off by UPS protection'));
  if (t.power.fault) causes.push(cause('ups.fault', 'DEGRADED', `UPS fault: ${t.power.fault}`));
  return causes;
}

function powerOf(room: RoomSnapshot): RoomPowerView {
  const t = room.telemetry;
  if (!room.online)
    return { state: room.shutdown ? 'off-ups' : 'unknown', decision: room.shutdown ? 'ups-critical' : null };
  if (t === null) return { state: 'unknown', decision: null };
  const decision = t.power.decision ?? null;
  if (t.power.state === 'off') return { state: decision === 'ups-critical' ? 'off-ups' : 'off', decision };
  return { state: t.power.booting ? 'warming-up' : 'on', decision };
}

export function computeReadiness(
  room: RoomSnapshot,
  now: Date,
  th: Thresholds = defaultThresholds,
): Readiness {
  const power = powerOf(room);
  if (!room.online) {
    if (room.shutdown) {
      const c = cause(
        'ups.shutdown',
        'NOT_READY',
        `shut down by UPS protection at ${room.shutdown.at.toISOString()}: ${room.shutdown.reason}`,
        {
          at: room.shutdown.at.toISOString(),
        },
      );
      return { level: 'OFFLINE', power, reasons: [c.text], causes: [c] };
    }
    const text = room.lastSeen ? `offline, last seen ${room.lastSeen.toISOString()}` : 'never seen online';
    return { level: 'OFFLINE', power, reasons: [text], causes: [] };
  }
  const t = room.telemetry;
  if (t === null || room.telemetryAt === null) {
    const c = cause('telemetry.none', 'NOT_READY', 'no telemetry received yet');
    return { level: 'NOT_READY', power, reasons: [c.text], causes: [c] };
  }
  const causes = [
    ...powerCauses(t, th),
    ...upsCauses(t),
    ...codecCauses(t, now, th),
    ...linkCauses(t, th),
    ...climateCauses(t, th),
    ...clockCauses(t),
    ...driftCauses(room),
  ];
  if (t.outbox?.fault) causes.push(cause('agent.outbox', 'DEGRADED', t.outbox.fault));
  const ageSec = Math.round((now.getTime() - room.telemetryAt.getTime()) / 1000);
  if (ageSec > th.staleAfterSec) {
    causes.push(cause('telemetry.stale', 'DEGRADED', `no telemetry for ${ageSec} s`, { ageSec }));
  }
  const level = causes.reduce<Level>((worst, c) => worseLevel(worst, c.level), 'READY');
  return { level, power, reasons: causes.map((c) => c.text), causes };
}
