/**
 * A hub serving a fleet file (`fleet.file`) instead of the built-in 28 rooms: the file's rooms
 * report and are served everywhere (rooms, contacts, broker accounts, technicians); a room not in
 * the file is counted as unknown and served nowhere; a broken file stops the hub, and its command
 * line, with the problem named.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RoomView } from '../../hub/fleet-state.js';
import { ConfigError } from '../../shared/config-file.js';
import { builtInFleet } from '../../shared/fleet.js';
import { SCHEMA_VERSION, type TelemetryMessage, telemetryMessage } from '../../shared/schemas.js';
import { roomTopic } from '../../shared/topics.js';
import { apiRequest, getJson, startTestAgent, startTestHub, testMqttClient } from '../helpers/hub-harness.js';
import { type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const dir = tempDir('hnth-fleet-');
afterAll(() => dir.remove());

/** Three districts of Hà Giang, none of them among the built-in 28. */
const fleet = [
  { no: 29, id: 'ubnd-bac-me', name: 'UBND huyện Bắc Mê', kind: 'district' },
  {
    no: 30,
    id: 'ubnd-bac-quang',
    name: 'UBND huyện Bắc Quang',
    nameEn: 'Bac Quang District',
    kind: 'district',
  },
  { no: 31, id: 'ubnd-vi-xuyen', name: 'UBND huyện Vị Xuyên', nameEn: 'Vi Xuyen District', kind: 'district' },
];
const fleetIds = fleet.map((r) => r.id);

