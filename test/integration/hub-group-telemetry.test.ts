/**
 * Issue 17: two hubs of a group on one PostgreSQL and one Mosquitto (MQTT 5, a shared group). Every
 * room's telemetry reaches both, so both hubs' room states show its latest readings; the samples
 * kept of it are stored once per room and period; its events still reach one hub each, stored once.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync, type MqttClient } from 'mqtt';
import type { RunningHub } from '../../hub/hub.js';
import { type EventMessage, SCHEMA_VERSION } from '../../shared/schemas.js';
import { roomTopic } from '../../shared/topics.js';
import { startTestHub } from '../helpers/hub-harness.js';
import { type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { nominalTelemetry } from '../helpers/room-messages.js';
import { waitFor } from '../helpers/wait.js';

const ROOMS = ['tinh-uy', 'hdnd-tinh'];
/** Offsets in seconds within three periods of 1 s: the first of each period is the one kept. */
const OFFSETS = [0, 0.3, 0.6, 1.0, 1.5, 2.2, 2.9];
const KEPT = [0, 1.0, 2.2];
const EVENTS = 6;

type Hub = RunningHub & { removeData(): void };
let mosquitto: RunningMosquitto;
let db: TestDatabase;
const hubs: Hub[] = [];
let room: MqttClient;

beforeAll(async () => {
  mosquitto = await startMosquitto();
  db = await createTestDatabase();
  for (const clientId of ['hub-a', 'hub-b']) {
    hubs.push(
      await startTestHub({
        'store.url': db.url,
        'mqtt.url': mosquitto.url,
        'mqtt.protocolVersion': 5,
        'mqtt.sharedGroup': 'hnth-hub',
        'mqtt.clientId': clientId,
        telemetrySampleSec: 1,
      }),
    );
  }
  room = await connectAsync(mosquitto.url, { protocolVersion: 5 });
});
afterAll(async () => {
  await room?.endAsync();
  for (const hub of hubs.reverse()) {
    await hub.stop();
    hub.removeData();
  }
  await db?.drop();
  await mosquitto?.stop();
});

const telemetry = (ts: string, tempC: number) => nominalTelemetry(ts, { tempC });

const event = (seq: number): EventMessage => ({
  v: SCHEMA_VERSION,
  type: 'codec.down',
  severity: 'warning',
  data: {},
  ts: new Date().toISOString(),
  bootId: 'boot-group',
  seq,
});

describe('a hub group receiving the rooms', () => {
  // Whole seconds a minute ago: the periods of 1 s start at `base`.
  const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  const at = (offset: number) => new Date(base + offset * 1000).toISOString();
  const tempOf = (i: number, offset: number) => 20 + i + offset;

  test('a room’s telemetry shows on both hubs, its latest readings on each', async () => {
    // At QoS 1 in order: every message reaches each hub (none lost), the last one last.
    for (const [i, id] of ROOMS.entries()) {
      for (const offset of OFFSETS) {
        await room.publishAsync(
          roomTopic(id, 'telemetry'),
          JSON.stringify(telemetry(at(offset), tempOf(i, offset))),
          {
            qos: 1,
          },
        );
      }
    }
    const last = OFFSETS.at(-1)!;
    for (const hub of hubs) {
      await waitFor('every room’s latest readings on the hub', () =>
        ROOMS.every((id, i) => hub.fleet.view(id)?.readings?.climate.tempC === tempOf(i, last)),
      );
    }
  });

  test('the samples kept of it are stored once per room and period, whichever hub offered them', async () => {
    const day = [new Date(base - 60_000), new Date(base + 60_000)] as const;
    const expected = (i: number) => KEPT.map((offset) => [at(offset), tempOf(i, offset)]);
    const stored = async (id: string) =>
      (await hubs[0]!.store.listSamples(id, ...day, 100)).map((s) => [s.ts, s.telemetry.climate.tempC]);
    await waitFor('both hubs’ samples written', () => hubs.every((h) => h.store.backlog().pending === 0));
    for (const [i, id] of ROOMS.entries()) expect(await stored(id)).toEqual(expected(i));
  });

  test('its events still reach one hub each and are stored once', async () => {
    const accepted = () => hubs.map((h) => h.ingest.counters.accepted);
    const before = accepted();
    for (const id of ROOMS) {
      for (let seq = 0; seq < EVENTS; seq++) {
        await room.publishAsync(roomTopic(id, 'events'), JSON.stringify(event(seq)), { qos: 1 });
      }
    }
    const storedEvents = async (id: string) => (await hubs[1]!.store.listEvents(id, 100)).map((e) => e.seq);
    await waitFor('every event stored', async () => {
      const counts = await Promise.all(ROOMS.map(storedEvents));
      return counts.every((seqs) => seqs.length === EVENTS);
    });
    for (const id of ROOMS) expect((await storedEvents(id)).sort()).toEqual([...Array(EVENTS).keys()]);
    // Each event reached one hub of the group (a shared subscription), not both.
    const added = accepted().map((n, i) => n - before[i]!);
    expect(added[0]! + added[1]!).toBe(ROOMS.length * EVENTS);
    expect(Math.min(...added)).toBeGreaterThan(0);
  });
});
