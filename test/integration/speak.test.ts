import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import type { SessionView } from '../../hub/speak/speak-service.js';
import { FakeGpioPort } from '../fakes/fake-gpio.js';
import {
  apiRequest,
  getJson,
  inject,
  liveClient,
  startTestAgent,
  startTestHub,
  testMqttClient,
} from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const HOST = 'ubnd-tinh';
const host = { role: 'technician', roomId: HOST } as const;
const operator = { role: 'operator' } as const;

describe('speak requests end to end, on the embedded broker', () => {
  let hub: RunningHub & { removeData(): void };
  let naHang: Agent;
  let yTe: Agent;
  let yenSon: Agent;
  const gpio = new FakeGpioPort();
  let watcher: MqttClient;
  const states = new Map<string, { state: string; position?: number; hostRoomId?: string }>();
  let live: Awaited<ReturnType<typeof liveClient>>;

  const queue = async () => (await getJson<SessionView[]>(`${hub.httpUrl}/api/speak`))[0]?.queue ?? [];

  beforeAll(async () => {
    hub = await startTestHub();
    watcher = await testMqttClient(hub.mqttUrl);
    watcher.on('message', (topic, payload) =>
      states.set(topic.split('/')[3]!, JSON.parse(payload.toString())),
    );
    await watcher.subscribeAsync('hnth/v1/rooms/+/speak-state', { qos: 1 });
    live = await liveClient(hub.httpUrl);
    naHang = await startTestAgent(hub.mqttUrl, 'ubnd-na-hang');
    yTe = await startTestAgent(hub.mqttUrl, 'so-y-te');
    // A room with a real speak button wiring: pull-up, pressed pulls GPIO27 low.
    gpio.set('GPIO27', 1);
    yenSon = await startTestAgent(
      hub.mqttUrl,
      'ubnd-yen-son',
      0.5,
      { HNTH_SPEAK_BUTTON_LINE: 'GPIO27' },
      { gpio },
    );
  });
  afterAll(async () => {
    live?.close();
    await watcher?.endAsync();
    await Promise.all([naHang?.stop(), yTe?.stop(), yenSon?.stop()]);
    await hub?.stop();
    hub?.removeData();
  });

  test('every room starts idle on its retained speak-state topic', async () => {
    await waitFor('28 speak states', () => states.size === 28);
    expect(states.get('so-y-te')).toMatchObject({ v: 1, state: 'idle' });
  });

  test('a request with no meeting taking requests is told so', async () => {
    await inject(hub.mqttUrl, 'ubnd-na-hang', { speak: true });
    await waitFor('no-session state', () => states.get('ubnd-na-hang')?.state === 'no-session');
  });

  test('only an operator opens a session for a host room, and the room id is checked', async () => {
    expect(
      (await apiRequest(hub.httpUrl, 'POST', '/api/speak/host', { hostRoomId: HOST }, { as: host })).status,
    ).toBe(403);
    const bad = await apiRequest(
      hub.httpUrl,
      'POST',
      '/api/speak/host',
      { hostRoomId: 'atlantis' },
      { as: operator },
    );
    expect(bad).toMatchObject({ status: 400, body: { field: 'hostRoomId' } });
    const opened = await apiRequest(
      hub.httpUrl,
      'POST',
      '/api/speak/host',
      { hostRoomId: HOST },
      { as: operator },
    );
    expect(opened).toMatchObject({ status: 201, body: { hostRoomId: HOST, queue: [] } });
    await waitFor('no-session cleared', () => states.get('ubnd-na-hang')?.state === 'idle');
  });

  test('requests from the inject topic and from a GPIO button queue in the order they came', async () => {
    await inject(hub.mqttUrl, 'ubnd-na-hang', { speak: true });
    await waitFor('first request', async () => (await queue()).length === 1);
    await inject(hub.mqttUrl, 'so-y-te', { speak: true });
    await waitFor('second request', async () => (await queue()).length === 2);
    gpio.set('GPIO27', 0);
    await waitFor('third request, from the button', async () => (await queue()).length === 3);
    gpio.set('GPIO27', 1);
    expect((await queue()).map((r) => [r.roomId, r.state, r.order])).toEqual([
      ['ubnd-na-hang', 'waiting', 1],
      ['so-y-te', 'waiting', 2],
      ['ubnd-yen-son', 'waiting', 3],
    ]);
    await waitFor('positions on the rooms’ topics', () => states.get('ubnd-yen-son')?.position === 3);
    expect(states.get('ubnd-na-hang')).toMatchObject({ state: 'waiting', position: 1, hostRoomId: HOST });
    expect(states.get('so-y-te')).toMatchObject({ state: 'waiting', position: 2 });
    await waitFor('agent sees its own state', () => yenSon.speakState === 'waiting');
  });

  test('a room cannot grant itself, nor can another room; the host technician can', async () => {
    const first = (await queue())[0]!;
    const as = (roomId: string) => ({ as: { role: 'technician', roomId } as const });
    const self = await apiRequest(
      hub.httpUrl,
      'POST',
      `/api/speak/${first.id}/grant`,
      undefined,
      as('ubnd-na-hang'),
    );
    expect(self.status).toBe(403);
    const other = await apiRequest(
      hub.httpUrl,
      'POST',
      `/api/speak/${first.id}/grant`,
      undefined,
      as('so-y-te'),
    );
    expect(other.status).toBe(403);
    const anonymous = await apiRequest(hub.httpUrl, 'POST', `/api/speak/${first.id}/grant`, undefined, null);
    expect(anonymous.status).toBe(401);
    const granted = await apiRequest(hub.httpUrl, 'POST', `/api/speak/${first.id}/grant`, undefined, {
      as: host,
    });
    expect(granted).toMatchObject({ status: 200, body: { roomId: 'ubnd-na-hang', state: 'granted' } });
    await waitFor('granted on the room topic', () => states.get('ubnd-na-hang')?.state === 'granted');
    await waitFor('the others move up', () => states.get('so-y-te')?.position === 1);
    expect(states.get('ubnd-yen-son')?.position).toBe(2);
    expect(
      live.messages.some(
        (m) =>
          m.type === 'speak-state' &&
          m.roomId === 'ubnd-na-hang' &&
          (m.speak as { state: string }).state === 'granted',
      ),
    ).toBe(true);
    const again = await apiRequest(hub.httpUrl, 'POST', `/api/speak/${first.id}/grant`, undefined, {
      as: host,
    });
    expect(again.status).toBe(409);
  });

  test('pressing again ends the turn; the operator dismisses; a bad action is 400', async () => {
    await waitFor('agent knows it has the floor', () => naHang.speakState === 'granted');
    await inject(hub.mqttUrl, 'ubnd-na-hang', { speak: true });
    await waitFor('turn ended', () => states.get('ubnd-na-hang')?.state === 'idle');
    const waiting = await queue();
    expect(waiting.map((r) => r.roomId)).toEqual(['so-y-te', 'ubnd-yen-son']);
    const last = waiting[1]!;
    expect(
      (await apiRequest(hub.httpUrl, 'POST', `/api/speak/${last.id}/dismiss`, undefined, { as: operator }))
        .status,
    ).toBe(200);
    await waitFor('dismissed room idle', () => states.get('ubnd-yen-son')?.state === 'idle');
    const bad = await apiRequest(hub.httpUrl, 'POST', `/api/speak/${last.id}/explode`, undefined, {
      as: operator,
    });
    expect(bad).toMatchObject({ status: 400, body: { field: 'action' } });
    const missing = await apiRequest(hub.httpUrl, 'POST', '/api/speak/999/grant', undefined, {
      as: operator,
    });
    expect(missing.status).toBe(404);
  });

  test('a malformed speak message is rejected and counted, not applied', async () => {
    const before = hub.ingest.counters.rejected.schema;
    const forger = await testMqttClient(hub.mqttUrl, {}, { room: 'so-tttt' });
    await forger.publishAsync(
      'hnth/v1/rooms/so-tttt/speak',
      JSON.stringify({ v: 1, action: 'shout', ts: 'now' }),
      {
        qos: 1,
      },
    );
    await forger.endAsync();
    await waitFor('schema reject counted', () => hub.ingest.counters.rejected.schema === before + 1);
    expect(states.get('so-tttt')?.state).toBe('idle');
  });
});
