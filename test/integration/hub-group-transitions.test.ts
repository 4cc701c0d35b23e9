/**
 * Two hubs of a group on one PostgreSQL and one Mosquitto (MQTT 5, a shared group) both judge every
 * room, but a room's readiness transitions are stored once, by the hub holding the once-only lease
 * (A, a process); the other (B) still shows every change live on its /ws. A killed with SIGKILL, the
 * room changes while no hub holds the lease: B, taking it, stores the room's state as of then.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync, type MqttClient } from 'mqtt';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import type { OnceOnlyState } from '../../hub/once-only-work.js';
import type { StoredTransition } from '../../hub/store/store.js';
import { roomTopic } from '../../shared/topics.js';
import {
  apiRequest,
  type HubProcess,
  liveClient,
  startHubProcess,
  startTestHub,
} from '../helpers/hub-harness.js';
import { freePort, type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { nominalTelemetry, roomStatus } from '../helpers/room-messages.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'tinh-uy';
const GROUP = {
  'mqtt.protocolVersion': 5,
  'mqtt.sharedGroup': 'hnth-hub',
};

let db: TestDatabase;
let mosquitto: RunningMosquitto;
const dataA = tempDir('hnth-transitions-a-');
let a: HubProcess;
let b: RunningHub & { removeData(): void };
let room: MqttClient;
/** The room's telemetry every 500 ms, its codec as the test sets it: the room stays fresh on both hubs. */
let beat: NodeJS.Timeout | undefined;
let codec: 'up' | 'down' = 'up';

beforeAll(async () => {
  db = await createTestDatabase();
  mosquitto = await startMosquitto();
  // A first: it takes the lease as it starts.
  a = await startHubProcess([dataA.path, String(await freePort()), String(await freePort())], {
    ...GROUP,
    'store.url': db.url,
    'mqtt.url': mosquitto.url,
    'mqtt.clientId': 'hub-a',
  });
  b = await startTestHub({
    ...GROUP,
    'store.url': db.url,
    'mqtt.url': mosquitto.url,
    'mqtt.clientId': 'hub-b',
  });
  room = await connectAsync(mosquitto.url, { protocolVersion: 5 });
}, 60_000);
afterAll(async () => {
  clearInterval(beat);
  await room?.endAsync();
  await b?.stop();
  b?.removeData();
  const child: ChildProcess | undefined = a?.child;
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await mosquitto?.stop();
  await db?.drop();
  dataA.remove();
});

const held = async (hub: HubProcess) =>
  (
    (await apiRequest(hub.httpUrl, 'GET', '/api/health', undefined, null)).body as {
      onceOnlyWork: OnceOnlyState;
    }
  ).onceOnlyWork.held;

const history = async () =>
  (await b.store.listTransitions('2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z')).map(
    ({ roomId, level, power, reasons }) => ({ roomId, level, power, reasons }),
  );
const stateOf = (view: RoomView | undefined): Omit<StoredTransition, 'at'> | undefined =>
  view && {
    roomId: view.id,
    level: view.readiness.level,
    power: view.readiness.power.state,
    reasons: view.readiness.reasons,
  };
const telemetry = () =>
  room.publishAsync(
    roomTopic(ROOM, 'telemetry'),
    JSON.stringify({ ...nominalTelemetry(new Date().toISOString()), codec: { state: codec, inCall: false } }),
    { qos: 1 },
  );

describe('the readiness transitions of a hub group', () => {
  test('are stored once, by the hub holding the lease, and shown live on the other', async () => {
    expect(await held(a)).toBe(true);
    expect(b.onceOnly.held).toBe(false);
    const live = await liveClient(b.httpUrl);
    try {
      await room.publishAsync(
        roomTopic(ROOM, 'status'),
        JSON.stringify(roomStatus('online', 'boot-1', new Date().toISOString())),
        { qos: 1 },
      );
      await telemetry();
      beat = setInterval(() => void telemetry(), 500);
      await waitFor('B to judge the room ready', () => b.fleet.view(ROOM)?.readiness.level === 'READY');
      // Its changes on B's dashboard, though B stores none of them.
      await waitFor('the room ready on B’s /ws', () =>
        live.messages.some(
          (m) =>
            m.type === 'room' &&
            (m.room as RoomView).id === ROOM &&
            (m.room as RoomView).readiness.level === 'READY',
        ),
      );
      // A stored both; whatever B would have stored is written too once its backlog is empty.
      await waitFor('A to store the room ready', async () => (await history()).length >= 2);
      await waitFor('B’s writes done', () => b.store.backlog().pending === 0);
      expect(await history()).toEqual([
        { roomId: ROOM, level: 'NOT_READY', power: 'unknown', reasons: ['no telemetry received yet'] },
        stateOf(b.fleet.view(ROOM)),
      ]);
    } finally {
      live.close();
    }
  });

  test('the holder killed, the other stores, on taking the lease, what changed while none held it', async () => {
    const ready = stateOf(b.fleet.view(ROOM));
    a.child.kill('SIGKILL');
    const killedAt = new Date();
    await new Promise((resolve) => a.child.once('exit', resolve));
    codec = 'down';
    await waitFor('B to judge the codec down', () => b.fleet.view(ROOM)?.readiness.level === 'NOT_READY');
    // A's lease runs its term (6 s) from its last renewal: nobody stores this change as it happens.
    expect(b.onceOnly.held).toBe(false);
    const down = stateOf(b.fleet.view(ROOM));

    await waitFor('B to take the lease', () => b.onceOnly.held, 15_000);
    await waitFor('B’s catch-up stored', async () => (await history()).length >= 3);
    await waitFor('B’s writes done', () => b.store.backlog().pending === 0);
    const rows = await b.store.listTransitions('2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z');
    expect(await history()).toEqual([
      { roomId: ROOM, level: 'NOT_READY', power: 'unknown', reasons: ['no telemetry received yet'] },
      ready,
      down,
    ]);
    // As of B taking the lease, after A died: the other rooms, never heard of, are left unknown.
    expect(Date.parse(rows[2]!.at)).toBeGreaterThan(killedAt.getTime());

    // From then on B stores each transition as it comes, once.
    codec = 'up';
    await waitFor('B to store the codec back up', async () => (await history()).length >= 4);
    await waitFor('B’s writes done', () => b.store.backlog().pending === 0);
    expect((await history()).slice(3)).toEqual([ready]);
  }, 30_000);
});
