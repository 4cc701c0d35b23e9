/**
 * Keeps the incidents in step with the fleet: hears readiness transitions and stored events, asks
 * the pure rules what to open and close, records it, and tells its listeners (the live socket, the
 * notifier). The rules' waits need time to pass without news, so the hub also calls `evaluate()`
 * on a timer.
 */
import type { Logger } from '../../shared/logger.js';
import type { RehearsalCheck } from '../../shared/schemas.js';
import type { RoomView } from '../fleet-state.js';
import {
  causeOfReadinessCode,
  causesOfChecks,
  type Decision,
  decideIncidents,
  edgeOfEvent,
  type McuState,
  type RoomCause,
  type RoomSignals,
  type RulesConfig,
  type Track,
  trackKey,
} from './incident-rules.js';
import type { Incident, IncidentsRepo } from './incidents-repo.js';

/** The MCU's reachability, from whatever watches it (the MCU monitor); `unknown` without one. */
export interface McuStatus {
  state(): McuState;
}

export interface IncidentListener {
  opened?(incident: Incident): void;
  closed?(incident: Incident): void;
  acknowledged?(incident: Incident): void;
}

export interface FleetViews {
  views(): RoomView[];
}

/**
 * What the readiness shows, as incident causes; null when the room's state is not known now. A room
 * switched off is judged like any other (its faults are faults); one that its UPS protection shut
 * down is still on a mains failure, whatever it can no longer say.
 */
export function readinessSignals(view: RoomView): ReadonlySet<RoomCause> | null {
  const { level, causes } = view.readiness;
  if (level === 'OFFLINE') return expectedOffline(view) ? new Set<RoomCause>(['mains.lost']) : null;
  if (causes.some((c) => c.code === 'telemetry.none')) return null;
  const found = new Set<RoomCause>();
  for (const c of causes) {
    const cause = causeOfReadinessCode(c.code);
    if (cause) found.add(cause);
  }
  return found;
}

/** Offline because it said its UPS protection was shutting it down: no surprise, no offline incident. */
function expectedOffline(view: RoomView): boolean {
  return !view.online && view.readiness.power.state === 'off-ups';
}

const RETRY_AFTER_FAILED_WRITE_MS = 10_000;

export class IncidentTracker {
  private state = new Map<string, Track>();
  /** Per room, the event flags raised and not cleared, with the cause each belongs to. */
  private readonly eventFlags = new Map<string, Map<string, RoomCause>>();
  /** Per room, the causes its latest rehearsal attempt found; replaced by the next attempt. */
  private readonly rehearsalCauses = new Map<string, ReadonlySet<RoomCause>>();
  /** Per room, the agent's boot and sequence number of the latest event applied. */
  private readonly lastEdge = new Map<string, { bootId: string; seq: number }>();
  private readonly listeners: IncidentListener[] = [];
  private readonly startedAt: Date;
  /** After a decision could not be stored, when to try again (ms since epoch); 0 when all is well. */
  private retryAt = 0;

  constructor(
    private readonly repo: IncidentsRepo,
    private readonly fleet: FleetViews,
    private readonly config: RulesConfig & { startupGraceSec: number },
    private readonly log: Logger,
    private readonly mcu: McuStatus = { state: () => 'unknown' },
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.startedAt = clock();
    // Incidents left open by a previous run stay open and are closed by the same rules.
    for (const i of repo.openIncidents()) {
      this.state.set(trackKey(i.roomId, i.cause), { active: true, since: i.openedAt, open: true });
    }
  }

  listen(listener: IncidentListener): void {
    this.listeners.push(listener);
  }

