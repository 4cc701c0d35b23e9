/**
 * What the stored readiness history must be brought up to when a hub of a group takes over storing
 * it (./transition-log.ts), pure. While no hub stored (the last holder died, its lease not yet
 * expired and taken), rooms went on changing: each room this hub judges otherwise than the last
 * transition stored for it gets one transition as of now, so the history from then on is right.
 */
import type { RoomView } from '../fleet-state.js';
import type { StoredTransition } from '../store/store.js';

/** A room's readiness as judged now, as the row that stores it. */
export function transitionOf(room: Pick<RoomView, 'id' | 'readiness'>, at: Date): StoredTransition {
  return {
    roomId: room.id,
    level: room.readiness.level,
    power: room.readiness.power.state,
    reasons: room.readiness.reasons,
    at: at.toISOString(),
  };
}

function sameState(a: StoredTransition, b: StoredTransition): boolean {
  return (
    a.level === b.level &&
    a.power === b.power &&
    a.reasons.length === b.reasons.length &&
    a.reasons.every((reason, i) => reason === b.reasons[i])
  );
}

/**
 * The transitions to store at `at`: one for each room whose judged state (level, power state,
 * reasons) is not its last stored one. Not for a room no hub has heard of yet ("never seen online"):
 * until it is first heard its time is unknown in the history, not offline (../report/availability.ts),
 * and its first transition is stored as it comes. A room last heard before this hub started, and not
 * since, is caught up as offline: one that died while no hub stored is not left ready in the history.
 */
export function catchUpTransitions(
  rooms: readonly Pick<RoomView, 'id' | 'readiness' | 'lastSeen'>[],
  stored: readonly StoredTransition[],
  at: Date,
): StoredTransition[] {
  const last = new Map(stored.map((t) => [t.roomId, t]));
  return rooms
    .filter((room) => room.lastSeen !== null)
    .map((room) => transitionOf(room, at))
    .filter((now) => {
      const before = last.get(now.roomId);
      return !before || !sameState(before, now);
    });
}
