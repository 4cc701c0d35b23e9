/**
 * When an incident opens and closes (art. 10.1a-b, 10.2a-c: faults are fixed fast, and the time to
 * recover is known). Pure: from what each room shows now (its readiness causes, the edges its events
 * raised) and the MCU's state, and from the previous tracking state, it returns the next state and
 * the incidents to open or close.
 *
 * Hysteresis: a signal must hold for `raiseAfterSec` before an incident opens, and be gone for
 * `clearAfterSec` before it closes, so a value flapping at a limit makes one incident, not twenty.
 * The incident's times are those of the signal's first edge, not of the end of the wait, so the
 * time to recover is what the room lived through.
 *
 * Grouping by dependency: when the MCU is down, or when at least `networkOfflineFraction` of the
 * rooms are offline at once (the hub's own uplink, or the MCU seen from every room), one network
 * incident covers the whole fleet; while it is open no room opens its own offline or link incident.
 */
import type { RehearsalCheck, Severity } from '../../shared/schemas.js';
import type { FaultKind } from '../contacts/fault-kinds.js';

export const incidentCauses = [
  'mains.lost',
  'room.offline',
  'codec.down',
  'link.degraded',
  'climate.out-of-range',
  'config.drift',
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
  'network.unreachable': 'critical',
};

export const causeFaultKind: Record<IncidentCause, FaultKind> = {
  'mains.lost': 'mains',
  'room.offline': 'offline',
  'codec.down': 'equipment',
  'link.degraded': 'line',
  'climate.out-of-range': 'climate',
  'config.drift': 'config',
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

export interface RoomSignals {
  roomId: string;
  offline: boolean;
  /** Causes the room's readiness shows now; null when unknown (offline, switched off). */
  fromReadiness: ReadonlySet<RoomCause> | null;
  /** Causes raised by the room's events and not yet cleared. */
  fromEvents: ReadonlySet<RoomCause>;
  /** Causes its latest rehearsal attempt found (a line or a codec that failed its calls). */
  fromRehearsal: ReadonlySet<RoomCause>;
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

export type McuState = 'up' | 'down' | 'unknown';

export interface RulesInput {
  now: Date;
  rooms: readonly RoomSignals[];
  mcu: McuState;
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
}

/** Tracks by key (`{room}|{cause}`, `*|network.unreachable`). */
export type RulesState = ReadonlyMap<string, Track>;

export type Decision =
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

export function trackKey(roomId: string | null, cause: IncidentCause): string {
  return `${roomId ?? NETWORK}|${cause}`;
}

const roomCauses = incidentCauses.filter((c): c is RoomCause => c !== 'network.unreachable');

/** Whether the room shows the cause: true, false, or undefined when it cannot be known now. */
function observe(room: RoomSignals, cause: RoomCause): boolean | undefined {
  if (cause === 'room.offline') return room.offline;
  if (room.fromEvents.has(cause) || room.fromRehearsal.has(cause)) return true;
  if (room.fromReadiness === null) return undefined;
  return room.fromReadiness.has(cause);
}

export function decideIncidents(
  previous: RulesState,
  input: RulesInput,
  config: RulesConfig = defaultRulesConfig,
): { state: Map<string, Track>; decisions: Decision[] } {
  const now = input.now.toISOString();
  const nowMs = input.now.getTime();
  const state = new Map(previous);
  const decisions: Decision[] = [];

  const step = (roomId: string | null, cause: IncidentCause, observed: boolean | undefined) => {
    const key = trackKey(roomId, cause);
    let track = state.get(key) ?? { active: false, since: now, open: false };
    if (observed !== undefined && observed !== track.active)
      track = { ...track, active: observed, since: now };
    const heldSec = (nowMs - Date.parse(track.since)) / 1000;
    if (track.active && !track.open && heldSec >= config.raiseAfterSec) {
      track = { ...track, open: true };
      decisions.push({ kind: 'open', roomId, cause, severity: causeSeverity[cause], openedAt: track.since });
    } else if (!track.active && track.open && heldSec >= config.clearAfterSec) {
      track = { ...track, open: false };
      decisions.push({ kind: 'close', roomId, cause, closedAt: track.since });
    }
    state.set(key, track);
    return track;
  };

  const offline = input.rooms.filter((r) => r.offline).map((r) => r.roomId);
  const fleetDown =
    input.rooms.length > 0 && offline.length >= Math.ceil(input.rooms.length * config.networkOfflineFraction);
  const network = step(null, 'network.unreachable', input.mcu === 'down' || fleetDown);
  const opened = decisions.find((d) => d.kind === 'open');
  if (opened?.kind === 'open') opened.rooms = offline;

  for (const room of input.rooms) {
    for (const cause of roomCauses) {
      const observed = observe(room, cause);
      const key = trackKey(room.roomId, cause);
      const track = state.get(key);
      if (network.open && groupedUnderNetwork.has(cause) && !track?.open) {
        // Covered by the network incident: keep watching, but restart the wait so a room still down
        // when the network is back is counted from then, not from the start of the outage.
        state.set(key, { active: observed ?? track?.active ?? false, since: now, open: false });
        continue;
      }
      step(room.roomId, cause, observed);
    }
  }
  return { state, decisions };
}
