/**
 * What the hub knows of each room right now: online or not, last seen, latest readings, and the
 * readiness computed from them (its health and its power state). Listeners hear every change and,
 * separately, every transition (a new health level, a new set of causes, or a new power state),
 * which is what the store keeps.
 */
import { systemClock } from '../shared/clock.js';
import type { Room } from '../shared/fleet.js';
import type { Readings, StatusMessage, TelemetryMessage } from '../shared/schemas.js';
import { computeReadiness, type Readiness, type Thresholds } from './readiness.js';

export interface RoomView {
  id: string;
  no: number;
  name: string;
  nameEn: string;
  kind: Room['kind'];
  online: boolean;
  /** Last time the hub heard from the room (ISO 8601), or null if never. */
  lastSeen: string | null;
  version: string | null;
  bootId: string | null;
  readiness: Readiness;
  /**
   * The last readings the room sent (at `readingsAt`), or null before the first telemetry since the
   * hub started. Kept while the room is offline: what it showed last is what a technician away
   * from it needs (the UPS charge before it halted, the temperature), so they are current only
   * while `online`.
   */
  readings: Readings | null;
  readingsAt: string | null;
}

interface RoomState {
  room: Room;
  online: boolean;
  lastSeen: Date | null;
  status: StatusMessage | null;
  /** What readiness judges: the room's latest telemetry while it is online, null once it goes. */
  telemetry: TelemetryMessage | null;
  /** The last telemetry it sent, kept while it is offline: what the dashboard shows. */
  lastTelemetry: TelemetryMessage | null;
  telemetryAt: Date | null;
  /** The room announced a shutdown by its UPS protection; cleared when it is heard from again. */
  shutdown: { at: Date; reason: string } | null;
  /** Art. 5.3: its codec configuration values that differ from the approved ones. */
  drift: readonly { key: string; approved: string; found?: string | null }[];
  readiness: Readiness;
  /**
   * The room as last shown, until one of the fields above changes: the incident rules read every
   * room's view on every judgement (several a second at 10,000 rooms), and a copy each time was
   * most of the hub's garbage.
   */
  view: RoomView | null;
}

export interface FleetListener {
  change?(view: RoomView): void;
  transition?(view: RoomView, previous: Readiness): void;
}

function sameCauses(a: Readiness, b: Readiness): boolean {
  if (a.level !== b.level || a.power.state !== b.power.state) return false;
  const codes = (r: Readiness) => r.causes.map((c) => `${c.code}:${c.level}`).join(',');
  return codes(a) === codes(b) && (a.level !== 'OFFLINE' || a.reasons.join() === b.reasons.join());
}

export class FleetState {
  private readonly states = new Map<string, RoomState>();
  private readonly listeners: FleetListener[] = [];

  constructor(
    rooms: readonly Room[],
    private readonly thresholds: Thresholds,
    now: Date = systemClock.now(),
  ) {
    for (const room of rooms) {
      const state: RoomState = {
        room,
        online: false,
        lastSeen: null,
        status: null,
        telemetry: null,
        lastTelemetry: null,
        telemetryAt: null,
        shutdown: null,
        drift: [],
        readiness: { level: 'OFFLINE', power: { state: 'unknown', decision: null }, reasons: [], causes: [] },
        view: null,
      };
      state.readiness = computeReadiness(state, now, thresholds);
      this.states.set(room.id, state);
    }
  }

  listen(listener: FleetListener): void {
    this.listeners.push(listener);
  }

  has(roomId: string): boolean {
    return this.states.has(roomId);
  }

  applyStatus(roomId: string, status: StatusMessage, at: Date): void {
    const s = this.get(roomId);
    // A retained `offline` from an older boot must not override a newer boot's `online`.
    if (s.status && s.status.bootId !== status.bootId && status.state === 'offline' && s.online) return;
    s.status = status;
    s.online = status.state === 'online';
    s.lastSeen = at;
    if (s.online) s.shutdown = null;
    else s.telemetry = null;
    this.update(s, at);
  }

