/**
 * The load generator's rooms, `load-00001`…: a module of their own, so a hub serving them (its fleet
 * file) loads nothing of the generator.
 */
import type { Room } from '../shared/fleet.js';

/** Synthetic rooms `load-00001`…, for a hub that serves them (their fleet file: `loadgen --write-fleet`). */
export function loadRooms(n: number): Room[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `load-${String(i + 1).padStart(5, '0')}`;
    return { no: 1000 + i, id, name: id, nameEn: id, kind: 'district' as const };
  });
}
