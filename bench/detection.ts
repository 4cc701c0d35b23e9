/**
 * How fast the dashboard learns of trouble, on a hub of its own (embedded broker, as in the
 * province): a room's agent process killed (`kill -9`: the kernel closes its socket) or hung
 * (`SIGSTOP`: the socket stays open, as when a controller loses power or its line goes quiet) until
 * /ws shows the room offline, target ≤ 10 s; and a mains-lost edge on the UPS's GPIO line until /ws
 * carries the event, target p99 ≤ 100 ms. This machine has no GPIO, so the line is the in-memory
 * port the tests use; from the edge on it is the agent, the broker, the hub and the socket as deployed.
 * Needs the agent built (`dist/`, which the footprint benchmark builds first).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { AdapterSource } from '../agent/adapter-source.js';
import { Agent } from '../agent/agent.js';
import { loadAgentConfig } from '../agent/config.js';
import { edgeConfigFrom } from '../agent/sensors/room-sensors.js';
import { UpsGpioSensor } from '../agent/sensors/ups-gpio.js';
import { loadHubConfig } from '../hub/config.js';
import type { RoomView } from '../hub/fleet-state.js';
import { type RunningHub, startHub } from '../hub/hub.js';
import { createLogger } from '../shared/logger.js';
import { FakeGpioPort } from '../test/fakes/fake-gpio.js';
import { dashboardSession } from './demo-session.js';
import { type BenchRow, percentile } from './stats.js';

const root = path.resolve(import.meta.dirname, '..');
const KILLS = 3;
const EDGES = 200;
const quiet = createLogger('bench', 'error');

type LiveMessage =
  | { type: 'room'; room: RoomView }
  | { type: 'event'; event: { roomId: string; type: string } };

/** The dashboard's socket, logged in as an operator; `next` waits for the first message matching. */
async function dashboard(hub: RunningHub) {
  const username = 'bench-operator';
  const password = await hub.security.users.set({ username, role: 'operator', roomId: null }, 'bench');
  const { cookie } = await dashboardSession(hub.httpUrl, { username, password });
  const ws = new WebSocket(`${hub.httpUrl.replace(/^http/, 'ws')}/ws`, { headers: { cookie } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let waiting: { match: (m: LiveMessage) => boolean; resolve: () => void } | null = null;
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as LiveMessage;
    if (waiting?.match(message)) {
      waiting.resolve();
      waiting = null;
    }
  });
  return {
    /** Resolves with the milliseconds from now until a message matching arrives. */
    next(what: string, match: (m: LiveMessage) => boolean, timeoutMs: number): Promise<number> {
      const began = performance.now();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${what} on /ws within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiting = {
          match,
          resolve: () => {
            clearTimeout(timer);
            resolve(performance.now() - began);
          },
        };
      });
    },
    close: () => ws.close(),
  };
}

type Dashboard = Awaited<ReturnType<typeof dashboard>>;

const roomIs = (roomId: string, online: boolean) => (m: LiveMessage) =>
  m.type === 'room' && m.room.id === roomId && m.room.online === online;

