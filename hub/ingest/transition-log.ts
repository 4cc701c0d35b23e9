/**
 * The fleet's readiness transitions, stored: the history the yearly report's availability is read
 * from (../report/availability.ts). A hub alone stores each one as it comes.
 *
 * In a hub group every hub judges every room (./ingest-filter.ts), so each would store the same
 * transition: twice in the history with two hubs, and at 10,000 rooms their inserts were most of
 * PostgreSQL's backlog (bench/results.md). There the hub holding the once-only lease stores them
 * (`storing`, one of the once-only parts, ../once-only-work.ts), and no other. Taking the lease, it
 * first brings the history up to its own judgement of each room (./transition-catch-up.ts), so what
 * changed while no hub stored is there from then on; losing it, it stops at once.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { FleetState } from '../fleet-state.js';
import type { OnceOnlyPart } from '../once-only-work.js';
import type { HubStore, StoredTransition } from '../store/store.js';
import { catchUpTransitions, transitionOf } from './transition-catch-up.js';

export interface TransitionLog {
  /** In a hub group: the storing, on the hub holding the once-only lease. */
  storing: OnceOnlyPart;
}

export function transitionLog(deps: {
  fleet: Pick<FleetState, 'listen' | 'views'>;
  store: Pick<HubStore, 'insertTransition' | 'lastTransitions'>;
  /** One hub of a group: stores only while `storing` runs. Alone: always. */
  group: boolean;
  log: Logger;
  clock: Clock;
}): TransitionLog {
  const { fleet, store, log, clock } = deps;
  let storing = !deps.group;
  const insert = (transition: StoredTransition) =>
    void store
      .insertTransition(transition)
      .catch((err: Error) =>
        log.error({ room: transition.roomId, err: err.message }, 'readiness transition not stored'),
      );
  fleet.listen({
    transition(room) {
      if (storing) insert(transitionOf(room, clock.now()));
    },
  });
  return {
    storing: {
      name: 'readiness-transitions',
      async start() {
        const rooms = fleet.views();
        const last = await store.lastTransitions(rooms.map((room) => room.id)).catch((err: Error) => {
          // Stored from now on all the same: a gap in the history, rather than no history.
          log.error({ err: err.message }, 'readiness history not caught up');
          return null;
        });
        // In this one turn: the catch-up as of now, then every transition as it comes after it.
        if (last) {
          const caughtUp = catchUpTransitions(fleet.views(), last, clock.now());
          for (const transition of caughtUp) insert(transition);
          log.info({ rooms: caughtUp.length }, 'readiness history caught up');
        }
        storing = true;
      },
      stop() {
        storing = false;
      },
    },
  };
}
