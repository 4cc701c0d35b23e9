/** Starts a hub on ephemeral ports with a temporary data folder, and in-process simulated agents. */
import { spawn } from 'node:child_process';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { WebSocket } from 'ws';
import type { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgent } from '../../agent/create-agent.js';
import { loadHubConfig } from '../../hub/config.js';
import { type HubOptions, type RunningHub, startHub } from '../../hub/hub.js';
import { createLogger } from '../../shared/logger.js';
import { injectTopic } from '../../shared/topics.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait.js';

export async function startTestHub(
  overrides: Record<string, unknown> = {},
  options: HubOptions = {},
): Promise<RunningHub & { removeData(): void }> {
  const data = tempDir('hnth-hub-');
  const config = loadHubConfig({
    env: {},
    overrides: {
      dataDir: data.path,
      'mqtt.port': 0,
      'mqtt.host': '127.0.0.1',
      'http.port': 0,
      'http.host': '127.0.0.1',
      readinessCheckSec: 1,
      ...overrides,
    },
  });
  const hub = await startHub(config, createLogger('hub', process.env.HNTH_TEST_HUB_LOG ?? 'silent'), options);
  return { ...hub, removeData: data.remove };
}

/** Agents' data folders (outbox, schedule cache) of this test process, removed when it exits. */
const agentData = tempDir('hnth-agents-');
process.once('exit', () => agentData.remove());

/**
 * A simulated agent connected to `mqttUrl`. Its data folder is a fresh temporary one (removed when
 * the agent stops) unless `env` names one; `env` sets any other `HNTH_*` value.
 */
export async function startTestAgent(
  mqttUrl: string,
  roomId: string,
  intervalSec = 0.5,
  env: Record<string, string> = {},
): Promise<Agent> {
  const data = env.HNTH_DATA_DIR ? null : tempDir('hnth-agent-');
  const config = loadAgentConfig({
    env: {
      HNTH_MQTT_URL: mqttUrl,
      HNTH_TELEMETRY_INTERVAL: String(intervalSec),
      ...(data ? { HNTH_DATA_DIR: data.path } : {}),
      ...env,
    },
    args: ['--room', roomId, '--simulate'],
  });
  const agent = createAgent(config, createLogger(roomId, 'silent'));
  if (data) {
    const stop = agent.stop.bind(agent);
    agent.stop = async () => {
      await stop();
      data.remove();
    };
  }
  await agent.start();
  await agent.connected;
  return agent;
}

/** The agent as its own process (through tsx), so a test can kill it as a crash would. */
export function spawnAgentProcess(mqttUrl: string, roomId: string, dataDir = agentData.path) {
  return spawn(process.execPath, ['--import', 'tsx', 'agent/cli.ts', '--simulate', '--room', roomId], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      HNTH_MQTT_URL: mqttUrl,
      HNTH_LOG_LEVEL: 'silent',
      HNTH_TELEMETRY_INTERVAL: '0.5',
      HNTH_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function inject(mqttUrl: string, roomId: string, fault: object): Promise<void> {
  const client = await testMqttClient(mqttUrl);
  await client.publishAsync(injectTopic(roomId), JSON.stringify(fault), { qos: 1 });
  await client.endAsync();
}

/**
 * Every test's HTTP call to the hub goes through here, so that authentication (session cookie,
 * CSRF token) is added in one place for all of them.
 */
export type TestActor = { role: 'operator' } | { role: 'technician'; roomId: string };

export interface RequestOptions {
  /** Who the request is made as; becomes the session of that person once login lands. */
  as?: TestActor;
  /** Send `body` as this text type (text/csv) instead of JSON. */
  contentType?: string;
}

function actorHeader(actor: TestActor): string {
  return actor.role === 'operator' ? 'operator:Test Operator' : `technician:${actor.roomId}:Test Technician`;
}

export async function apiRequest(
  baseUrl: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  if (options.as) headers['x-hnth-actor'] = actorHeader(options.as);
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : options.contentType ? String(body) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (calendar, CSV, HTML): the text itself
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** GET that must succeed; `url` is the hub's base URL followed by the path. */
export async function getJson<T = unknown>(url: string): Promise<T> {
  const u = new URL(url);
  const res = await apiRequest(u.origin, 'GET', `${u.pathname}${u.search}`);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.body as T;
}

/** A raw MQTT client for tests (forging, watching); credentials are added here when needed. */
export function testMqttClient(mqttUrl: string, options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(mqttUrl, { reconnectPeriod: 0, ...options });
}

/** A `/ws` client that keeps every message, for tests to wait on. */
export async function liveClient(
  httpUrl: string,
): Promise<{ messages: { type: string; [k: string]: unknown }[]; close(): void }> {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/ws`);
  const messages: { type: string }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
  await waitFor('websocket snapshot', () => messages.some((m) => m.type === 'snapshot'));
  return { messages, close: () => ws.close() };
}
