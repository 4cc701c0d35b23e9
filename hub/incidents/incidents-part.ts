/**
 * The incidents part: the tracker fed by the fleet's transitions, the stored events and the
 * rehearsals' findings, judged on a timer too (the rules' waits pass without news), and what it
 * opens, closes and acknowledges shown live and notified.
 *
 * In a hub group the incidents are decided by the hub holding the once-only lease (`deciding`, one
 * of the once-only parts); the others stand by, judging the same news: the events the group's other
 * hubs stored and their rehearsals' findings reach every hub through the live relay, and the events
 * the relay missed (its connection was down) are read back from the store (./group-events.ts): when
 * this hub takes the lease, every `followMs`, and when the relay listens again. A room's flood is
 * seen by the hub it floods, perhaps one standing by: that hub stores it and tells the others, and
 * each judges it; what the relay missed is read back at the same times (./group-edges.ts).
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { LiveBus } from '../api/live-bus.js';
import type { LiveMessage } from '../api/live-socket.js';
import type { HubConfig } from '../config.js';
import type { FleetState } from '../fleet-state.js';
import type { McuMonitor } from '../mcu/mcu-monitor.js';
import type { Notifier } from '../notify/notifier.js';
import { noticeOf } from '../notify/notifier.js';
import type { OnceOnlyPart } from '../once-only-work.js';
import type { Part } from '../parts/part.js';
import type { HubStore, StoredEvent } from '../store/store.js';
import { GroupEdges } from './group-edges.js';
import { GroupEvents } from './group-events.js';
import { IncidentTracker } from './incident-tracker.js';
import type { IncidentsRepo } from './incidents-repo.js';
import type { RoomEdgesRepo } from './room-edges-repo.js';

export interface IncidentsPart extends Part {
  tracker: IncidentTracker;
  /** Judges the rules at the end of this turn of the event loop, once however many asked. */
  judge(): void;
  /** An event this hub stored: judged (in a group, unless the store's catch-up already applied it). */
  heard(event: StoredEvent): void;
  /** An edge the hub sees of a room itself (its flood): judged here, and in a group told to the others. */
  onHubEdge(roomId: string, type: string, data: Record<string, unknown>): void;
  /** In a hub group: storing and telling the decisions, on the hub holding the once-only lease. */
  deciding: OnceOnlyPart;
}

