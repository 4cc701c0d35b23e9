/**
 * `GET /metrics` on a running hub with simulated agents: the exposition passes `promtool check
 * metrics` (format and Prometheus naming lint), carries each room's readings in base units and the
 * hub's counters, is refused without the metrics token, and every metric the Grafana dashboard
 * queries exists in it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import { loadHubConfig } from '../../hub/config.js';
import { rooms } from '../../shared/fleet.js';
import { roomTopic } from '../../shared/topics.js';
import { getJson, inject, startTestAgent, startTestHub, testMqttClient } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'metrics-token-for-tests-0123456789';
const [roomA, roomB, roomC] = rooms.map((r) => r.id) as [string, string, string];
let hub: Awaited<ReturnType<typeof startTestHub>>;
const agents: Agent[] = [];

const scrape = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
  fetch(`${hub.httpUrl}/metrics`, { headers });

/** The value of one series, e.g. `hnth_room_online{room="tinh-uy"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  // No grace and no wait: the rooms never heard from open an incident at once.
  hub = await startTestHub({
    'metrics.token': TOKEN,
    'incidents.startupGraceSec': 0,
    'incidents.raiseAfterSec': 0,
    'incidents.checkSec': 1,
  });
  for (const id of [roomA, roomB]) agents.push(await startTestAgent(hub.mqttUrl, id, 0.2));
  await inject(hub.mqttUrl, roomA, { temperature: 31.5, humidity: 64, latency: 42, loss: 2 });
  await waitFor(
    'room A to report the injected temperature',
    () => hub.fleet.view(roomA)?.readings?.climate.tempC === 31.5,
  );
  // One malformed message from a room, so a reject counter is non-zero.
  const forger = await testMqttClient(hub.mqttUrl, {}, { room: roomC });
  await forger.publishAsync(roomTopic(roomC, 'telemetry'), 'not json', { qos: 1 });
  await forger.endAsync();
  await waitFor(
    'the malformed message to be rejected',
    () => hub.ingest.counters.rejected['malformed-json'] > 0,
  );
  await waitFor(
    'an incident to open',
    async () => (await getJson<unknown[]>(`${hub.httpUrl}/api/incidents?state=open`)).length > 0,
  );
});
afterAll(async () => {
  for (const agent of agents) await agent.stop();
  await hub?.stop();
  hub?.removeData();
});

describe('/metrics', () => {
  test('passes promtool check metrics (format and naming lint)', async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, out: check.stdout + check.stderr }).toEqual({ status: 0, out: '' });
  });

  test('carries every room’s readiness, online state and readings in base units', async () => {
    const text = await (await scrape()).text();
    const a = `room="${roomA}"`;
    expect(sample(text, `hnth_room_online{${a}}`)).toBe(1);
    expect(sample(text, `hnth_room_temperature_celsius{${a}}`)).toBe(31.5);
    expect(sample(text, `hnth_room_humidity_ratio{${a}}`)).toBeCloseTo(0.64);
    expect(sample(text, `hnth_room_link_latency_seconds{${a}}`)).toBeCloseTo(0.042);
    expect(sample(text, `hnth_room_link_loss_ratio{${a}}`)).toBeCloseTo(0.02);
    expect(sample(text, `hnth_room_power_on{${a}}`)).toBe(1);
    expect(sample(text, `hnth_room_energy_used_joules{${a}}`)).toBeGreaterThanOrEqual(0);
    // One health level is 1, the three others 0; the same for the five power states.
    const level = hub.fleet.view(roomA)!.readiness.level;
    const levels = [
      ...text.matchAll(new RegExp(`^hnth_room_readiness\\{${a},level="(\\w+)"\\} (\\d)$`, 'gm')),
    ];
    expect(levels.map((m) => [m[1], Number(m[2])]).filter(([, v]) => v === 1)).toEqual([[level, 1]]);
    expect(levels).toHaveLength(4);
    const power = [
      ...text.matchAll(new RegExp(`^hnth_room_power_state\\{${a},state="([\\w-]+)"\\} (\\d)$`, 'gm')),
    ];
    expect(power).toHaveLength(5);
    expect(power.filter((m) => m[2] === '1').map((m) => m[1])).toEqual([
      hub.fleet.view(roomA)!.readiness.power.state,
    ]);
    // A room never heard from is offline and has no reading series.
    const c = `room="${roomC}"`;
    expect(sample(text, `hnth_room_online{${c}}`)).toBe(0);
    expect(sample(text, `hnth_room_readiness{${c},level="OFFLINE"}`)).toBe(1);
    expect(sample(text, `hnth_room_temperature_celsius{${c}}`)).toBeUndefined();
    expect(text.match(/^hnth_room_online\{/gm)).toHaveLength(rooms.length);
  });

  test('follows a room’s readings as they change', async () => {
    await inject(hub.mqttUrl, roomB, { mains: false, ups: 55 });
    await waitFor('room B on battery', () => hub.fleet.view(roomB)?.readings?.power.mains === false);
    const text = await (await scrape()).text();
    expect(sample(text, `hnth_room_mains_present{room="${roomB}"}`)).toBe(0);
    expect(sample(text, `hnth_room_ups_charge_ratio{room="${roomB}"}`)).toBeCloseTo(0.55);
  });

  test('carries ingest, notification and incident counters and the process metrics', async () => {
    const text = await (await scrape()).text();
    expect(sample(text, 'hnth_ingest_accepted_total')).toBeGreaterThan(0);
    expect(sample(text, 'hnth_ingest_rejected_total{reason="malformed-json"}')).toBe(1);
    expect(sample(text, 'hnth_ingest_rejected_total{reason="schema"}')).toBe(0);
    expect(sample(text, 'hnth_notifications_total{channel="email",outcome="sent"}')).toBe(0);
    const open = await getJson<unknown[]>(`${hub.httpUrl}/api/incidents?state=open`);
    expect(open.length).toBeGreaterThan(0);
    expect(sample(text, 'hnth_incidents_open')).toBe(open.length);
    expect(sample(text, 'hnth_mqtt_connected')).toBe(1);
    // No dashboard is behind: none counted, nothing held (the counter has no series until then).
    expect(sample(text, 'hnth_live_clients_behind')).toBe(0);
    expect(text).toMatch(/^# TYPE hnth_live_states_held_total counter$/m);
    expect(sample(text, 'hnth_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'hnth_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
  });

  test.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-metrics-token-at-all' }],
    [
      'a session-less Basic header',
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
    ],
  ])('refuses %s with 401 and says what to send', async (_what, headers) => {
    const res = await scrape(headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await res.json()).error).toMatch(/Authorization: Bearer/);
  });

  test('every metric the Grafana dashboard queries exists', async () => {
    const text = await (await scrape()).text();
    const exposed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const dashboard = JSON.parse(readFileSync('deploy/grafana/hnth-dashboard.json', 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) =>
      (p.targets ?? []).map((t) => t.expr),
    );
    expect(exprs.length).toBeGreaterThan(5);
    const queried = new Set(exprs.flatMap((e) => e.match(/\bhnth_[a-z0-9_]+/g) ?? []));
    expect([...queried].filter((m) => !exposed.has(m))).toEqual([]);
    expect(queried.size).toBeGreaterThan(8);
  });

  test('a room gone offline keeps its last readings on the dashboard, but no reading series here', async () => {
    await agents[1]!.stop();
    await waitFor('room B offline', () => hub.fleet.view(roomB)?.online === false);
    expect(hub.fleet.view(roomB)?.readings?.power.upsChargePct).toBeCloseTo(55, 0);
    const text = await (await scrape()).text();
    expect(sample(text, `hnth_room_online{room="${roomB}"}`)).toBe(0);
    expect(sample(text, `hnth_room_ups_charge_ratio{room="${roomB}"}`)).toBeUndefined();
    expect(sample(text, `hnth_room_temperature_celsius{room="${roomB}"}`)).toBeUndefined();
  });
});

describe('/metrics without a configured token', () => {
  test.each(['short', 'has a space in the middle of it'])(
    'a metrics token like "%s" fails at start naming the key',
    (token) => {
      expect(() => loadHubConfig({ env: {}, overrides: { 'metrics.token': token } })).toThrow(
        /metrics\.token/,
      );
    },
  );

  test('is off (404) and says which setting turns it on', async () => {
    const bare = await startTestHub();
    try {
      const res = await fetch(`${bare.httpUrl}/metrics`, {
        headers: { authorization: 'Bearer anything-at-all-16' },
      });
      expect(res.status).toBe(404);
      expect((await res.json()).error).toMatch(/metrics\.token/);
    } finally {
      await bare.stop();
      bare.removeData();
    }
  });
});
