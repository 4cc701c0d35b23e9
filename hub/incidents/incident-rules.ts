/**
 * When an incident opens and closes (art. 10.1a-b, 10.2a-c: faults are fixed fast, and the time to
 * recover is known). Pure: from what each room shows now (its readiness causes, the edges its events
 * raised) and the MCU's state, and from the previous tracking state, it returns the next state and
 * the incidents to open or close.
 *
 * Hysteresis: a signal must hold for `raiseAfterSec` before an incident opens, and be gone for
 * `clearAfterSec` before it closes, so a value flapping at a limit makes one incident, not twenty.
 * The incident's times are those of the signal's first edge, not of the end of the wait, so the
 * time to recover is what the room lived through; an edge a room reports by an event carries the
 * event's own time, so a fault replayed from a room's outbox after the hub was down is dated when
 * it happened, and one that began and ended meanwhile is recorded, recovered before the hub saw it.
 * Severity follows what the room shows: a cause past its not-ready limit (40 °C) is critical.
 * After a hub restart, a room not heard from yet says nothing (it is not counted as recovered), so
 * what was open stays open rather than closing and opening again.
 *
 * Grouping by dependency: when the MCU is down, or when at least `networkOfflineFraction` of the
 * rooms are offline at once (the hub's own uplink, or the MCU seen from every room), one network
 * incident covers the whole fleet; while it is open no room opens its own offline or link incident.
 */
import type { RehearsalCheck, Severity } from '../../shared/schemas.js';
import type { IncidentFault } from '../contacts/incident-faults.js';

export const incidentCauses = [
  'mains.lost',
  'room.offline',
  'codec.down',
  'link.degraded',
  'climate.out-of-range',
  'config.drift',
  /** The room sent far past its message rate: cut off at the broker, or disconnected by it (issue 18.2). */
  'room.flooding',
  'network.unreachable',
] as const;
export type IncidentCause = (typeof incidentCauses)[number];
/** Causes a room can have on its own; `network.unreachable` belongs to the fleet. */
export type RoomCause = Exclude<IncidentCause, 'network.unreachable'>;

export const causeSeverity: Record<IncidentCause, Severity> = {
  'mains.lost': 'critical',
  'room.offline': 'critical',
  'codec.down': 'critical',
  'link.degraded': 'warning',
  'climate.out-of-range': 'warning',
  'config.drift': 'warning',
  // A controller that floods is treated as compromised (art. 6.1), and is cut off.
  'room.flooding': 'critical',
  'network.unreachable': 'critical',
};

export const causeFault: Record<IncidentCause, IncidentFault> = {
  'mains.lost': 'mains',
  'room.offline': 'offline',
  'codec.down': 'equipment',
  'link.degraded': 'line',
  'climate.out-of-range': 'climate',
  'config.drift': 'config',
  'room.flooding': 'equipment',
  'network.unreachable': 'network',
};

/** Causes that a network outage produces in every room, hence grouped under it. */
const groupedUnderNetwork: ReadonlySet<IncidentCause> = new Set(['room.offline', 'link.degraded']);

/** The incident cause a readiness cause code belongs to, or null for codes that are no incident. */
export function causeOfReadinessCode(code: string): RoomCause | null {
  if (code === 'mains.lost') return 'mains.lost';
  if (
    code === 'codec.down' ||
    code === 'codec.unreachable' ||
    code === 'codec.unregistered' ||
    code.startsWith('peripheral.')
  )
    return 'codec.down';
  if (code.startsWith('link.')) return 'link.degraded';
  if (code.startsWith('temperature.') || code.startsWith('humidity.')) return 'climate.out-of-range';
  if (code.startsWith('config.')) return 'config.drift';
  // codec.unknown, codec.stale, climate.fault, telemetry.*, clock.*: the room is not monitored
  // well, not faulty.
  return null;
}

export interface EventEdge {
  /** The event's flag, per room: several limits can raise the same cause (`tempC:max`, `humidityPct:min`). */
  flag: string;
  cause: RoomCause;
  raised: boolean;
}

const linkMetrics = new Set(['latencyMs', 'jitterMs', 'lossPct']);
const climateMetrics = new Set(['tempC', 'humidityPct']);