  applyTelemetry(roomId: string, telemetry: TelemetryMessage, at: Date): void {
    const s = this.get(roomId);
    s.telemetry = telemetry;
    s.lastTelemetry = telemetry;
    s.telemetryAt = at;
    s.lastSeen = at;
    // Telemetry proves the room is up even if its `online` status was lost (broker restart).
    s.online = true;
    // Except the sample that reports UPS protection switching it off: sent after the announcement
    // and before the halt, it may arrive after it; the shutdown stands until the room runs again.
    if (telemetry.power.decision !== 'ups-critical') s.shutdown = null;
    this.update(s, at);
  }

  /**
   * The room said its UPS protection is shutting it down (`ups.shutdown`): when it goes offline next,
   * that is expected, and says why, rather than a surprise.
   */
  noteShutdown(roomId: string, at: Date, reason: string): void {
    const s = this.get(roomId);
    // Heard late (another hub of a group stored it, or a replay): the room said it runs since.
    if (s.online && s.status?.state === 'online' && Date.parse(s.status.ts) > at.getTime()) return;
    s.shutdown = { at, reason };
    this.update(s, at);
  }

  /** The room's codec configuration as it compares with the approved one (none: on it). */
  noteDrift(roomId: string, drift: RoomState['drift'], at: Date): void {
    const s = this.states.get(roomId);
    if (!s) return;
    s.drift = drift;
    this.update(s, at);
  }

  /**
   * After a restart: when the room was last heard of, from the database, so it shows as
   * "offline, last seen ..." rather than "never seen" until it reports again.
   */
  restoreLastSeen(roomId: string, at: Date, now: Date): void {
    const s = this.states.get(roomId);
    if (!s || s.online || (s.lastSeen && s.lastSeen >= at)) return;
    s.lastSeen = at;
    s.readiness = computeReadiness(s, now, this.thresholds);
    s.view = null;
  }

  /** Recomputes every room's readiness at `now`: a room that went quiet becomes stale. */
  recheck(now: Date): void {
    for (const s of this.states.values()) {
      const next = computeReadiness(s, now, this.thresholds);
      if (!sameCauses(next, s.readiness)) this.update(s, now, next);
    }
  }

  view(roomId: string): RoomView | undefined {
    const s = this.states.get(roomId);
    return s ? shown(s) : undefined;
  }

  views(): RoomView[] {
    return [...this.states.values()].map(shown);
  }

  private get(roomId: string): RoomState {
    const s = this.states.get(roomId);
    if (!s) throw new Error(`unknown room ${roomId}`);
    return s;
  }

  private update(s: RoomState, now: Date, computed?: Readiness): void {
    const previous = s.readiness;
    s.readiness = computed ?? computeReadiness(s, now, this.thresholds);
    const view = toView(s);
    s.view = view;
    const transition = !sameCauses(previous, s.readiness);
    for (const l of this.listeners) {
      l.change?.(view);
      if (transition) l.transition?.(view, previous);
    }
  }
}

function shown(s: RoomState): RoomView {
  s.view ??= toView(s);
  return s.view;
}

function toView(s: RoomState): RoomView {
  const { room } = s;
  let readings: Readings | null = null;
  if (s.lastTelemetry) {
    const { v: _v, ts: _ts, ...rest } = s.lastTelemetry;
    readings = rest;
  }
  return {
    id: room.id,
    no: room.no,
    name: room.name,
    nameEn: room.nameEn,
    kind: room.kind,
    online: s.online,
    lastSeen: s.lastSeen?.toISOString() ?? null,
    version: s.status?.version ?? null,
    bootId: s.status?.bootId ?? null,
    readiness: s.readiness,
    readings,
    readingsAt: s.telemetryAt?.toISOString() ?? null,
  };
}
