/**
 * Art. 10.1c across a hub restart: a meeting's speak queue (one room speaking, one waiting) is the
 * same after the hub stops and starts again on its data folder, and after it is killed with SIGKILL:
 * `GET /api/speak` shows the same session, order and states, and each room's retained speak-state
 * says where it stands again.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { openSession, requestFloor } from '../../hub/speak/speak-queue.js';
import { SpeakRepo, speakMigrations } from '../../hub/speak/speak-repo.js';
import type { SessionView } from '../../hub/speak/speak-service.js';
import { openDatabase } from '../../hub/store/database.js';
import { sqliteStore } from '../../hub/store/sql.js';
import { speakStateTopic } from '../../shared/topics.js';
import {
  type ApiSession,
  apiRequest,
  login,
  type RequestOptions,
  startHubProcess,
  startTestHub,
  testMqttClient,
} from '../helpers/hub-harness.js';
import { freePort } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const HOST = 'ubnd-tinh';
const SPEAKER = 'ubnd-na-hang';
const WAITER = 'so-y-te';

type Who = RequestOptions | ApiSession;

/** Opens a session at HOST, SPEAKER and WAITER ask in that order, the operator grants SPEAKER. */
async function meetingUnderWay(httpUrl: string, who: Who): Promise<SessionView[]> {
  const call = async (path: string, body?: unknown) => {
    const res = await apiRequest(httpUrl, 'POST', path, body, who);
    if (res.status >= 300) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string };
  };
  await call('/api/speak/host', { hostRoomId: HOST });
  const first = await call('/api/speak/request', { roomId: SPEAKER });
  await call('/api/speak/request', { roomId: WAITER });
  await call(`/api/speak/${first.id}/grant`);
  return sessions(httpUrl, who);
}

async function sessions(httpUrl: string, who: Who): Promise<SessionView[]> {
  const res = await apiRequest(httpUrl, 'GET', '/api/speak', undefined, who);
  if (res.status !== 200) throw new Error(`GET /api/speak: HTTP ${res.status}`);
  return res.body as SessionView[];
}

/** What the session looks like while a meeting is under way, whichever hub shows it. */
function expectUnderWay(views: SessionView[]): void {
  expect(views).toHaveLength(1);
  expect(views[0]).toMatchObject({ hostRoomId: HOST, openedBy: expect.any(String) });
  expect(views[0]!.queue.map((r) => [r.roomId, r.state, r.order, r.grantedAt !== null])).toEqual([
    [SPEAKER, 'granted', 1, true],
    [WAITER, 'waiting', 2, false],
  ]);
}

/** The retained speak-state of `roomIds`, as a client subscribing now receives it. */
async function retainedStates(
  client: MqttClient,
  roomIds: string[],
): Promise<Map<string, { state: string; position?: number; hostRoomId?: string }>> {
  const states = new Map<string, { state: string; position?: number; hostRoomId?: string }>();
  client.on('message', (topic, payload) => states.set(topic.split('/')[3]!, JSON.parse(payload.toString())));
  for (const room of roomIds) await client.subscribeAsync(speakStateTopic(room), { qos: 1 });
  await waitFor('the retained speak states', () => roomIds.every((r) => states.has(r)));
  return states;
}