/**
 * What an event says about a cause. Matched by type string, so event types other parts add later
 * (`config.drift` and its clearing `config.restored`) work as soon as they are sent.
 */
export function edgeOfEvent(type: string, data: Record<string, unknown>): EventEdge | null {
  switch (type) {
    case 'mains.lost':
    case 'mains.restored':
      return { flag: 'mains', cause: 'mains.lost', raised: type === 'mains.lost' };
    case 'codec.down':
    case 'codec.up':
      return { flag: 'codec', cause: 'codec.down', raised: type === 'codec.down' };
    case 'config.drift':
    case 'config.restored':
      return { flag: 'config', cause: 'config.drift', raised: type === 'config.drift' };
    // Raised by the hub itself (hub/broker/flood-guard.ts), not sent by the room.
    case 'mqtt.flood':
    case 'mqtt.flood-over':
      return { flag: 'flood', cause: 'room.flooding', raised: type === 'mqtt.flood' };
    case 'threshold.raised':
    case 'threshold.cleared': {
      const metric = String(data.metric);
      const cause = linkMetrics.has(metric)
        ? 'link.degraded'
        : climateMetrics.has(metric)
          ? 'climate.out-of-range'
          : null;
      if (!cause) return null;
      return { flag: `${metric}:${String(data.side)}`, cause, raised: type === 'threshold.raised' };
    }
    default:
      return null;
  }
}

/** A cause as the room shows it: since when (an event's own time), and how bad. */
export interface Shown {
  /** ISO 8601; absent for what readiness shows now (it is dated by the evaluation). */
  at?: string;
  severity: Severity;
}

export interface RoomSignals {
  roomId: string;
  /** Offline; undefined when it cannot be told yet (a hub just restarted, the room not heard from). */
  offline: boolean | undefined;
  /** Causes the room's readiness shows now; null when unknown (offline, not heard from). */
  fromReadiness: ReadonlyMap<RoomCause, Shown> | null;
  /** Causes raised by the room's events and not yet cleared, from the first raising event's time. */
  fromEvents: ReadonlyMap<RoomCause, Shown>;
  /** The last episode the room's events cleared for a cause: when it began and ended. */
  cleared?: ReadonlyMap<RoomCause, { began: string; ended: string }>;
  /** Causes its latest rehearsal attempt found (a line or a codec that failed its calls). */
  fromRehearsal?: ReadonlySet<RoomCause>;
}

/**
 * What a rehearsal's failing checks say about incidents, telling a broken line from a broken codec
 * (issue 19): the calls' line failing is the line's (telecom partner); the test call, sound, picture
 * or peripherals failing as the room's equipment is its codec's (technician). The other checks have
 * live signals of their own (readiness, events), and a fault on the operator's MCU is no room's.
 */
export function causesOfChecks(checks: readonly RehearsalCheck[]): Set<RoomCause> {
  const causes = new Set<RoomCause>();
  for (const c of checks) {
    if (c.status !== 'fail') continue;
    if (c.check === 'line' && c.fault === 'line') causes.add('link.degraded');
    if (['sip', 'sound', 'picture', 'peripherals'].includes(c.check) && c.fault === 'equipment')
      causes.add('codec.down');
  }
  return causes;
}

export type McuReach = 'up' | 'down' | 'unknown';

export interface RulesInput {
  now: Date;
  rooms: readonly RoomSignals[];
  mcu: McuReach;
  /**
   * Whether the fleet's offline count can be judged (false during a restarted hub's start-up grace,
   * when rooms not heard from yet are neither offline nor online).
   */
  settled?: boolean;
}

export interface RulesConfig {
  raiseAfterSec: number;
  clearAfterSec: number;
  /** This share of the fleet offline at once is a network outage, not many room outages. */
  networkOfflineFraction: number;
}

export const defaultRulesConfig: RulesConfig = {
  raiseAfterSec: 10,
  clearAfterSec: 60,
  networkOfflineFraction: 0.5,
};

/** What is known of one (room, cause), or of the network. */
export interface Track {
  active: boolean;
  /** When `active` last changed (ISO 8601). */
  since: string;
  open: boolean;
  /** The end of the last episode the room's events cleared that was judged, so it is judged once. */
  judgedEnd?: string;
  /**
   * When this track's last incident closed: an episode the room's events report later, begun before
   * that, was that incident's.
   */
  closedAt?: string;
}

