/**
 * The rooms' latest flood edges of a hub group, on SQLite and on PostgreSQL: one row per room and
 * flag, each write one version more whichever hub wrote it, read back the same from another
 * connection (another hub).
 */
import { expect, test } from '@jest/globals';
import { RoomEdgesRepo, roomEdgesMigrations } from '../../hub/incidents/room-edges-repo.js';
import { onEachStore } from '../helpers/sql-stores.js';

onEachStore('the rooms’ edges of a hub group', roomEdgesMigrations, (store) => {
  test('each room’s latest edge per flag, its version counting the writes of any hub', async () => {
    const here = new RoomEdgesRepo(store.sql);
    const there = new RoomEdgesRepo(await store.another());
    expect(
      await here.save({ roomId: 'so-y-te', flag: 'flood', edge: 'mqtt.flood', data: { broker: 'embedded' } }),
    ).toBe(1);
    expect(await here.save({ roomId: 'so-gtvt', flag: 'flood', edge: 'mqtt.flood', data: {} })).toBe(1);
    expect(await there.save({ roomId: 'so-y-te', flag: 'flood', edge: 'mqtt.flood-over', data: {} })).toBe(2);
    expect(await there.list()).toEqual([
      { roomId: 'so-gtvt', flag: 'flood', edge: 'mqtt.flood', data: {}, version: 1 },
      { roomId: 'so-y-te', flag: 'flood', edge: 'mqtt.flood-over', data: {}, version: 2 },
    ]);
    expect(await here.list()).toEqual(await there.list());
  });
});
