/**
 * Rooms grouped by kind, as the fleet page and the booking form show them: the kinds in the order of
 * `roomKinds`, a kind with no room left out (most fleets have no communes, a commune fleet no
 * party office), each group in the fleet's numbering.
 */
import type { RoomKind } from '../../../shared/fleet-file.js';
import { roomKinds } from './vocabulary.js';

export interface RoomGroup<R> {
  kind: RoomKind;
  rooms: R[];
}

export function roomsByKind<R extends { kind: RoomKind; no: number }>(rooms: Iterable<R>): RoomGroup<R>[] {
  const all = [...rooms];
  return roomKinds.flatMap((kind) => {
    const list = all.filter((r) => r.kind === kind).sort((a, b) => a.no - b.no);
    return list.length > 0 ? [{ kind, rooms: list }] : [];
  });
}
