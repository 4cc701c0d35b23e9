/**
 * Keeps the incidents in step with the fleet: hears readiness transitions and stored events, asks
 * the pure rules what to open and close, records it, and tells its listeners (the live socket, the
 * notifier). The rules' waits need time to pass without news, so the hub also calls `evaluate()`
 * on a timer.
 *
 * Its decisions are made in memory, at once, on what it holds (the rules' tracks, the open
 * incidents loaded at start by `restore()`): ingest and timers never wait on the store, and two
 * evaluations never interleave. Each decision is then written through, one after another in the
 * order decided, and its listeners hear of it once it is stored.
 *
 * In a hub group only the hub holding the once-only lease decides (`takeOver()`); the others stand
 * by (`standBy()`): they hear the same news (the events another hub stored reach them through the
 * live relay) and judge it the same way, but store nothing and tell no one, so each incident is
 * opened and closed once, with one notice. The hub taking over reads which incidents the store has
 * open, and goes on from there.
 */
import { systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { RehearsalCheck, Severity } from '../../shared/schemas.js';
import type { RoomView } from '../fleet-state.js';
import {
  causeOfReadinessCode,
  causeSeverity,
  causesOfChecks,
  decideIncidents,
  edgeOfEvent,
  FORGET_AFTER_MS,
  type IncidentDecision,
  type McuReach,
  type RoomCause,
  type RoomSignals,
  type RulesConfig,
  type Shown,
  type Track,
  trackKey,
} from './incident-rules.js';
import type { Incident, IncidentsRepo } from './incidents-repo.js';

/** The MCU's reachability, from whatever watches it (the MCU monitor); `unknown` without one. */
export interface McuStatus {
  state(): McuReach;
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
 * What the readiness shows, as incident causes with how bad (a cause past its not-ready limit is
 * critical); null when the room's state is not known now. A room switched off is judged like any
 * other (its faults are faults); one that its UPS protection shut down is still on a mains failure,
 * whatever it can no longer say.
 */
export function readinessSignals(view: RoomView): ReadonlyMap<RoomCause, Shown> | null {
  const { level, causes } = view.readiness;
  if (level === 'OFFLINE')
    return expectedOffline(view)
      ? new Map<RoomCause, Shown>([['mains.lost', { severity: 'critical' }]])
      : null;
  if (causes.some((c) => c.code === 'telemetry.none')) return null;
  const found = new Map<RoomCause, Shown>();
  for (const c of causes) {
    const cause = causeOfReadinessCode(c.code);
    if (!cause) continue;
    const severity: Severity = c.level === 'NOT_READY' ? 'critical' : causeSeverity[cause];
    const known = found.get(cause);
    if (!known || severity === 'critical') found.set(cause, { severity });
  }
  return found;
}

/** Offline because it said its UPS protection was shutting it down: no surprise, no offline incident. */
function expectedOffline(view: RoomView): boolean {
  return !view.online && view.readiness.power.state === 'off-ups';
}

const RETRY_AFTER_FAILED_WRITE_MS = 10_000;

/** A room with nothing raised, cleared or found: one empty value shared by all of them. */
const NONE_SHOWN: ReadonlyMap<RoomCause, Shown> = new Map();
const NONE_CLEARED: ReadonlyMap<RoomCause, { began: string; ended: string }> = new Map();
const NONE_FOUND: ReadonlySet<RoomCause> = new Set();

/** A raised event flag: the cause it belongs to, since when, how bad. */
interface Flag {
  cause: RoomCause;
  at: string;
  severity: Severity;
}

/** What `onEvent` needs of a stored event. */
export interface EdgeOf {
  type: string;
  severity: Severity;
  data: Record<string, unknown>;
  /** The agent's time of the edge: when the fault began or ended, even if it reaches the hub later. */
  ts: string;
  bootId: string;
  seq: number;
}

export class IncidentTracker {
  private state = new Map<string, Track>();
  /** The signals of rooms with nothing but their view to go by, by view (kept until it changes). */
  private readonly viewSignals = new WeakMap<RoomView, RoomSignals>();
  /** Per room, the event flags raised and not cleared. */
  private readonly eventFlags = new Map<string, Map<string, Flag>>();
  /** Per room and cause, the last episode its events cleared. */
  private readonly cleared = new Map<string, Map<RoomCause, { began: string; ended: string }>>();
  /** Per room, the causes its latest rehearsal attempt found; replaced by the next attempt. */
  private readonly rehearsalCauses = new Map<string, ReadonlySet<RoomCause>>();
  /** Per room, the agent's boot and sequence number of the latest event applied. */
  private readonly lastEdge = new Map<string, { bootId: string; seq: number }>();
  private readonly listeners: IncidentListener[] = [];
  private readonly startedAt: Date;
  /** After a decision could not be stored, when to try again (ms since epoch); 0 when all is well. */
  private retryAt = 0;
  /** Decided and not yet stored, in the order decided; the first is being written. */
  private unstored: IncidentDecision[] = [];
  /** The writes of the decisions, chained in order. */
  private writes: Promise<void> = Promise.resolve();
  /** False on a hub of a group standing by: its decisions are only its view, never stored. */
  private deciding = true;

  constructor(
    private readonly repo: IncidentsRepo,
    private readonly fleet: FleetViews,
    private readonly config: RulesConfig & { startupGraceSec: number },
    private readonly log: Logger,
    private readonly mcu: McuStatus = { state: () => 'unknown' },
    private readonly clock: () => Date = systemClock.now,
  ) {
    this.startedAt = clock();
  }

  /** At start, before any news: incidents left open by a previous run stay open and are closed by the same rules. */
  async restore(): Promise<void> {
    for (const i of await this.repo.openIncidents()) {
      this.state.set(trackKey(i.roomId, i.cause), { active: true, since: i.openedAt, open: true });
    }
  }

  /**
   * In a hub group, this hub no longer decides (another holds the lease, or none yet): its
   * decisions still under way are stored and told, later ones are its view only.
   */
  async standBy(): Promise<void> {
    this.deciding = false;
    await this.idle();
  }

  /**
   * This hub decides from now on: what the store has open is open (the hub that decided before may
   * have opened or closed what this one only judged), and is closed by the same rules.
   */
  async takeOver(): Promise<void> {
    await this.idle();
    const stored = new Map((await this.repo.openIncidents()).map((i) => [trackKey(i.roomId, i.cause), i]));
    for (const [key, track] of this.state)
      if (track.open && !stored.has(key)) this.state.set(key, { ...track, open: false });
    for (const [key, incident] of stored) {
      const track = this.state.get(key);
      this.state.set(
        key,
        track ? { ...track, open: true } : { active: true, since: incident.openedAt, open: true },
      );
    }
    this.deciding = true;
    this.evaluate();
  }

  /** Incidents open as this tracker decided them (some perhaps still being stored). */
  openCount(): number {
    let n = 0;
    for (const track of this.state.values()) if (track.open) n++;
    return n;
  }

  /** Resolves once every decision made so far is stored (or undone) and its listeners told. */
  async idle(): Promise<void> {
    while (this.unstored.length > 0) await this.writes;
  }

  listen(listener: IncidentListener): void {
    this.listeners.push(listener);
  }

  /**
   * A stored event of a room (duplicates already dropped). An edge older than one already applied
   * (by the agent's `seq` within a boot: a lost event sent again after a later one was stored) is
   * stored history but does not move the flags back.
   */
  onEvent(roomId: string, event: EdgeOf): void {
    this.record(roomId, event);
    this.evaluate();
  }

  /**
   * The same without judging at once: the hub judges once per turn of the event loop, so the edges
   * of a replay that arrive together (a fault raised and cleared during an outage) are judged
   * together, and a flap shorter than `raiseAfterSec` stays no incident.
   */
  record(roomId: string, event: EdgeOf): void {
    const last = this.lastEdge.get(roomId);
    if (last && last.bootId === event.bootId && event.seq < last.seq) return;
    this.lastEdge.set(roomId, { bootId: event.bootId, seq: event.seq });
    this.flag(roomId, event);
  }

  /**
   * An edge the hub sees of a room itself (the room's message rate), at the hub's time: outside the
   * room's own sequence of events, so it neither orders nor is ordered by them.
   */
  onHubEdge(roomId: string, type: string, data: Record<string, unknown>): void {
    this.flag(roomId, { type, severity: 'critical', data, ts: this.clock().toISOString() });
    this.evaluate();
  }

  private flag(roomId: string, event: Omit<EdgeOf, 'bootId' | 'seq'>): void {
    let flags = this.eventFlags.get(roomId);
    if (!flags) {
      flags = new Map();
      this.eventFlags.set(roomId, flags);
    }
    // A restarted agent starts from nominal and sends again the edges of faults still present.
    if (event.type === 'agent.started') flags.clear();
    const edge = edgeOfEvent(event.type, event.data);
    if (edge?.raised) {
      flags.set(edge.flag, { cause: edge.cause, at: event.ts, severity: event.severity });
    } else if (edge) {
      const began = this.eventSignals(roomId).get(edge.cause)?.at;
      flags.delete(edge.flag);
      if (began && ![...flags.values()].some((f) => f.cause === edge.cause)) {
        const cleared = this.cleared.get(roomId) ?? new Map<RoomCause, { began: string; ended: string }>();
        cleared.set(edge.cause, { began, ended: event.ts });
        this.cleared.set(roomId, cleared);
      }
    }
    // A room with no flag up has no entry: it is one judged from its view alone.
    if (flags.size === 0) this.eventFlags.delete(roomId);
  }

  /** Episodes that ended before `at`: judged long ago, their tracks forgotten by the rules too. */
  private forgetClearedBefore(atMs: number): void {
    for (const [roomId, episodes] of this.cleared) {
      for (const [cause, episode] of episodes) if (Date.parse(episode.ended) < atMs) episodes.delete(cause);
      if (episodes.size === 0) this.cleared.delete(roomId);
    }
  }

  /** What the rules are told of a room; `known`: whether its silence says anything yet. */
  private signalsOf(view: RoomView, known: boolean): RoomSignals {
    return {
      roomId: view.id,
      offline: known ? !view.online && !expectedOffline(view) : undefined,
      fromReadiness: known ? readinessSignals(view) : null,
      fromEvents: this.eventFlags.has(view.id) ? this.eventSignals(view.id) : NONE_SHOWN,
      cleared: this.cleared.get(view.id) ?? NONE_CLEARED,
      fromRehearsal: this.rehearsalCauses.get(view.id) ?? NONE_FOUND,
    };
  }

  /** The causes the room's events raise, each from its first flag's time, at its worst severity. */
  private eventSignals(roomId: string): Map<RoomCause, Shown> {
    const shown = new Map<RoomCause, Shown>();
    for (const f of this.eventFlags.get(roomId)?.values() ?? []) {
      const known = shown.get(f.cause);
      shown.set(f.cause, {
        at: known?.at && known.at < f.at ? known.at : f.at,
        severity: known?.severity === 'critical' || f.severity === 'critical' ? 'critical' : 'warning',
      });
    }
    return shown;
  }

  /** A room's rehearsal attempt was judged: its failing calls stand until the next attempt. */
  onRehearsal(roomId: string, checks: readonly RehearsalCheck[]): void {
    this.rehearsalCauses.set(roomId, causesOfChecks(checks));
    this.evaluate();
  }

  evaluate(now: Date = this.clock()): void {
    // The store refused a write a moment ago (locked by someone else, failing disk, a lost
    // PostgreSQL): tries are spaced out rather than piling up behind it.
    if (now.getTime() < this.retryAt) return;
    // A room not heard from since the hub started is only counted offline after the grace: after a
    // hub restart the agents take a while to reconnect, and that is no outage.
    const graceOver = now.getTime() - this.startedAt.getTime() >= this.config.startupGraceSec * 1000;
    this.forgetClearedBefore(now.getTime() - FORGET_AFTER_MS);
    // Every room on every judgement, several a second at 10,000 rooms: what did not change since
    // the last one is not built again (a room's view is kept until it changes, ../fleet-state.ts).
    const rooms: RoomSignals[] = this.fleet.views().map((view) => {
      // After the grace, what a room without flags, episodes or findings shows depends on its view
      // alone: made once per view.
      if (
        graceOver &&
        !this.eventFlags.has(view.id) &&
        !this.cleared.has(view.id) &&
        !this.rehearsalCauses.has(view.id)
      ) {
        let signals = this.viewSignals.get(view);
        if (!signals) {
          signals = this.signalsOf(view, true);
          this.viewSignals.set(view, signals);
        }
        return signals;
      }
      // Heard from since this hub started; before that, a room's silence says nothing yet.
      const heard = view.lastSeen !== null && Date.parse(view.lastSeen) >= this.startedAt.getTime();
      return this.signalsOf(view, heard || graceOver);
    });
    const { state, decisions } = decideIncidents(
      this.state,
      { now, rooms, mcu: this.mcu.state(), settled: graceOver },
      this.config,
    );
    this.state = state;
    if (this.deciding) for (const d of decisions) this.writeThrough(d);
  }

  async acknowledge(id: number, by: string, note: string) {
    const result = await this.repo.acknowledge(id, by, note, this.clock().toISOString());
    if (result.ok) for (const l of this.listeners) l.acknowledged?.(result.incident);
    return result;
  }

  private writeThrough(d: IncidentDecision): void {
    this.unstored.push(d);
    this.writes = this.writes.then(() => this.store(d));
  }

  private async store(d: IncidentDecision): Promise<void> {
    // Undone, with the ones after it, when one before it could not be stored.
    if (this.unstored[0] !== d) return;
    let incident: Incident | null;
    try {
      incident =
        d.kind === 'open'
          ? await this.repo.open(d.roomId, d.cause, d.severity, d.openedAt, d.rooms)
          : await this.repo.close(d.roomId, d.cause, d.closedAt);
    } catch (err) {
      this.undo(err as Error);
      return;
    }
    this.unstored.shift();
    this.told(d, incident);
  }

  /**
   * A decision was not stored, so not done: it and the ones decided after it (the store would refuse
   * them too) go back to how the store has them, and a later evaluation decides them again. Nothing
   * is lost, and no listener hears of an incident that is not there.
   */
  private undo(err: Error): void {
    const [failed] = this.unstored;
    const undone = this.unstored;
    this.unstored = [];
    const seen = new Set<string>();
    for (const d of undone) {
      const key = trackKey(d.roomId, d.cause);
      // The first decision about a track says how the store has it: open unless that was an opening.
      if (seen.has(key)) continue;
      seen.add(key);
      const track = this.state.get(key);
      if (track) this.state.set(key, { ...track, open: d.kind !== 'open' });
    }
    this.retryAt = this.clock().getTime() + RETRY_AFTER_FAILED_WRITE_MS;
    this.log.error(
      {
        room: failed?.roomId,
        cause: failed?.cause,
        kind: failed?.kind,
        undone: undone.length,
        err: err.message,
      },
      'incident decisions not stored; decided again shortly',
    );
  }

  private told(d: IncidentDecision, incident: Incident | null): void {
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
