/**
 * Issue 17: two hubs of a group on one PostgreSQL keep one speak queue per meeting. A room's speak
 * message reaches every hub of the group: it is queued once; the host's decision made on A is seen
 * on B, in its API, on its dashboards and on the room's retained speak state; a late copy of a
 * message does not undo what the host did since; and a change B's relay missed reaches B's
 * dashboards once the relay listens again. B's dashboards are told of each change once, whether the
 * relay brought it or B found it reading the queue.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import type { RunningHub } from '../../hub/hub.js';
import type { SpeakRequest } from '../../hub/speak/speak-queue.js';
import type { SessionView } from '../../hub/speak/speak-service.js';
import { SCHEMA_VERSION, type SpeakMessage } from '../../shared/schemas.js';
import { roomTopic, speakStateTopic } from '../../shared/topics.js';
import { apiRequest, getJson, liveClient, startTestHub, testMqttClient } from '../helpers/hub-harness.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { withRelaysCut } from '../helpers/relay-cut.js';
import { waitFor } from '../helpers/wait.js';

const HOST = 'ubnd-tinh';
const ROOM = 'so-y-te';
const LATE = 'so-noi-vu';

type Hub = RunningHub & { removeData(): void };
let db: TestDatabase;
let a: Hub;
let b: Hub;
const watchers: MqttClient[] = [];
/** Per hub, the latest speak state each room's retained topic holds on that hub's broker. */
const retained = new Map<Hub, Map<string, { state: string; position?: number }>>();

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startTestHub({ 'store.url': db.url });
  b = await startTestHub({ 'store.url': db.url });
  for (const hub of [a, b]) {
    const states = new Map<string, { state: string }>();
    retained.set(hub, states);
    const watcher = await testMqttClient(hub.mqttUrl);
    watcher.on('message', (topic, payload) => states.set(topic, JSON.parse(payload.toString())));
    await watcher.subscribeAsync('hnth/v1/rooms/+/speak-state', { qos: 1 });
    watchers.push(watcher);
  }
});
afterAll(async () => {
  for (const w of watchers) await w.endAsync();
  for (const hub of [b, a]) await hub?.stop();
  a?.removeData();
  b?.removeData();
  await db?.drop();
});

/** The room's message, as the broker hands it to every hub of the group. */
function fromRoom(roomId: string, action: SpeakMessage['action'], ts: string, ...hubs: Hub[]): void {
  const message: SpeakMessage = { v: SCHEMA_VERSION, action, ts };
  for (const hub of hubs)
    expect(hub.ingest.handle(roomTopic(roomId, 'speak'), Buffer.from(JSON.stringify(message)))).toBeNull();
}

const queueOn = async (hub: Hub): Promise<SpeakRequest[]> =>
  (await getJson<SessionView[]>(`${hub.httpUrl}/api/speak`)).find((s) => s.hostRoomId === HOST)?.queue ?? [];
const stateOn = (hub: Hub, roomId: string) => retained.get(hub)?.get(speakStateTopic(roomId));
/** The speak-session news on a dashboard whose queue has a request matching `matches`. */
const sessionNews = (
  messages: { type: string; [k: string]: unknown }[],
  matches: (r: SpeakRequest) => boolean,
) => messages.filter((m) => m.type === 'speak-session' && (m.session as SessionView).queue?.some(matches));