export function incidentsPart(deps: {
  repo: IncidentsRepo;
  fleet: FleetState;
  mcu: Pick<McuMonitor, 'state'>;
  notifier: Pick<Notifier, 'notify'>;
  live: LiveBus;
  settings: HubConfig['incidents'];
  /**
   * One hub of a group sharing a PostgreSQL (null alone): it stands by until it holds the lease, and
   * reads the events and the rooms' edges stored in the group every `followMs`.
   */
  group: {
    events: Pick<HubStore, 'listEventsAfter' | 'lastEventId'>;
    edges: Pick<RoomEdgesRepo, 'save' | 'list'>;
    followMs: number;
  } | null;
  log: Logger;
  clock: Clock;
}): IncidentsPart {
  const { clock, live, notifier, settings } = deps;
  const tracker = new IncidentTracker(
    deps.repo,
    deps.fleet,
    settings,
    deps.log,
    {
      // One network incident instead of 28 when the MCU is unreachable (art. 10.2đ).
      state: () => {
        const m = deps.mcu.state;
        if (!m.configured || m.reachable === null) return 'unknown';
        return m.reachable ? 'up' : 'down';
      },
    },
    clock.now,
  );
  // The rules look at every room, so a burst (a fleet coming online, thousands of rooms at scale, a
  // room's replay after an outage) is judged once per turn of the event loop, all the messages read
  // at once: O(rooms) per burst, not O(rooms²) (the scale benchmark found the per-transition
  // evaluation saturating the hub), and a replay's raise and clear of one fault are judged together.
  let judging: NodeJS.Immediate | null = null;
  const judge = () => {
    judging ??= setImmediate(() => {
      judging = null;
      tracker.evaluate();
    });
  };
  let timer: unknown = null;
  let following: unknown = null;
  // A line or a codec that failed its calls is an incident, routed to whoever must fix it.
  const rehearsed = ({ attempt }: Extract<LiveMessage, { type: 'rehearsal-room' }>) => {
    if (attempt.answered) tracker.onRehearsal(attempt.roomId, attempt.checks);
  };
  live.on('rehearsal-room', rehearsed);
  deps.fleet.listen({ transition: judge });
  const apply = (event: StoredEvent) => {
    // A room its UPS protection shut down goes offline as expected, not as a fault: noted on every
    // hub of a group (whichever stored the event), so the one deciding sees it too.
    if (event.type === 'ups.shutdown')
      deps.fleet.noteShutdown(event.roomId, new Date(event.ts), String(event.data.reason ?? 'UPS critical'));
    tracker.record(event.roomId, event);
    judge();
  };
  const { group } = deps;
  const log = deps.log.child({ part: 'incidents' });
  const events = group ? new GroupEvents({ store: group.events, apply, now: clock.now, log }) : null;
  const edges = group
    ? new GroupEdges({
        repo: group.edges,
        apply: (roomId, edge, data) => tracker.onHubEdge(roomId, edge, data),
        log,
      })
    : null;
  // What the group stored that this hub's relay did not bring.
  const catchUp = async () => {
    await Promise.all([events?.catchUp(), edges?.catchUp()]);
  };
  if (events && edges) {
    void tracker.standBy();
    // What another hub stored, judged here too: this hub may be the one deciding, or take over.
    live.fromGroup('event', ({ event }) => events.heard(event));
    live.fromGroup('rehearsal-room', rehearsed);
    // A flood another hub saw (behind the group's broker each hub also takes in, within
    // mqtt.floodRecheckSec, the rooms cut off by another: hub/broker/flood-guard.ts).
    live.fromGroup('room-edge', ({ roomId, edge, data, version }) =>
      edges.heard(roomId, edge, data, version),
    );
    // What was stored while the relay could not hear it.
    live.onRelayResumed(() => void catchUp());
  }
  return {
    name: 'incidents',
    tracker,
    judge,
    heard: (event) => (events ? events.heard(event) : apply(event)),
    onHubEdge(roomId, type, data) {
      tracker.onHubEdge(roomId, type, data);
      // Stored before it is told, so a hub hearing it never reads back an older one after it.
      void edges
        ?.told(roomId, type, data)
        .then((version) => live.broadcast({ type: 'room-edge', roomId, edge: type, data, version }));
    },
    deciding: {
      name: 'incidents',
      // Decides from all the group stored, the events missed while standing by included.
      start: async () => {
        await catchUp();
        await tracker.takeOver();
      },
      stop: () => tracker.standBy(),
    },
    async start() {
      await tracker.restore();
      tracker.listen({
        opened(incident) {
          live.broadcast({ type: 'incident', change: 'opened', incident });
          notifier.notify(noticeOf(incident, 'opened'));
        },
        closed(incident) {
          live.broadcast({ type: 'incident', change: 'closed', incident });
          notifier.notify(noticeOf(incident, 'closed'));
        },
        acknowledged: (incident) => live.broadcast({ type: 'incident', change: 'acknowledged', incident }),
      });
      timer = clock.setInterval(() => tracker.evaluate(), settings.checkSec * 1000);
      if (events && edges && group) {
        await events.start();
        await edges.start();
        following = clock.setInterval(() => void catchUp(), group.followMs);
      }
    },
    // The decisions made are stored, and told to the notifier, before it stops.
    async stop() {
      if (timer) clock.clearInterval(timer);
      if (following) clock.clearInterval(following);
      await events?.idle();
      await edges?.idle();
      if (judging) clearImmediate(judging);
      await tracker.idle();
    },
  };
}