/** Tracks by key (`{room}|{cause}`, `*|network.unreachable`). */
export type RulesState = ReadonlyMap<string, Track>;

export type IncidentDecision =
  | {
      kind: 'open';
      roomId: string | null;
      cause: IncidentCause;
      severity: Severity;
      openedAt: string;
      /** For a network incident: the rooms offline when it opened. */
      rooms?: string[];
    }
  | { kind: 'close'; roomId: string | null; cause: IncidentCause; closedAt: string };

export const NETWORK = '*';

/** Each room's keys, made once: the rules look every room's causes up on every judgement. */
const keys = new Map<string, Map<IncidentCause, string>>();

export function trackKey(roomId: string | null, cause: IncidentCause): string {
  const room = roomId ?? NETWORK;
  let ofRoom = keys.get(room);
  if (!ofRoom) {
    ofRoom = new Map();
    keys.set(room, ofRoom);
  }
  let key = ofRoom.get(cause);
  if (key === undefined) {
    key = `${room}|${cause}`;
    ofRoom.set(cause, key);
  }
  return key;
}

/**
 * A track with nothing to remember (not active, not open, never closed or judged) is what a missing
 * one means: it is left out, so the state holds the few rooms with something going on rather than
 * every room's every cause (copied on every judgement: 100,000 entries at 10,000 rooms).
 */
function worthKeeping(track: Track, nowMs: number): boolean {
  if (track.active || track.open) return true;
  const last = track.closedAt ?? track.judgedEnd;
  return last !== undefined && Date.parse(last) >= nowMs - FORGET_AFTER_MS;
}

/**
 * How long a closed incident's track and a judged episode are remembered: long enough for the late
 * edges of a busy store (minutes), short enough that after days of rooms switched off and on (each
 * a cleared episode) the tracks are still the rooms with something going on. The tracker forgets its
 * cleared episodes after the same time, before judging, so an episode is never judged twice.
 */
export const FORGET_AFTER_MS = 3_600_000;

const roomCauses = incidentCauses.filter((c): c is RoomCause => c !== 'network.unreachable');

interface Observed {
  active: boolean;
  /** When the observation became true (or false); absent: now. */
  at?: string;
  /** For an episode the room's events cleared: when it began. */
  began?: string;
  severity?: Severity;
}

/** Whether the room shows the cause, since when and how badly; undefined when it cannot be known now. */
function observe(room: RoomSignals, cause: RoomCause): Observed | undefined {
  if (cause === 'room.offline') return room.offline === undefined ? undefined : { active: room.offline };
  const event = room.fromEvents.get(cause);
  const shown = room.fromReadiness?.get(cause);
  if (event || shown) {
    const severity = event && shown ? worse(event.severity, shown.severity) : (event ?? shown)!.severity;
    return { active: true, ...(event?.at ? { at: event.at } : {}), severity };
  }
  // A rehearsal's finding holds until the room's next attempt, at the cause's own severity.
  if (room.fromRehearsal?.has(cause)) return { active: true };
  if (room.fromReadiness === null) return undefined;
  const cleared = room.cleared?.get(cause);
  return { active: false, ...(cleared ? { at: cleared.ended, began: cleared.began } : {}) };
}

const severityRank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
function worse(a: Severity, b: Severity): Severity {
  return severityRank[a] >= severityRank[b] ? a : b;
}

/**
 * A room showing nothing (online or not known, no cause from its readiness, events or rehearsal, no
 * episode cleared): every cause observed inactive or unknown, which for a room with no track is no
 * decision and no track. Judging each of 10,000 rooms' causes anyway, several times a second, was
 * most of a hub's allocations at that scale.
 */
function quiet(room: RoomSignals): boolean {
  return (
    room.offline !== true &&
    (room.fromReadiness === null || room.fromReadiness.size === 0) &&
    room.fromEvents.size === 0 &&
    (room.fromRehearsal === undefined || room.fromRehearsal.size === 0) &&
    (room.cleared === undefined || room.cleared.size === 0)
  );
}