describe('the speak queue of a hub group', () => {
  let request: SpeakRequest;

  test('a session opened on A takes requests on B', async () => {
    const opened = await apiRequest(a.httpUrl, 'POST', '/api/speak/host', { hostRoomId: HOST });
    expect(opened.status).toBe(201);
    await waitFor('the session on B', async () =>
      (await getJson<SessionView[]>(`${b.httpUrl}/api/speak`)).some((s) => s.hostRoomId === HOST),
    );
  });

  test('a room’s request, received by both hubs, is queued once', async () => {
    fromRoom(ROOM, 'request', new Date().toISOString(), a, b);
    await waitFor('the request on A', async () => (await queueOn(a)).length > 0);
    await waitFor('the request on B', async () => (await queueOn(b)).length > 0);
    await a.speak.idle();
    await b.speak.idle();
    const onA = await queueOn(a);
    expect(onA).toHaveLength(1);
    expect(await queueOn(b)).toEqual(onA);
    request = onA[0]!;
    expect(request).toMatchObject({ roomId: ROOM, state: 'waiting' });
    for (const hub of [a, b])
      await waitFor('the room told it waits, first', () => stateOn(hub, ROOM)?.position === 1);
  });

  test('the host’s decision on A is seen on B: its API, its dashboards, the room’s retained state', async () => {
    const live = await liveClient(b.httpUrl);
    try {
      const granted = await apiRequest(a.httpUrl, 'POST', `/api/speak/${request.id}/grant`);
      expect(granted.status).toBe(200);
      await waitFor('granted on B', async () => (await queueOn(b))[0]?.state === 'granted');
      await waitFor('B’s dashboard told of the session', () =>
        live.messages.some(
          (m) =>
            m.type === 'speak-session' &&
            (m.session as SessionView).queue.some((r) => r.id === request.id && r.state === 'granted'),
        ),
      );
      await waitFor('B’s dashboard told where the room stands', () =>
        live.messages.some(
          (m) =>
            m.type === 'speak-state' &&
            m.roomId === ROOM &&
            (m.speak as { state: string }).state === 'granted',
        ),
      );
      // B told where the room stands from the queue it read on the relay's news, after what it
      // found changed there: the relay had shown the grant, the read did not show it again.
      expect(sessionNews(live.messages, (r) => r.id === request.id && r.state === 'granted')).toHaveLength(1);
      for (const hub of [a, b])
        await waitFor('the room told it has the floor', () => stateOn(hub, ROOM)?.state === 'granted');
      // The same decision again on B: the request is no longer waiting.
      const again = await apiRequest(b.httpUrl, 'POST', `/api/speak/${request.id}/grant`);
      expect(again.status).toBe(409);
    } finally {
      live.close();
    }
  });

  test('a late copy of a room’s request does not queue it again after it was withdrawn', async () => {
    const asked = new Date().toISOString();
    fromRoom(LATE, 'request', asked, a);
    await waitFor('the request on A', async () => (await queueOn(a)).some((r) => r.roomId === LATE));
    fromRoom(LATE, 'cancel', new Date(Date.parse(asked) + 1).toISOString(), a);
    await a.speak.idle();
    expect((await queueOn(a)).some((r) => r.roomId === LATE)).toBe(false);
    // B receives both only now.
    fromRoom(LATE, 'request', asked, b);
    fromRoom(LATE, 'cancel', new Date(Date.parse(asked) + 1).toISOString(), b);
    await b.speak.idle();
    expect((await queueOn(b)).some((r) => r.roomId === LATE)).toBe(false);
    expect(b.speak.stateOf(LATE)).toEqual({ state: 'idle' });
    expect(await queueOn(a)).toEqual(await queueOn(b));
  });

  test('a change B’s relay missed (its connection was down) reaches B and its dashboards as soon as the relay listens again', async () => {
    const missed = 'so-tu-phap';
    const live = await liveClient(b.httpUrl);
    try {
      await withRelaysCut(db, 2, async () => {
        // Only A hears the room (B's copy lost with the relay's news of it).
        fromRoom(missed, 'request', new Date().toISOString(), a);
        await waitFor('the request on A', async () => (await queueOn(a)).some((r) => r.roomId === missed));
        await a.speak.idle();
        expect(b.speak.stateOf(missed).state).toBe('idle');
      });
      // Sooner than the slow re-read (30 s): the relay listening again made B read the queue.
      await waitFor('B to know the room waits', () => b.speak.stateOf(missed).state === 'waiting');
      // The relay never brought A's news of it: B's dashboards learn the queue from B's reading, once.
      await waitFor('B’s dashboard told where the room stands', () =>
        live.messages.some((m) => m.type === 'speak-state' && m.roomId === missed),
      );
      expect(sessionNews(live.messages, (r) => r.roomId === missed)).toHaveLength(1);
    } finally {
      live.close();
    }
  });
});
