/**
 * The hub's speak requests: one session per host room, opened by the operator (or, once the
 * calendar lands, by the meeting). Requests come from the rooms over MQTT (their button) or from
 * the dashboard; after every change each room whose standing changed gets it on its retained
 * `speak-state` topic, and the dashboards get it on `/ws`.
 *
 * The decisions are speak-queue's; this service holds the sessions and writes each change through
 * to the store before it takes effect, so a hub restart in a meeting (`restore()`, then
 * `publishAll()`) gives every room back its place. Rooms told `no-session` are not kept: after a
 * restart they see `idle`.
 */
import { systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { Logger } from '../../shared/logger.js';
import type { SpeakMessage } from '../../shared/schemas.js';
import type { Actor } from '../api/actor.js';
import {
  act,
  cancelFloor,
  mayAct,
  type Outcome,
  openSession,
  outlived,
  queue,
  type RoomSpeakState,
  requestFloor,
  roomState,
  type SpeakAction,
  type SpeakRequest,
  type SpeakSession,
} from './speak-queue.js';

export interface SessionView {
  hostRoomId: string;
  openedBy: string | null;
  openedAt: string;
  /** The room speaking first, then the waiting ones in order. */
  queue: SpeakRequest[];
}

export interface SpeakOutput {
  /** Retained on the room's `speak-state` topic. */
  publishState(roomId: string, state: RoomSpeakState, at: Date): void;
  sessionChanged(session: SessionView | { hostRoomId: string; closed: true }): void;
  roomChanged(roomId: string, state: RoomSpeakState): void;
}

/** Picks the session a room's request goes to: the latest opened that the room does not host. */
export type HostResolver = (roomId: string, sessions: readonly SpeakSession[]) => string | null;

export const latestSession: HostResolver = (roomId, sessions) => {
  const candidates = sessions.filter((s) => s.hostRoomId !== roomId);
  return candidates.sort((a, b) => b.openedAt.localeCompare(a.openedAt))[0]?.hostRoomId ?? null;
};

/** A meeting under way: who chairs it and who takes part. */
export interface CurrentMeeting {
  hostRoomId: string;
  roomIds: readonly string[];
}

/**
 * Art. 10.1c: a room asks for the floor in its own meeting. A session whose host chairs a meeting
 * under way takes requests from that meeting's rooms only; a session opened where no meeting is
 * under way (an operator's ad hoc call) takes any room's, as before.
 */
export function meetingResolver(current: () => readonly CurrentMeeting[]): HostResolver {
  return (roomId, sessions) => {
    const meetings = current();
    const open = sessions.filter((s) => {
      if (s.hostRoomId === roomId) return false;
      const chaired = meetings.filter((m) => m.hostRoomId === s.hostRoomId);
      return chaired.length === 0 || chaired.some((m) => m.roomIds.includes(roomId));
    });
    return latestSession(roomId, open);
  };
}

/** Where sessions are kept across restarts (`SpeakRepo`); each call is one transaction. */
export interface SpeakSessionStore {
  load(): { sessions: SpeakSession[]; lastRequestId: number };
  save(session: SpeakSession, lastRequestId: number): void;
  remove(hostRoomId: string): boolean;
}

export type ServiceOutcome = Outcome | { ok: false; code: 'no-session' | 'forbidden'; error: string };

export class SpeakService {
  private readonly byHost = new Map<string, SpeakSession>();
  /** Rooms whose last request found no meeting taking requests. */
  private readonly unanswered = new Set<string>();
  private readonly published = new Map<string, string>();
  private seq = 0;

  constructor(
    private readonly fleet: Fleet,
    private readonly store: SpeakSessionStore,
    private readonly out: SpeakOutput,
    private readonly log: Logger,
    private readonly clock: () => Date = systemClock.now,
    private readonly resolveHost: HostResolver = latestSession,
  ) {}

  /**
   * Takes back the sessions a previous run left open, before any request arrives; those opened too
   * long ago are closed instead (see `RESTORE_WITHIN_MS`). Rooms learn their standing at `publishAll()`.
   */
  restore(): void {
    const { sessions, lastRequestId } = this.store.load();
    this.seq = lastRequestId;
    const now = this.clock();
    for (const session of sessions) {
      if (outlived(session, now)) {
        this.store.remove(session.hostRoomId);
        this.log.info(
          { hostRoomId: session.hostRoomId, openedAt: session.openedAt, queued: session.requests.length },
          'speak session too old to restore; closed',
        );
        continue;
      }
      this.byHost.set(session.hostRoomId, session);
    }
    if (this.byHost.size > 0) this.log.info({ sessions: this.byHost.size }, 'speak sessions restored');
  }

  /** Publishes every room's standing, replacing what a previous run left retained. */
  publishAll(): void {
    this.published.clear();
    this.sync();
  }

  sessions(): SessionView[] {
    return [...this.byHost.values()].map(view);
  }

  open(hostRoomId: string, openedBy: string | null = null): SessionView {
    let session = this.byHost.get(hostRoomId);
    if (!session) {
      session = openSession(hostRoomId, this.clock().toISOString(), openedBy);
      this.store.save(session, this.seq);
      this.byHost.set(hostRoomId, session);
      this.unanswered.clear();
      this.out.sessionChanged(view(session));
      this.sync();
    }
    return view(session);
  }

  close(hostRoomId: string): boolean {
    if (!this.byHost.has(hostRoomId)) return false;
    this.store.remove(hostRoomId);
    this.byHost.delete(hostRoomId);
    this.out.sessionChanged({ hostRoomId, closed: true });
    this.sync();
    return true;
  }

  /** From the room's `speak` topic. */
  onMessage(roomId: string, message: SpeakMessage): void {
    const outcome = message.action === 'request' ? this.request(roomId) : this.cancel(roomId);
    if (!outcome.ok)
      this.log.info({ roomId, action: message.action, code: outcome.code }, 'speak message not applied');
  }

  request(roomId: string): ServiceOutcome {
    const host = this.resolveHost(roomId, [...this.byHost.values()]);
    const session = host ? this.byHost.get(host) : undefined;
    if (!session) {
      this.unanswered.add(roomId);
      this.sync();
      return { ok: false, code: 'no-session', error: 'no meeting is taking speak requests' };
    }
    return this.apply(session, requestFloor(session, roomId, this.clock().toISOString(), String(++this.seq)));
  }

  cancel(roomId: string): ServiceOutcome {
    this.unanswered.delete(roomId);
    const session = [...this.byHost.values()].find((s) => roomState(s, roomId).state !== 'idle');
    if (!session) {
      this.sync();
      return { ok: false, code: 'not-found', error: `${roomId} has no request` };
    }
    return this.apply(session, cancelFloor(session, roomId, this.clock().toISOString()));
  }

  /** The host's decision; `actor` must be the host room's technician or an operator. */
  decide(requestId: string, action: SpeakAction, actor: Actor | null): ServiceOutcome {
    const session = [...this.byHost.values()].find((s) => s.requests.some((r) => r.id === requestId));
    const request = session?.requests.find((r) => r.id === requestId);
    if (!session || !request) return { ok: false, code: 'not-found', error: `no request ${requestId}` };
    if (!mayAct(actor, session.hostRoomId, request.roomId)) {
      return {
        ok: false,
        code: 'forbidden',
        error: `only the technician of the host room ${session.hostRoomId} or an operator may ${action} this request`,
      };
    }
    return this.apply(session, act(session, requestId, action, this.clock().toISOString()));
  }

  private apply(session: SpeakSession, outcome: Outcome): ServiceOutcome {
    if (!outcome.ok) return outcome;
    const changed = outcome.session !== session;
    // Stored first: a change the database refused takes no effect, and the caller hears of it.
    if (changed) this.store.save(outcome.session, this.seq);
    this.unanswered.delete(outcome.request.roomId);
    if (changed) {
      this.byHost.set(session.hostRoomId, outcome.session);
      this.out.sessionChanged(view(outcome.session));
    }
    this.sync();
    return outcome;
  }

  stateOf(roomId: string): RoomSpeakState {
    for (const s of this.byHost.values()) {
      const state = roomState(s, roomId);
      if (state.state !== 'idle') return state;
    }
    return this.unanswered.has(roomId) ? { state: 'no-session' } : { state: 'idle' };
  }

  /** Tells every room whose standing changed (a position moves when the room ahead is served). */
  private sync(): void {
    const now = this.clock();
    for (const room of this.fleet.rooms) {
      const state = this.stateOf(room.id);
      const key = JSON.stringify(state);
      if (this.published.get(room.id) === key) continue;
      this.published.set(room.id, key);
      this.out.publishState(room.id, state, now);
      this.out.roomChanged(room.id, state);
    }
  }
}

function view(s: SpeakSession): SessionView {
  return { hostRoomId: s.hostRoomId, openedBy: s.openedBy, openedAt: s.openedAt, queue: queue(s) };
}