function tracked(state: RulesState, roomId: string): boolean {
  for (const cause of roomCauses) if (state.has(trackKey(roomId, cause))) return true;
  return false;
}

export function decideIncidents(
  previous: RulesState,
  input: RulesInput,
  config: RulesConfig = defaultRulesConfig,
): { state: Map<string, Track>; decisions: IncidentDecision[] } {
  const now = input.now.toISOString();
  const nowMs = input.now.getTime();
  const state = new Map(previous);
  const decisions: IncidentDecision[] = [];

  const step = (roomId: string | null, cause: IncidentCause, observed: Observed | undefined) => {
    const key = trackKey(roomId, cause);
    let track = state.get(key) ?? { active: false, since: now, open: false };
    // A fault that began and ended while the hub was not looking (both edges replayed at once), not
    // judged yet: long enough to count, it is an incident that recovered before the hub saw it.
    // An episode that ended while its incident was open is that incident's: judged, never again. So
    // is one its events report only after the readiness had opened and closed that incident (the
    // edges stored late, behind a busy store): begun before the close, it is the same fault.
    if (observed?.active === false && observed.at && observed.began && track.judgedEnd !== observed.at) {
      const seen = track.open || (track.closedAt !== undefined && track.closedAt >= observed.began);
      track = { ...track, judgedEnd: observed.at };
      const heldSec = (Date.parse(observed.at) - Date.parse(observed.began)) / 1000;
      if (!seen && heldSec >= config.raiseAfterSec) {
        decisions.push({
          kind: 'open',
          roomId,
          cause,
          severity: causeSeverity[cause],
          openedAt: observed.began,
        });
        track = { ...track, active: false, since: observed.at, open: true };
      }
    }
    if (observed !== undefined && observed.active !== track.active)
      track = { ...track, active: observed.active, since: observed.at ?? now };
    // The room's own report of when it began (an event replayed after an outage) beats the moment
    // the hub first saw it, until the incident is open.
    else if (observed?.at && !track.open && observed.at < track.since)
      track = { ...track, since: observed.at };
    const heldSec = (nowMs - Date.parse(track.since)) / 1000;
    if (track.active && !track.open && heldSec >= config.raiseAfterSec) {
      track = { ...track, open: true };
      const severity = worse(causeSeverity[cause], observed?.severity ?? 'info');
      decisions.push({ kind: 'open', roomId, cause, severity, openedAt: track.since });
    } else if (!track.active && track.open && heldSec >= config.clearAfterSec) {
      track = { ...track, open: false, closedAt: track.since };
      decisions.push({ kind: 'close', roomId, cause, closedAt: track.since });
    }
    if (worthKeeping(track, nowMs)) state.set(key, track);
    else state.delete(key);
    return track;
  };

  const offline = input.rooms.filter((r) => r.offline).map((r) => r.roomId);
  const fleetDown =
    input.rooms.length > 0 && offline.length >= Math.ceil(input.rooms.length * config.networkOfflineFraction);
  // A restarted hub cannot tell a fleet still reconnecting from a fleet cut off: it waits.
  const networkDown = input.mcu === 'down' ? true : (input.settled ?? true) ? fleetDown : undefined;
  const network = step(
    null,
    'network.unreachable',
    networkDown === undefined ? undefined : { active: networkDown },
  );
  const opened = decisions.find((d) => d.kind === 'open');
  if (opened?.kind === 'open') opened.rooms = offline;

  for (const room of input.rooms) {
    // Most rooms, most of the time: nothing shown, nothing tracked, so nothing to decide.
    if (quiet(room) && !tracked(state, room.roomId)) continue;
    for (const cause of roomCauses) {
      const observed = observe(room, cause);
      const key = trackKey(room.roomId, cause);
      const track = state.get(key);
      if (network.open && groupedUnderNetwork.has(cause) && !track?.open) {
        // Covered by the network incident: keep watching, but restart the wait so a room still down
        // when the network is back is counted from then, not from the start of the outage.
        state.set(key, {
          ...track,
          active: observed?.active ?? track?.active ?? false,
          since: now,
          open: false,
        });
        continue;
      }
      step(room.roomId, cause, observed);
    }
  }
  return { state, decisions };
}
