/**
 * The agent artefact's MQTT transports as scripts/build-agent.ts bundles them, where parts of MQTT.js
 * are stood in for to keep them out of the start: `ws://` still connects (MQTT.js's WebSocket
 * transport and `ws` load on first use, `ws` from the artefact's node_modules), and a SOCKS proxy
 * set in MQTTJS_SOCKS_PROXY, which the artefact does not carry, is refused in words that say so
 * rather than gone around. The artefact of this machine's architecture, run by this node, as its
 * `#!` line runs it, against a Mosquitto with a WebSocket listener.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { agentNodeFlags, buildAgent } from '../../scripts/build-agent.js';
import { freePort, type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOM = 'tinh-uy';
let work: ReturnType<typeof tempDir>;
let cli: string;
let mosquitto: RunningMosquitto;
let wsUrl: string;

beforeAll(async () => {
  work = tempDir('hnth-artefact-transports-');
  const [artefact] = await buildAgent([process.arch === 'arm64' ? 'arm64' : 'x64'], work.path);
  spawnSync('tar', ['-xzf', artefact!, '-C', work.path]);
  cli = path.join(work.path, 'hnth-agent/cli.js');
  const wsPort = await freePort();
  mosquitto = await startMosquitto(`listener ${wsPort} 127.0.0.1\nprotocol websockets`);
  wsUrl = `ws://127.0.0.1:${wsPort}`;
}, 120_000);
afterAll(async () => {
  await mosquitto?.stop();
  work?.remove();
});

/** `hnth-agent doctor --simulate --json` from the artefact: the broker check's verdict. */
function brokerCheck(env: Record<string, string>): { ok: boolean; detail: string } {
  const run = spawnSync(
    process.execPath,
    [...agentNodeFlags, cli, 'doctor', '--simulate', '--room', ROOM, '--json'],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HNTH_DATA_DIR: path.join(work.path, 'data'), ...env },
    },
  );
  const { checks } = JSON.parse(run.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
  const broker = checks.find((c) => c.name === 'broker')!;
  return { ok: broker.ok, detail: broker.detail };
}

test('connects over ws:// (the WebSocket transport, loaded on first use)', () => {
  expect(brokerCheck({ HNTH_MQTT_URL: wsUrl })).toEqual({
    ok: true,
    detail: `${wsUrl} accepted the connection (no credentials)`,
  });
});

test('refuses a SOCKS proxy it does not carry, naming the variable, instead of going around it', () => {
  const check = brokerCheck({
    HNTH_MQTT_URL: mosquitto.url,
    MQTTJS_SOCKS_PROXY: 'socks5://127.0.0.1:1080',
  });
  expect(check.ok).toBe(false);
  expect(check.detail).toContain(
    'a SOCKS proxy is set (MQTTJS_SOCKS_PROXY=socks5://127.0.0.1:1080), but the agent artefact is built without',
  );
  // The same broker without the variable: the refusal was the proxy's, not the broker's.
  expect(brokerCheck({ HNTH_MQTT_URL: mosquitto.url }).ok).toBe(true);
});
