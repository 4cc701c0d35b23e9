/**
 * Several hub instances on one real Mosquitto with an MQTT 5 shared subscription group: the load
 * generator's rooms (SimHardware, shared schemas, random faults) have their events split between them, every
 * event is stored exactly once across the instances, and each instance still hears every room's
 * status (kept off the shared group, so retained statuses reach it).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LoadGenerator } from '../../bench/load-generator.js';
import { loadRooms } from '../../bench/load-rooms.js';
import { loadHubConfig } from '../../hub/config.js';
import { writeFleetFile } from '../../shared/fleet-file.js';
import { startTestHub } from '../helpers/hub-harness.js';
import { type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ROOMS = 12;
let mosquitto: RunningMosquitto;
let hubs: Awaited<ReturnType<typeof startTestHub>>[] = [];
const fleetDir = tempDir('hnth-fleet-');

const eventsIn = async (hub: (typeof hubs)[number]) =>
  (await Promise.all(loadRooms(ROOMS).map((r) => hub.store.listEvents(r.id, 1000))))
    .flat()
    .map((e) => `${e.roomId}/${e.bootId}/${e.seq}`);

beforeAll(async () => {
  mosquitto = await startMosquitto('max_queued_messages 0');
  const fleetFile = `${fleetDir.path}/fleet.json`;
  writeFleetFile(fleetFile, loadRooms(ROOMS));
  hubs = await Promise.all(
    ['hub-a', 'hub-b'].map((clientId) =>
      startTestHub({
        'fleet.file': fleetFile,
        'mqtt.url': mosquitto.url,
        'mqtt.protocolVersion': 5,
        'mqtt.sharedGroup': 'hnth-hub',
        'mqtt.clientId': clientId,
      }),
    ),
  );
});
afterAll(async () => {
  for (const hub of hubs) {
    await hub.stop();
    hub.removeData();
  }
  await mosquitto?.stop();
  fleetDir.remove();
});

describe('two hub instances sharing the ingest', () => {
  test('split the rooms’ events and store each exactly once', async () => {
    const load = new LoadGenerator({
      url: mosquitto.url,
      rooms: ROOMS,
      intervalSec: 0.1,
      perConnection: 1,
      faultRate: 0.3,
      protocolVersion: 5,
    });
    await load.connect();
    load.run();
    try {
      await waitFor('60 events published', () => load.counts.events >= 60, 20_000);
    } finally {
      await load.stop();
    }
    const published = load.counts.events;
    await waitFor(
      'every published event stored',
      async () => (await eventsIn(hubs[0]!)).length + (await eventsIn(hubs[1]!)).length >= published,
    );
    const [a, b] = (await Promise.all(hubs.map(eventsIn))) as [string[], string[]];
    expect(a.length + b.length).toBe(published);
    expect(a.filter((key) => b.includes(key))).toEqual([]);
    // Both instances took a share (Mosquitto deals the group's messages in turn).
    expect(Math.min(a.length, b.length)).toBeGreaterThan(0);
    for (const hub of hubs) {
      expect(hub.ingest.counters.accepted).toBeGreaterThan(0);
      expect(hub.ingest.counters.rejected).toEqual(expect.objectContaining({ schema: 0, 'unknown-room': 0 }));
    }
  });

  test('each instance knows every room’s status, shared group or not', () => {
    for (const hub of hubs) {
      expect(loadRooms(ROOMS).filter((r) => hub.fleet.view(r.id)?.lastSeen === null)).toEqual([]);
    }
  });
});

describe('mqtt.sharedGroup configuration', () => {
  test.each([
    [{ 'mqtt.sharedGroup': 'hnth-hub' }, /mqtt\.sharedGroup needs an external MQTT 5 broker/],
    [{ 'mqtt.sharedGroup': 'hnth-hub', 'mqtt.url': 'mqtt://b:1883' }, /mqtt\.protocolVersion 5/],
    [
      { 'mqtt.sharedGroup': 'hnth/hub', 'mqtt.url': 'mqtt://b:1883', 'mqtt.protocolVersion': 5 },
      /mqtt\.sharedGroup/,
    ],
  ])('%j is refused at start naming the key', (overrides, error) => {
    expect(() => loadHubConfig({ env: {}, overrides })).toThrow(error);
  });
});
