/**
 * How the fleet page finds and orders rooms: by name whatever the accents ("ham yen" finds "Hàm
 * Yên"), and worst first for a wall display. Pure, so both are tested as tables.
 */
import type { RoomView } from '../../fleet-state.js';
import type { Level } from '../../readiness.js';
import type { NextItem } from './next-item.js';

/** Lower case without diacritics (đ is d), for matching what a person types without accents. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .trim();
}

export function matchesName(room: Pick<RoomView, 'name' | 'nameEn' | 'id'>, query: string): boolean {
  const q = fold(query);
  if (q === '') return true;
  return [room.name, room.nameEn, room.id].some((text) => fold(text).includes(q));
}

/**
 * A known fault first: it names what to fix; then a room not heard from, then a degraded one. Among
 * equals, the room whose meeting or rehearsal comes soonest, then the fleet's numbering.
 */
const severity: Record<Level, number> = { NOT_READY: 0, OFFLINE: 1, DEGRADED: 2, READY: 3 };

export type FleetSort = 'group' | 'worst' | 'name';

export function sortRooms(
  rooms: readonly RoomView[],
  sort: Exclude<FleetSort, 'group'>,
  next: ReadonlyMap<string, NextItem>,
): RoomView[] {
  const soon = (r: RoomView) => {
    const item = next.get(r.id);
    if (!item) return Number.POSITIVE_INFINITY;
    return item.inProgress ? Number.NEGATIVE_INFINITY : Date.parse(item.at);
  };
  const list = [...rooms];
  if (sort === 'name') return list.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  return list.sort(
    (a, b) => severity[a.readiness.level] - severity[b.readiness.level] || soon(a) - soon(b) || a.no - b.no,
  );
}