describe('speak sessions across a hub restart', () => {
  const data = tempDir('hnth-speak-restart-');
  afterAll(() => data.remove());

  test('a stopped hub started again on its data folder has the same queue, and tells the rooms', async () => {
    const operator: Who = { as: { role: 'operator' } };
    const first = await startTestHub({ dataDir: data.path });
    let before: SessionView[];
    try {
      before = await meetingUnderWay(first.httpUrl, operator);
      expectUnderWay(before);
    } finally {
      await first.stop();
      first.removeData();
    }

    const second = await startTestHub({ dataDir: data.path });
    const watcher = await testMqttClient(second.mqttUrl);
    try {
      expect(await sessions(second.httpUrl, operator)).toEqual(before);
      const states = await retainedStates(watcher, [SPEAKER, WAITER, 'ubnd-yen-son']);
      expect(states.get(SPEAKER)).toMatchObject({ state: 'granted', hostRoomId: HOST });
      expect(states.get(WAITER)).toMatchObject({ state: 'waiting', position: 1, hostRoomId: HOST });
      expect(states.get('ubnd-yen-son')).toMatchObject({ state: 'idle' });

      // The queue goes on from where it was: the next request comes after, with an id never used.
      const next = await apiRequest(
        second.httpUrl,
        'POST',
        '/api/speak/request',
        { roomId: 'ubnd-yen-son' },
        operator,
      );
      expect(next.status).toBe(200);
      const usedIds = before[0]!.queue.map((r) => r.id);
      expect(next.body).toMatchObject({ order: 3, state: 'waiting' });
      expect(usedIds).not.toContain((next.body as { id: string }).id);
      await waitFor('the new room told its place', () => states.get('ubnd-yen-son')?.position === 2);

      // Closed is closed: a restart after closing brings nothing back.
      expect(
        (await apiRequest(second.httpUrl, 'DELETE', `/api/speak/host/${HOST}`, undefined, operator)).status,
      ).toBe(204);
    } finally {
      await watcher.endAsync();
      await second.stop();
      second.removeData();
    }
    const third = await startTestHub({ dataDir: data.path });
    try {
      expect(await sessions(third.httpUrl, operator)).toEqual([]);
    } finally {
      await third.stop();
      third.removeData();
    }
  }, 60_000);
});

describe('a speak session left open for more than a day', () => {
  const data = tempDir('hnth-speak-stale-');
  afterAll(() => data.remove());

  test('is closed when the hub starts, and its rooms are told they are idle', async () => {
    const db = openDatabase(path.join(data.path, 'hnth.db'));
    const openedAt = new Date(Date.now() - 25 * 3600_000).toISOString();
    const asked = requestFloor(openSession(HOST, openedAt, 'op'), WAITER, openedAt, '1');
    if (!asked.ok) throw new Error(asked.error);
    const store = sqliteStore(db);
    await store.migrate(speakMigrations);
    await new SpeakRepo(store.sql).save(asked.session, 1);
    db.close();

    const hub = await startTestHub({ dataDir: data.path });
    const watcher = await testMqttClient(hub.mqttUrl);
    try {
      expect(await sessions(hub.httpUrl, { as: { role: 'operator' } })).toEqual([]);
      expect((await retainedStates(watcher, [WAITER])).get(WAITER)).toMatchObject({ state: 'idle' });
    } finally {
      await watcher.endAsync();
      await hub.stop();
      hub.removeData();
    }
    const after = openDatabase(path.join(data.path, 'hnth.db'));
    const stored = await new SpeakRepo(sqliteStore(after).sql).load();
    after.close();
    expect(stored).toEqual({ sessions: [], lastRequestId: 1 });
  });
});

describe('speak sessions across a hub killed with SIGKILL', () => {
  const data = tempDir('hnth-speak-kill-');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    data.remove();
  });

  test('what was committed before the kill is back after the restart', async () => {
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const args = [data.path, String(mqttPort), String(httpPort), WAITER];
    const first = await startHubProcess(args);
    children.push(first.child);
    const before = await meetingUnderWay(
      first.httpUrl,
      await login(first.httpUrl, 'op', first.operatorPassword),
    );
    expectUnderWay(before);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await startHubProcess(args);
    children.push(second.child);
    const session = await login(second.httpUrl, 'op', second.operatorPassword);
    expect(await sessions(second.httpUrl, session)).toEqual(before);
    // The room itself, with its own login, reads where it stands.
    const room = await testMqttClient(
      second.mqttUrl,
      { username: WAITER, password: second.roomPassword!, clientId: WAITER },
      'anonymous',
    );
    try {
      const states = await retainedStates(room, [WAITER]);
      expect(states.get(WAITER)).toMatchObject({ state: 'waiting', position: 1, hostRoomId: HOST });
    } finally {
      await room.endAsync();
    }
  }, 90_000);
});
