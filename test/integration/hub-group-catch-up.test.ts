/**
 * Two hubs of a group on one PostgreSQL, A deciding the incidents and B standing by. What A learns
 * of B only through the live relay can be lost: a fault event B stores while A's listening
 * connection is down still opens its incident on A, once, with one notice (A reads back from the
 * store what its relay missed). A room that floods B's broker is one incident, opened on A and
 * closed once the flood is over, each with one notice; so is one whose flood starts and ends while
 * A's listening connection is down (A reads back the room's flood edges B stored). When A stops, B,
 * taking over, decides on a fault A stored while B's relay was cut off.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { FLOOD_CLEARED, FLOOD_QUIET_MS, FLOOD_RAISED } from '../../hub/broker/flood-guard.js';
import type { RunningHub } from '../../hub/hub.js';
import type { Incident } from '../../hub/incidents/incidents-repo.js';
import type { StoredEvent } from '../../hub/store/store.js';
import { type EventMessage, SCHEMA_VERSION } from '../../shared/schemas.js';
import { roomTopic } from '../../shared/topics.js';
import { clockAt } from '../fakes/fake-clock.js';
import { getJson, liveClient, startTestHub, testMqttClient } from '../helpers/hub-harness.js';
import { startReceiver } from '../helpers/notify-peers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { relayPids, withRelaysCut } from '../helpers/relay-cut.js';
import { sendNominal } from '../helpers/room-messages.js';
import { waitFor } from '../helpers/wait.js';

const BOOT = 'boot-group-catch-up';

type Hub = RunningHub & { removeData(): void };
let db: TestDatabase;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let a: Hub;
let b: Hub;
let aStopped = false;
/** How far B's clock is ahead of the machine's: the flood's quiet time passes on B without waiting. */
let bAhead = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver(0);
  const settings = {
    'store.url': db.url,
    'incidents.raiseAfterSec': 1,
    'incidents.clearAfterSec': 1,
    'incidents.checkSec': 1,
    // No room sends a status here: none counts as offline, only the events' faults are judged.
    'incidents.startupGraceSec': 3600,
    'notify.webhooks': [{ url: receiver.url, minSeverity: 'warning' }],
    'notify.webhookBackoffMs': 10,
    // A room sending a burst of messages to a hub's broker is cut off as flooding.
    'mqtt.floodPerSec': 2,
    'mqtt.floodBurst': 5,
  };
  a = await startTestHub(settings);
  b = await startTestHub(settings, { clock: clockAt(() => new Date(Date.now() + bAhead)) });
});
afterAll(async () => {
  for (const hub of [b, a]) if (!(hub === a && aStopped)) await hub?.stop();
  a?.removeData();
  b?.removeData();
  await receiver?.close();
  await db?.drop();
});

const sendNominalTo = (hub: Hub, roomId: string) => sendNominal(hub, roomId, BOOT);

const incidentsOn = (hub: Hub, roomId: string) =>
  getJson<Incident[]>(`${hub.httpUrl}/api/incidents?room=${roomId}`);
const notices = (event: 'opened' | 'closed', roomId: string) =>
  receiver.received.filter((r) => r.body.event === event && r.body.roomId === roomId);

/** Every notice either hub has decided is sent: what the receiver holds is all there will be. */
async function settled(...hubs: Hub[]): Promise<void> {
  for (const hub of hubs) await hub.incidents.idle();
  for (const hub of hubs) await hub.notifier.idle();
}

/**
 * Stores `roomId`'s fault through `hub` while every hub's relay is cut off, so no other hub hears of
 * it live: no new connection is let in meanwhile (the hubs' pools keep the ones they have), so a
 * relay cannot listen again in time to hear it. Resolves with the event as stored.
 */
/** Waits, past any relay, for the room's latest flood edge `edge` stored in the group. */
const edgeStored = (roomId: string, edge: string) =>
  waitFor(
    `${roomId}’s ${edge} stored`,
    async () => {
      const { rows } = await db.direct.query('SELECT edge FROM room_edges WHERE room_id = $1', [roomId]);
      return rows[0]?.edge === edge;
    },
    // B looks for floods over every mqtt.floodRecheckSec (10 s).
    20_000,
  );

/** Floods B's broker as `roomId`, well past its burst, until B disconnects it. */
async function floodB(roomId: string): Promise<void> {
  const flooding = await testMqttClient(b.mqttUrl, {}, { room: roomId });
  flooding.on('error', () => {});
  const gone = new Promise<void>((resolve) => flooding.on('close', () => resolve()));
  for (let i = 0; i < 30; i++) flooding.publish(roomTopic(roomId, 'telemetry'), '{}', { qos: 0 });
  await gone;
  flooding.end(true);
}

