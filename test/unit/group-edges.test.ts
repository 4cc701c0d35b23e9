/**
 * The flood edges a hub of a group judges: stored by the hub that saw them, told by the relay,
 * read back from the store when the relay lost them; each applied once, and never an older edge of
 * a room after a later one, whichever way either came.
 */
import { expect, test } from '@jest/globals';
import { FLOOD_CLEARED, FLOOD_RAISED } from '../../hub/broker/flood-guard.js';
import { GroupEdges } from '../../hub/incidents/group-edges.js';
import type { RoomEdge, StoredRoomEdge } from '../../hub/incidents/room-edges-repo.js';
import { createLogger } from '../../shared/logger.js';

const ROOM = 'so-y-te';

/** The group's rows, one per room and flag, each write one version more, as the repository does. */
function world() {
  const rows = new Map<string, StoredRoomEdge>();
  let failing = false;
  const applied: string[] = [];
  const store = (edge: RoomEdge): number => {
    const key = `${edge.roomId}/${edge.flag}`;
    const version = (rows.get(key)?.version ?? 0) + 1;
    rows.set(key, { ...edge, version });
    return version;
  };
  const edges = new GroupEdges({
    repo: {
      async save(edge) {
        if (failing) throw new Error('connection refused');
        return store(edge);
      },
      async list() {
        if (failing) throw new Error('connection refused');
        return [...rows.values()].map((r) => structuredClone(r));
      },
    },
    apply: (roomId, edge) => applied.push(`${roomId} ${edge}`),
    log: createLogger('test', 'silent'),
  });
  return {
    edges,
    applied,
    /** Another hub of the group stores an edge (its relay message may or may not come). */
    otherHub: (edge: string) => store({ roomId: ROOM, flag: 'flood', edge, data: { broker: 'embedded' } }),
    fail: (yes: boolean) => {
      failing = yes;
    },
  };
}

test('a flood another hub stored while the relay was down is applied on reading back, once', async () => {
  const { edges, applied, otherHub } = world();
  await edges.start();
  otherHub(FLOOD_RAISED);
  await edges.catchUp();
  await edges.catchUp();
  expect(applied).toEqual([`${ROOM} ${FLOOD_RAISED}`]);
  otherHub(FLOOD_CLEARED);
  await edges.catchUp();
  expect(applied).toEqual([`${ROOM} ${FLOOD_RAISED}`, `${ROOM} ${FLOOD_CLEARED}`]);
});

test('the edges stored before the hub started are not applied again: its open incidents say what holds', async () => {
  const { edges, applied, otherHub } = world();
  otherHub(FLOOD_RAISED);
  await edges.start();
  await edges.catchUp();
  expect(applied).toEqual([]);
});

test('an edge the relay told is not applied again on reading it back', async () => {
  const { edges, applied, otherHub } = world();
  await edges.start();
  const version = otherHub(FLOOD_RAISED);
  edges.heard(ROOM, FLOOD_RAISED, {}, version);
  await edges.catchUp();
  expect(applied).toEqual([`${ROOM} ${FLOOD_RAISED}`]);
});

test('a read that began before the later edge was stored does not undo it when the relay told it first', async () => {
  const { edges, applied, otherHub } = world();
  await edges.start();
  otherHub(FLOOD_RAISED);
  await edges.catchUp();
  // The clear is told live; the row read meanwhile still says raised (version 1).
  const stale = edges.catchUp();
  edges.heard(ROOM, FLOOD_CLEARED, {}, 2);
  await stale;
  expect(applied).toEqual([`${ROOM} ${FLOOD_RAISED}`, `${ROOM} ${FLOOD_CLEARED}`]);
  // A relay message older than what was read back is not applied either.
  edges.heard(ROOM, FLOOD_RAISED, {}, 1);
  expect(applied).toHaveLength(2);
});

test('this hub’s own edge is stored with its version and not applied again on reading back', async () => {
  const { edges, applied } = world();
  await edges.start();
  expect(await edges.told(ROOM, FLOOD_RAISED, { broker: 'embedded' })).toBe(1);
  expect(await edges.told(ROOM, FLOOD_CLEARED, {})).toBe(2);
  await edges.catchUp();
  expect(applied).toEqual([]);
});

test('an edge the store refused is told without a version, and applied by the hubs hearing it', async () => {
  const { edges, applied, fail } = world();
  await edges.start();
  fail(true);
  expect(await edges.told(ROOM, FLOOD_RAISED, {})).toBeNull();
  // A read that fails is logged; the next one tries again.
  await expect(edges.catchUp()).resolves.toBeUndefined();
  edges.heard(ROOM, FLOOD_RAISED, {}, null);
  expect(applied).toEqual([`${ROOM} ${FLOOD_RAISED}`]);
});
