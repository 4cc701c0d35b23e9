/** Starts a hub on ephemeral ports with a temporary data folder, and in-process simulated agents. */
import { spawn } from 'node:child_process';
import { connectAsync } from 'mqtt';
import { WebSocket } from 'ws';
import type { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgent } from '../../agent/create-agent.js';
import { loadHubConfig } from '../../hub/config.js';
import { type RunningHub, startHub } from '../../hub/hub.js';
import { createLogger } from '../../shared/logger.js';
import { injectTopic } from '../../shared/topics.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait.js';

export async function startTestHub(
  overrides: Record<string, unknown> = {},
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
  const hub = await startHub(config, createLogger('hub', 'silent'));
  return { ...hub, removeData: data.remove };
}

export async function startTestAgent(mqttUrl: string, roomId: string, intervalSec = 0.5): Promise<Agent> {
  const config = loadAgentConfig({
    env: { HNTH_MQTT_URL: mqttUrl, HNTH_TELEMETRY_INTERVAL: String(intervalSec) },
    args: ['--room', roomId, '--simulate'],
  });
  const agent = createAgent(config, createLogger(roomId, 'silent'));
  await agent.start();
  await agent.connected;
  return agent;
}

/** The agent as its own process (through tsx), so a test can kill it as a crash would. */
export function spawnAgentProcess(mqttUrl: string, roomId: string) {
  return spawn(process.execPath, ['--import', 'tsx', 'agent/cli.ts', '--simulate', '--room', roomId], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      HNTH_MQTT_URL: mqttUrl,
      HNTH_LOG_LEVEL: 'silent',
      HNTH_TELEMETRY_INTERVAL: '0.5',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function inject(mqttUrl: string, roomId: string, fault: object): Promise<void> {
  const client = await connectAsync(mqttUrl, { reconnectPeriod: 0 });
  await client.publishAsync(injectTopic(roomId), JSON.stringify(fault), { qos: 1 });
  await client.endAsync();
}

export async function getJson<T = unknown>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
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