/** The room's flood incident closes on A, with its notice; one incident, opened and closed once. */
async function floodClosedOnceOnA(room: string, incidentId: number): Promise<void> {
  await waitFor(
    'the flood incident closed',
    async () => (await incidentsOn(a, room)).every((i) => i.closedAt !== null),
    30_000,
  );
  await waitFor('its closing notice', () => notices('closed', room).length > 0);
  await settled(a, b);
  expect((await incidentsOn(a, room)).map((i) => i.id)).toEqual([incidentId]);
  expect(notices('opened', room)).toHaveLength(1);
  expect(notices('closed', room)).toHaveLength(1);
}

async function storeUnheard(hub: Hub, roomId: string, seq: number): Promise<StoredEvent> {
  return withRelaysCut(db, 2, async () => {
    const event: EventMessage = {
      v: SCHEMA_VERSION,
      type: 'codec.down',
      severity: 'critical',
      data: {},
      ts: new Date().toISOString(),
      bootId: BOOT,
      seq,
    };
    expect(hub.ingest.handle(roomTopic(roomId, 'events'), Buffer.from(JSON.stringify(event)))).toBeNull();
    return await waitFor('the fault stored', async () =>
      (await hub.store.listEvents(roomId, 1)).find((e) => e.seq === seq),
    );
  });
}

describe('the hub deciding catches up on what its relay missed', () => {
  test('a fault stored by the other hub while the relay’s connection was down opens one incident, with one notice', async () => {
    const room = 'so-y-te';
    expect(a.onceOnly.held && !b.onceOnly.held).toBe(true);
    sendNominalTo(a, room);
    sendNominalTo(b, room);
    const live = await liveClient(a.httpUrl);
    try {
      const stored = await storeUnheard(b, room, 1);
      const incident = await waitFor('the incident on A', async () => {
        const open = (await incidentsOn(a, room)).filter((i) => i.closedAt === null);
        return open.length > 0 && open[0];
      });
      expect(incident).toMatchObject({ roomId: room, cause: 'codec.down' });
      await waitFor('the opening notice', () => notices('opened', room).length > 0);
      await waitFor('both hubs listening again', async () => (await relayPids(db)).length === 2);
      await settled(a, b);
      expect(await incidentsOn(a, room)).toEqual([incident]);
      expect(notices('opened', room)).toHaveLength(1);
      // A learnt of it from the store: its relay never brought the event to its dashboards.
      const isIt = (m: { type: string; event?: unknown }) =>
        m.type === 'event' && (m.event as StoredEvent).id === stored.id;
      expect(live.messages.filter(isIt)).toEqual([]);
    } finally {
      live.close();
    }
  });

  test('a room flooding the broker of the hub standing by is one incident, opened and closed once', async () => {
    const room = 'so-tu-phap';
    sendNominalTo(a, room);
    sendNominalTo(b, room);
    await floodB(room);
    const incident = await waitFor('the flood incident on A', async () => {
      const open = (await incidentsOn(a, room)).filter((i) => i.closedAt === null);
      return open.length > 0 && open[0];
    });
    expect(incident).toMatchObject({ roomId: room, cause: 'room.flooding' });
    await waitFor('its opening notice', () => notices('opened', room).length > 0);
    // The flood is over once B has not had to disconnect the room for its quiet time.
    bAhead = FLOOD_QUIET_MS + 1000;
    await floodClosedOnceOnA(room, incident.id);
  });

  test('a flood that starts and ends while A’s relay is cut off still opens and closes one incident on A', async () => {
    const room = 'so-xay-dung';
    sendNominalTo(a, room);
    sendNominalTo(b, room);
    await withRelaysCut(db, 2, async () => {
      await floodB(room);
      await edgeStored(room, FLOOD_RAISED);
    });
    const incident = await waitFor('the flood incident on A', async () => {
      const open = (await incidentsOn(a, room)).filter((i) => i.closedAt === null);
      return open.length > 0 && open[0];
    });
    expect(incident).toMatchObject({ roomId: room, cause: 'room.flooding' });
    await waitFor('its opening notice', () => notices('opened', room).length > 0);
    await withRelaysCut(db, 2, async () => {
      // B's quiet time for the room passes: B ends the flood while A cannot hear it.
      bAhead += FLOOD_QUIET_MS + 1000;
      await edgeStored(room, FLOOD_CLEARED);
    });
    await floodClosedOnceOnA(room, incident.id);
  });

  test('the hub taking over decides on a fault its relay missed while it stood by: one incident, one notice', async () => {
    const room = 'so-noi-vu';
    sendNominalTo(a, room);
    sendNominalTo(b, room);
    await storeUnheard(a, room, 1);
    await a.stop();
    aStopped = true;
    await waitFor('B to take the once-only work', () => b.onceOnly.held);
    const incident = await waitFor('the incident on B', async () => {
      const open = (await incidentsOn(b, room)).filter((i) => i.closedAt === null);
      return open.length > 0 && open[0];
    });
    expect(incident).toMatchObject({ roomId: room, cause: 'codec.down' });
    await waitFor('its opening notice', () => notices('opened', room).length > 0);
    await settled(b);
    expect(await incidentsOn(b, room)).toEqual([incident]);
    expect(notices('opened', room)).toHaveLength(1);
  });
});