  /**
   * A stored event of a room (duplicates already dropped). An edge older than one already applied
   * (by the agent's `seq` within a boot: a lost event sent again after a later one was stored) is
   * stored history but does not move the flags back.
   */
  onEvent(
    roomId: string,
    type: string,
    data: Record<string, unknown>,
    at?: { bootId: string; seq: number },
  ): void {
    if (at) {
      const last = this.lastEdge.get(roomId);
      if (last && last.bootId === at.bootId && at.seq < last.seq) return;
      this.lastEdge.set(roomId, at);
    }
    let flags = this.eventFlags.get(roomId);
    if (!flags) {
      flags = new Map();
      this.eventFlags.set(roomId, flags);
    }
    // A restarted agent starts from nominal and sends again the edges of faults still present.
    if (type === 'agent.started') flags.clear();
    const edge = edgeOfEvent(type, data);
    if (edge?.raised) flags.set(edge.flag, edge.cause);
    else if (edge) flags.delete(edge.flag);
    this.evaluate();
  }

  /** A room's rehearsal attempt was judged: its failing calls stand until the next attempt. */
  onRehearsal(roomId: string, checks: readonly RehearsalCheck[]): void {
    this.rehearsalCauses.set(roomId, causesOfChecks(checks));
    this.evaluate();
  }

  evaluate(now: Date = this.clock()): void {
    // The database refused a write a moment ago (locked by someone else, failing disk): each try
    // holds the event loop for as long as SQLite waits on the lock, so tries are spaced out.
    if (now.getTime() < this.retryAt) return;
    // A room not heard from since the hub started is only counted offline after the grace: after a
    // hub restart the agents take a while to reconnect, and that is no outage.
    const graceOver = now.getTime() - this.startedAt.getTime() >= this.config.startupGraceSec * 1000;
    const rooms: RoomSignals[] = this.fleet.views().map((view) => ({
      roomId: view.id,
      offline: !view.online && !expectedOffline(view) && (view.lastSeen !== null || graceOver),
      fromReadiness: readinessSignals(view),
      fromEvents: new Set(this.eventFlags.get(view.id)?.values() ?? []),
      fromRehearsal: this.rehearsalCauses.get(view.id) ?? new Set(),
    }));
    const { state, decisions } = decideIncidents(
      this.state,
      { now, rooms, mcu: this.mcu.state() },
      this.config,
    );
    this.state = state;
    for (const [i, d] of decisions.entries()) {
      try {
        this.apply(d);
      } catch (err) {
        // Not stored, so not done: this decision and the ones after it (the database will refuse
        // them too) go back to how they were, and a later evaluation decides them again. Nothing is
        // lost, and no listener hears of an incident that is not there.
        for (const undone of decisions.slice(i)) {
          const key = trackKey(undone.roomId, undone.cause);
          const track = state.get(key);
          if (track) state.set(key, { ...track, open: undone.kind !== 'open' });
        }
        this.retryAt = now.getTime() + RETRY_AFTER_FAILED_WRITE_MS;
        this.log.error(
          {
            room: d.roomId,
            cause: d.cause,
            kind: d.kind,
            undone: decisions.length - i,
            err: (err as Error).message,
          },
          'incident decisions not stored; decided again shortly',
        );
        return;
      }
    }
  }

  acknowledge(id: number, by: string, note: string) {
    const result = this.repo.acknowledge(id, by, note, this.clock().toISOString());
    if (result.ok) for (const l of this.listeners) l.acknowledged?.(result.incident);
    return result;
  }

  private apply(d: Decision): void {
    const incident =
      d.kind === 'open'
        ? this.repo.open(d.roomId, d.cause, d.severity, d.openedAt, d.rooms)
        : this.repo.close(d.roomId, d.cause, d.closedAt);
    if (!incident) {
      this.log.warn({ decision: d }, 'incident decision had nothing to act on');
      return;
    }
    this.log.info({ id: incident.id, room: d.roomId, cause: d.cause, kind: d.kind }, 'incident');
    for (const l of this.listeners) {
      try {
        if (d.kind === 'open') l.opened?.(incident);
        else l.closed?.(incident);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'incident listener failed');
      }
    }
  }
}