/** Starts the built agent as its own process, as systemd would, and waits for the room online. */
async function agentProcess(
  hub: RunningHub,
  live: Dashboard,
  roomId: string,
  dataDir: string,
): Promise<ChildProcess> {
  const password = await hub.security.credentials.issue(roomId, 'bench');
  const online = live.next(`${roomId} online`, roomIs(roomId, true), 20_000);
  const child = spawn(
    process.execPath,
    [path.join(root, 'dist/agent/cli.js'), '--simulate', '--room', roomId],
    {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        HNTH_LOG_LEVEL: 'error',
        HNTH_MQTT_URL: hub.mqttUrl,
        HNTH_MQTT_USERNAME: roomId,
        HNTH_MQTT_PASSWORD: password,
        HNTH_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await online;
  return child;
}

async function offlineAfter(
  hub: RunningHub,
  live: Dashboard,
  roomId: string,
  signal: 'SIGKILL' | 'SIGSTOP',
  dataDir: string,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < KILLS; i++) {
    process.stderr.write(`  agent ${signal}: ${i + 1}/${KILLS}\n`);
    const child = await agentProcess(hub, live, roomId, dataDir);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const offline = live.next(`${roomId} offline after ${signal}`, roomIs(roomId, false), 30_000);
    child.kill(signal);
    times.push(await offline);
    // A stopped process is still there: end it before the next round starts the room again.
    child.kill('SIGKILL');
    await exited;
  }
  return times;
}

async function edgeToDashboard(
  hub: RunningHub,
  live: Dashboard,
  roomId: string,
  dataDir: string,
): Promise<number[]> {
  const config = loadAgentConfig({
    env: {
      HNTH_ROOM_ID: roomId,
      HNTH_MQTT_URL: hub.mqttUrl,
      HNTH_MQTT_USERNAME: roomId,
      HNTH_MQTT_PASSWORD: await hub.security.credentials.issue(roomId, 'bench'),
      HNTH_DATA_DIR: dataDir,
      // Far longer than the run: every event seen comes from an edge.
      HNTH_TELEMETRY_INTERVAL: '600',
    },
  });
  const gpio = new FakeGpioPort();
  gpio.set('GPIO17', 0); // mains present, active-low contact
  const ups = new UpsGpioSensor(gpio, { mains: { line: 'GPIO17', activeLow: true }, debounceMs: 0 });
  const agent = new Agent(config, {
    source: new AdapterSource({ ups }, () => 'on'),
    log: quiet,
    edges: edgeConfigFrom(config.sensors),
  });
  const online = live.next(`${roomId} online`, roomIs(roomId, true), 20_000);
  await agent.start();
  await online;
  const times: number[] = [];
  try {
    for (let i = 0; i < EDGES; i++) {
      const lost = i % 2 === 0;
      const type = lost ? 'mains.lost' : 'mains.restored';
      const seen = live.next(
        type,
        (m) => m.type === 'event' && m.event.roomId === roomId && m.event.type === type,
        5000,
      );
      gpio.set('GPIO17', lost ? 1 : 0);
      times.push(await seen);
      if ((i + 1) % 50 === 0) process.stderr.write(`  GPIO edge → /ws: ${i + 1}/${EDGES}\n`);
    }
  } finally {
    await agent.stop();
  }
  return times;
}

export async function benchDetection(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hnth-bench-detection-'));
  const config = loadHubConfig({
    env: {},
    overrides: {
      dataDir: path.join(dir, 'hub'),
      'mqtt.port': 0,
      'mqtt.host': '127.0.0.1',
      'http.port': 0,
      'http.host': '127.0.0.1',
      // Each edge follows the last one's arrival, far faster than mains ever flaps and past what the
      // embedded broker lets a room publish (mqtt.floodPerSec): this measures latency, not the limit.
      'mqtt.floodBurst': 100_000,
    },
  });
  const hub = await startHub(config, quiet);
  const live = await dashboard(hub);
  try {
    const killed = await offlineAfter(hub, live, 'ubnd-na-hang', 'SIGKILL', path.join(dir, 'killed'));
    const hung = await offlineAfter(hub, live, 'ubnd-na-hang', 'SIGSTOP', path.join(dir, 'killed'));
    const edges = (await edgeToDashboard(hub, live, 'ubnd-chiem-hoa', path.join(dir, 'edge'))).sort(
      (a, b) => a - b,
    );
    const seconds = (ms: number[]) =>
      `${(Math.max(...ms) / 1000).toFixed(2)} s (each: ${ms.map((t) => (t / 1000).toFixed(2)).join(', ')})`;
    return [
      {
        benchmark: `agent process killed → /ws room offline (${KILLS} kills)`,
        measure: 'kill -9 (socket closed by the kernel): max',
        value: seconds(killed),
        target: '≤ 10 s',
        met: Math.max(...killed) <= 10_000,
      },
      {
        benchmark: `agent process killed → /ws room offline (${KILLS} kills)`,
        measure: 'SIGSTOP (hung, or power and line lost: socket left open): max',
        value: seconds(hung),
        target: '≤ 10 s',
        met: Math.max(...hung) <= 10_000,
      },
      {
        benchmark: `mains-lost GPIO edge → /ws event (${EDGES} edges, agent and hub as deployed)`,
        measure: 'p50; p99',
        value: `${percentile(edges, 50).toFixed(1)} ms; ${percentile(edges, 99).toFixed(1)} ms`,
        target: 'p99 ≤ 100 ms',
        met: percentile(edges, 99) <= 100,
      },
    ];
  } finally {
    live.close();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