function fleetFile(name: string, content: unknown): string {
  const file = path.join(dir.path, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('a hub serving a fleet file', () => {
  let mosquitto: RunningMosquitto;
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  const agents: Agent[] = [];

  // An external broker that lets anyone in, so a room outside the file can reach the hub's ingest.
  beforeAll(async () => {
    mosquitto = await startMosquitto();
    hub = await startTestHub({ 'fleet.file': fleetFile('fleet.json', fleet), 'mqtt.url': mosquitto.url });
  });
  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await hub?.stop();
    hub?.removeData();
    await mosquitto?.stop();
  });

  test('serves the file’s rooms only, and hears them report', async () => {
    const rooms = await getJson<RoomView[]>(`${hub.httpUrl}/api/rooms`);
    expect(rooms.map((r) => [r.id, r.name, r.nameEn])).toEqual([
      ['ubnd-bac-me', 'UBND huyện Bắc Mê', 'UBND huyện Bắc Mê'],
      ['ubnd-bac-quang', 'UBND huyện Bắc Quang', 'Bac Quang District'],
      ['ubnd-vi-xuyen', 'UBND huyện Vị Xuyên', 'Vi Xuyen District'],
    ]);
    agents.push(await startTestAgent(mosquitto.url, 'ubnd-bac-me'));
    const room = await waitFor('ubnd-bac-me online with its readings', async () => {
      const view = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/ubnd-bac-me`);
      return view.online && view.readings !== null && view;
    });
    expect(room.readiness.level).not.toBe('OFFLINE');
    expect(hub.ingest.counters.rejected['unknown-room']).toBe(0);
  });

  test('counts a room that is not in the file as unknown, and serves it nowhere', async () => {
    // One of the built-in 28 (which has no account here), publishing good telemetry as its agent would.
    const telemetry: TelemetryMessage = telemetryMessage.parse({
      v: SCHEMA_VERSION,
      ts: new Date().toISOString(),
      power: { mains: true, upsChargePct: 100, state: 'on' },
      climate: { tempC: 24, humidityPct: 55 },
      codec: { state: 'up', inCall: false },
      link: { latencyMs: 30, jitterMs: 4, lossPct: 0 },
    });
    const outsider = await testMqttClient(mosquitto.url, { clientId: 'tinh-uy' }, 'anonymous');
    await outsider.publishAsync(roomTopic('tinh-uy', 'telemetry'), JSON.stringify(telemetry), { qos: 1 });
    await outsider.endAsync();
    const health = await waitFor('the telemetry of tinh-uy rejected as unknown-room', async () => {
      const res = await apiRequest(hub.httpUrl, 'GET', '/api/health', undefined, null);
      const body = res.body as { rooms: { total: number }; ingest: { rejected: Record<string, number> } };
      return body.ingest.rejected['unknown-room'] === 1 && body;
    });
    expect(health.rooms.total).toBe(3);
    expect(health.ingest.rejected.schema).toBe(0);
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/rooms/tinh-uy')).status).toBe(404);
    expect(hub.fleet.view('tinh-uy')).toBeUndefined();
  });

  test('gives broker accounts, technicians and contacts to the file’s rooms only', async () => {
    await expect(hub.security.credentials.issue('ubnd-vi-xuyen', 'test')).resolves.toEqual(
      expect.any(String),
    );
    await expect(hub.security.credentials.issue('tinh-uy', 'test')).rejects.toThrow(
      /neither a room of the fleet/,
    );
    await expect(
      hub.security.users.set({ username: 'tech-bac-me', role: 'technician', roomId: 'ubnd-bac-me' }, 'test'),
    ).resolves.toEqual(expect.any(String));
    await expect(
      hub.security.users.set({ username: 'tech-tinh-uy', role: 'technician', roomId: 'tinh-uy' }, 'test'),
    ).rejects.toThrow(/"tinh-uy" is not a room of the fleet/);
    const directory = await getJson<{ rooms: { roomId: string }[] }>(`${hub.httpUrl}/api/contacts`);
    expect(directory.rooms.map((r) => r.roomId)).toEqual(fleetIds);
    const outside = await apiRequest(hub.httpUrl, 'POST', '/api/rehearsals', { roomIds: ['tinh-uy'] });
    expect(outside).toMatchObject({ status: 400, body: { rule: 'rooms-exist' } });
    const incidents = await apiRequest(hub.httpUrl, 'GET', '/api/incidents?room=tinh-uy');
    expect(incidents).toMatchObject({ status: 400, body: { field: 'room' } });
  });
});

describe('without a fleet file', () => {
  test('a hub serves the built-in 28 rooms', async () => {
    const hub = await startTestHub();
    try {
      const rooms = await getJson<RoomView[]>(`${hub.httpUrl}/api/rooms`);
      expect(rooms.map((r) => r.id)).toEqual(builtInFleet.rooms.map((r) => r.id));
      expect(rooms).toHaveLength(28);
    } finally {
      await hub.stop();
      hub.removeData();
    }
  });
});

describe('a broken fleet file', () => {
  test.each<[string, unknown, RegExp]>([
    ['that is missing', null, /: not found$/],
    ['that is not JSON', '[{"no": 29', /: not valid JSON: /],
    ['with no room', [], /: must list at least one room$/],
    [
      'with an id twice',
      [...fleet, { ...fleet[0], no: 32 }],
      /: entry \[3\] \(id "ubnd-bac-me"\) id: already the id of entry \[0\]$/,
    ],
    [
      'with an unusable id',
      [{ ...fleet[0], id: 'UBND Bắc Mê' }],
      /entry \[0\] \(id "UBND Bắc Mê"\) id: must be/,
    ],
  ])('%s stops the hub before it starts, naming the file and the problem', async (_name, content, error) => {
    const file = content === null ? path.join(dir.path, 'absent.json') : fleetFile('broken.json', content);
    const started = startTestHub({ 'fleet.file': file });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(`invalid fleet file ${file} (fleet.file, HNTH_FLEET_FILE)`);
    await expect(started).rejects.toThrow(error);
  });
});

describe('the hnth-hub command line with a fleet file', () => {
  const hnthHub = (fleetFile: string, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        HNTH_DATA_DIR: path.join(dir.path, 'cli'),
        HNTH_FLEET_FILE: fleetFile,
        HNTH_HTTP_PORT: '0',
        HNTH_MQTT_PORT: '0',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });

  test('refuses to start on a broken file: exit 2, the problem on stderr', () => {
    const file = fleetFile('cli-broken.json', [fleet[0], { ...fleet[1], no: 29 }]);
    const res = hnthHub(file);
    expect(res.status).toBe(2);
    expect(res.stderr).toBe(
      `hnth-hub: invalid fleet file ${file} (fleet.file, HNTH_FLEET_FILE): entry [1] (id "ubnd-bac-quang") no: already the no of entry [0]\n`,
    );
  });

  test('administers the file’s rooms: their broker accounts', () => {
    const file = fleetFile('cli-fleet.json', fleet);
    const issued = hnthHub(file, 'credentials', 'issue', 'ubnd-bac-quang');
    expect([issued.status, issued.stdout]).toEqual([
      0,
      expect.stringMatching(/New broker password for ubnd-bac-quang/),
    ]);
    const refused = hnthHub(file, 'credentials', 'issue', 'tinh-uy');
    expect([refused.status, refused.stderr]).toEqual([
      2,
      expect.stringMatching(/"tinh-uy" is neither a room/),
    ]);
  });
});
