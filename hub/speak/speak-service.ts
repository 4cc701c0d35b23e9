/**
 * The hub's speak requests: one session per host room, opened by the operator (or, once the
 * calendar lands, by the meeting). Requests come from the rooms over MQTT (their button) or from
 * the dashboard; after every change each room whose standing changed gets it on its retained
 * `speak-state` topic, and the dashboards get it on `/ws`.
 *
 * The decisions are speak-queue's; this service decides each change on the sessions as stored and
 * stores it before it takes effect, so a hub restart in a meeting (`restore()`, then `publishAll()`)
 * gives every room back its place. Rooms told `no-session` are not kept: after a restart they see
 * `idle`. In a hub group the store is the one queue: a room's message reaches every hub and the
 * first to store it applies it, and a hub hearing of another's change reads the queue again
 * (`follow()`), so every hub shows the same queue and tells the rooms the same standing.
 */
import { isDeepStrictEqual } from 'node:util';
import { systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { Logger } from '../../shared/logger.js';
import type { SpeakMessage } from '../../shared/schemas.js';
import type { Actor } from '../api/actor.js';
import { Turns } from '../turns.js';
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
import type { ChangeResult, HeardMessage, SpeakChange, StoredSpeak } from './speak-repo.js';

export interface SessionView {
  hostRoomId: string;
  openedBy: string | null;
  openedAt: string;
  /** The room speaking first, then the waiting ones in order. */
  queue: SpeakRequest[];
}

/** A session as the dashboards show it, or that it closed. */
export type SessionNews = SessionView | { hostRoomId: string; closed: true };

export interface SpeakOutput {
  /** Retained on the room's `speak-state` topic. */
  publishState(roomId: string, state: RoomSpeakState, at: Date): void;
  /** A session this hub changed: news for every dashboard of the group. */
  sessionChanged(session: SessionNews): void;
  /**
   * A session another hub changed, found on reading the store again: news for this hub's
   * dashboards only, the others had it from the hub that changed it.
   */
  sessionFound(session: SessionNews): void;
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

/**
 * Where sessions are kept (`SpeakRepo`), the queue's truth, which the hubs of a group share; each
 * call is one transaction.
 */
export interface SpeakSessionStore {
  load(): Promise<StoredSpeak>;
  remove(hostRoomId: string): Promise<boolean>;
  change<T>(decide: (now: StoredSpeak) => SpeakChange<T>, heard?: HeardMessage): Promise<ChangeResult<T>>;
}

export type ServiceOutcome = Outcome | { ok: false; code: 'no-session' | 'forbidden'; error: string };

export class SpeakService {
  /** The sessions as last read from or written to the store. */
  private byHost = new Map<string, SpeakSession>();
  /** Rooms whose last request found no meeting taking requests. */
  private readonly unanswered = new Set<string>();
  private readonly published = new Map<string, string>();
  /**
   * The sessions as this hub's dashboards were last shown them: by this hub's changes, by the group's
   * news the relay brought, by what `follow()` found. `follow()` shows only what differs from it, so
   * a change whose news the relay brought is not shown again when the queue is read.
   */
  private readonly shown = new Map<string, SessionView>();
  /** Counts the group's news shown: a read begun before one may be older than what it showed. */
  private groupNews = 0;
  /** Changes run one at a time, each on the sessions the one before stored. */
  private readonly turns = new Turns();

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
  async restore(): Promise<void> {
    const { sessions } = await this.store.load();
    const now = this.clock();
    for (const session of sessions) {
      if (outlived(session, now)) {
        await this.store.remove(session.hostRoomId);
        this.log.info(
          { hostRoomId: session.hostRoomId, openedAt: session.openedAt, queued: session.requests.length },
          'speak session too old to restore; closed',
        );
        continue;
      }
      this.byHost.set(session.hostRoomId, session);
      // What a dashboard loads with the page (`sessions()`), not news to show it again.
      this.shown.set(session.hostRoomId, view(session));
    }
    if (this.byHost.size > 0) this.log.info({ sessions: this.byHost.size }, 'speak sessions restored');
  }

  /** Publishes every room's standing, replacing what a previous run left retained. */
  publishAll(): void {
    this.published.clear();
    this.sync();
  }

  /**
   * Reads the sessions again, for the changes another hub of the group made: the rooms whose
   * standing changed are told, and this hub's dashboards the sessions not as they were last shown
   * (a change whose news the relay lost, its connection down, is found here and nowhere else).
   */
  follow(): Promise<void> {
    return this.turns
      .next(async () => {
        const newsBefore = this.groupNews;
        this.adopt((await this.store.load()).sessions);
        // News the relay brought while the store was read may be newer than what was read: showing the
        // read would take the dashboards back; the read that news asked for comes next and shows the rest.
        if (this.groupNews === newsBefore)
          for (const news of sessionsChanged(this.shown, this.byHost)) {
            this.remember(news);
            this.out.sessionFound(news);
          }
        this.sync();
      })
      .catch((err: Error) => this.log.warn({ err: err.message }, 'speak sessions not read again'));
  }

  /**
   * Another hub's news of a session, which the relay brought and this hub's dashboards were shown:
   * remembered as shown, then the sessions read again for the rooms' standings.
   */
  heardFromGroup(news: SessionNews): Promise<void> {
    this.remember(news);
    this.groupNews++;
    return this.follow();
  }

  sessions(): SessionView[] {
    return [...this.byHost.values()].map(view);
  }

  async open(hostRoomId: string, openedBy: string | null = null): Promise<SessionView> {
    const opened = await this.change(({ sessions }) => {
      const session = sessions.find((s) => s.hostRoomId === hostRoomId);
      if (session) return { result: session };
      const created = openSession(hostRoomId, this.now(), openedBy);
      return { save: created, result: created };
    });
    return view(opened!);
  }

  async close(hostRoomId: string): Promise<boolean> {
    const closed = await this.change(({ sessions }) =>
      sessions.some((s) => s.hostRoomId === hostRoomId)
        ? { remove: hostRoomId, result: true }
        : { result: false },
    );
    return closed === true;
  }

  /** From the room's `speak` topic: applied in the order the room's messages came, once in a hub group. */
  onMessage(roomId: string, message: SpeakMessage): void {
    const heard = { roomId, ts: message.ts, action: message.action, at: this.clock().toISOString() };
    const outcome = message.action === 'request' ? this.request(roomId, heard) : this.cancel(roomId, heard);
    outcome.then(
      (o) => {
        if (!o.ok)
          this.log.info({ roomId, action: message.action, code: o.code }, 'speak message not applied');
      },
      (err: Error) =>
        this.log.error({ roomId, action: message.action, err: err.message }, 'speak message not stored'),
    );
  }

  async request(roomId: string, heard?: HeardMessage): Promise<ServiceOutcome> {
    const outcome = await this.change(
      ({ sessions, lastRequestId }): SpeakChange<ServiceOutcome> => {
        const host = this.resolveHost(roomId, sessions);
        const session = sessions.find((s) => s.hostRoomId === host);
        if (!session)
          return { result: { ok: false, code: 'no-session', error: 'no meeting is taking speak requests' } };
        const id = lastRequestId + 1;
        return {
          ...changeOf(session, requestFloor(session, roomId, this.now(), String(id))),
          lastRequestId: id,
        };
      },
      {
        heard,
        applied: (o) => {
          if (o.ok) this.unanswered.delete(roomId);
          else if (o.code === 'no-session') this.unanswered.add(roomId);
        },
      },
    );
    return outcome ?? alreadyApplied;
  }

  async cancel(roomId: string, heard?: HeardMessage): Promise<ServiceOutcome> {
    const outcome = await this.change(
      ({ sessions }): SpeakChange<ServiceOutcome> => {
        const session = sessions.find((s) => roomState(s, roomId).state !== 'idle');
        if (!session) return { result: { ok: false, code: 'not-found', error: `${roomId} has no request` } };
        return changeOf(session, cancelFloor(session, roomId, this.now()));
      },
      { heard, applied: () => this.unanswered.delete(roomId) },
    );
    return outcome ?? alreadyApplied;
  }

  /** The host's decision; `actor` must be the host room's technician or an operator. */
  async decide(requestId: string, action: SpeakAction, actor: Actor | null): Promise<ServiceOutcome> {
    const outcome = await this.change(
      ({ sessions }): SpeakChange<ServiceOutcome> => {
        const session = sessions.find((s) => s.requests.some((r) => r.id === requestId));
        const request = session?.requests.find((r) => r.id === requestId);
        if (!session || !request)
          return { result: { ok: false, code: 'not-found', error: `no request ${requestId}` } };
        if (!mayAct(actor, session.hostRoomId, request.roomId)) {
          return {
            result: {
              ok: false,
              code: 'forbidden',
              error: `only the technician of the host room ${session.hostRoomId} or an operator may ${action} this request`,
            },
          };
        }
        return changeOf(session, act(session, requestId, action, this.now()));
      },
      { applied: (o) => o.ok && this.unanswered.delete(o.request.roomId) },
    );
    return outcome ?? alreadyApplied;
  }

  /** Resolves once the changes asked for so far are done (stored or refused). */
  idle(): Promise<void> {
    return this.turns.idle();
  }

  private now(): string {
    return this.clock().toISOString();
  }

  /**
   * Decides on the sessions as stored now (another hub of the group may have changed them) and
   * stores the change before it takes effect: a change the database refused takes none, and the
   * caller hears of it. Only the hub whose write changed a session tells the dashboards (its live
   * news reaches the group's other hubs); every hub tells the rooms whose standing it sees change.
   * Null when `heard` names a room's message already applied (by another hub of the group).
   */
  private change<T>(
    decide: (now: StoredSpeak) => SpeakChange<T>,
    options: { heard?: HeardMessage | undefined; applied?: (result: T) => void } = {},
  ): Promise<T | null> {
    return this.turns.next(async () => {
      let written: SpeakChange<T> | null = null;
      const done = await this.store.change((now) => {
        written = decide(now);
        return written;
      }, options.heard);
      this.adopt(done.stored.sessions);
      const change = written as SpeakChange<T> | null;
      if (done.applied && change) {
        options.applied?.(change.result);
        if (change.save) this.changed(view(change.save));
        if (change.remove !== undefined) this.changed(closed(change.remove));
      }
      this.sync();
      return done.applied ? done.result : null;
    });
  }

  /** Tells every dashboard of the group of a session this hub changed, this hub's remembering it shown. */
  private changed(news: SessionNews): void {
    this.remember(news);
    this.out.sessionChanged(news);
  }

  /** What this hub's dashboards were shown of a session. */
  private remember(news: SessionNews): void {
    if ('closed' in news) this.shown.delete(news.hostRoomId);
    else this.shown.set(news.hostRoomId, news);
  }

  /** The sessions as stored; a session opened meanwhile takes requests again from rooms told none did. */
  private adopt(sessions: readonly SpeakSession[]): void {
    const before = this.byHost;
    this.byHost = new Map(sessions.map((s) => [s.hostRoomId, s]));
    if ([...this.byHost.keys()].some((host) => !before.has(host))) this.unanswered.clear();
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

/** What a queue's outcome stores: its session, when the outcome changed it. */
function changeOf(session: SpeakSession, outcome: Outcome): SpeakChange<ServiceOutcome> {
  return outcome.ok && outcome.session !== session
    ? { save: outcome.session, result: outcome }
    : { result: outcome };
}

/** A room's message another hub of the group applied first: nothing left to do here. */
const alreadyApplied: ServiceOutcome = {
  ok: false,
  code: 'not-found',
  error: 'already applied by a hub of the group',
};

/** The sessions whose view differs from the one shown, and those shown that are gone. */
function sessionsChanged(
  shown: ReadonlyMap<string, SessionView>,
  now: ReadonlyMap<string, SpeakSession>,
): SessionNews[] {
  const news: SessionNews[] = [];
  for (const [host, session] of now) {
    const current = view(session);
    if (!isDeepStrictEqual(shown.get(host), current)) news.push(current);
  }
  for (const host of shown.keys()) if (!now.has(host)) news.push(closed(host));
  return news;
}

const closed = (hostRoomId: string): SessionNews => ({ hostRoomId, closed: true });

function view(s: SpeakSession): SessionView {
  return { hostRoomId: s.hostRoomId, openedBy: s.openedBy, openedAt: s.openedAt, queue: queue(s) };
}
