/**
 * How the hub's broker may listen: TLS with the configured certificate (a real agent connects with
 * the CA from its configuration), plain MQTT on loopback, and never plain on the network unless
 * explicitly allowed.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgent } from '../../agent/create-agent.js';
import { BrokerConfigError, isLoopback, startEmbeddedBroker } from '../../hub/broker/embedded-broker.js';
import { loadHubConfig } from '../../hub/config.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import { createLogger } from '../../shared/logger.js';
import {
  brokerPassword,
  getJson,
  startTestAgent,
  startTestHub,
  testMqttClient,
} from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestCertificate, type TestCertificate } from '../helpers/tls-certs.js';
import { waitFor } from '../helpers/wait.js';

const silent = createLogger('t', 'silent');
const guard = {
  authenticate: async () => null,
  policy: { simInject: false },
  maxPayloadBytes: 1024,
  flood: { perSec: 1, burst: 1 },
};

describe('where the embedded broker may serve plain MQTT', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['::ffff:10.0.0.5', false],
    ['0.0.0.0', false],
    ['10.0.0.5', false],
    ['::', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });

  test('plain MQTT on every address is refused at start, naming the settings to change', async () => {
    await expect(
      startEmbeddedBroker(
        { port: 0, host: '0.0.0.0', fallback: false, tls: null, allowPlain: false },
        guard,
        silent,
      ),
    ).rejects.toThrow(BrokerConfigError);
    await expect(
      startEmbeddedBroker(
        { port: 0, host: '0.0.0.0', fallback: false, tls: null, allowPlain: false },
        guard,
        silent,
      ),
    ).rejects.toThrow(/mqtt\.tls\.certFile .*mqtt\.allowPlain/);
  });

  test('… unless explicitly allowed', async () => {
    const broker = await startEmbeddedBroker(
      { port: 0, host: '0.0.0.0', fallback: false, tls: null, allowPlain: true },
      guard,
      silent,
    );
    expect(broker.port).toBeGreaterThan(0);
    await broker.close();
  });

  test('a certificate without its key (or the reverse) is a configuration error', () => {
    expect(() => loadHubConfig({ env: { HNTH_MQTT_TLS_CERT: '/x/server.crt' } })).toThrow(
      /mqtt\.tls\.certFile and mqtt\.tls\.keyFile go together/,
    );
    expect(() => loadHubConfig({ env: { HNTH_MQTT_TLS_KEY: '/x/server.key' } })).toThrow(/go together/);
  });

  test('a missing certificate file stops the hub naming the key', async () => {
    await expect(
      startTestHub({
        'mqtt.tls.certFile': '/nonexistent/server.crt',
        'mqtt.tls.keyFile': '/nonexistent/server.key',
      }),
    ).rejects.toThrow(/mqtt\.tls\.certFile: file not found/);
  });

  test('an agent’s CA file that does not exist is named at start', () => {
    expect(() =>
      loadAgentConfig({ env: { HNTH_ROOM_ID: 'tinh-uy', HNTH_MQTT_CA_FILE: '/nonexistent/ca.pem' } }),
    ).toThrow(/mqtt\.caFile: file not found/);
  });
});

describe('a room over TLS to the embedded broker', () => {
  let cert: TestCertificate;
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;

  beforeAll(async () => {
    cert = makeTestCertificate();
    hub = await startTestHub({ 'mqtt.tls.certFile': cert.certFile, 'mqtt.tls.keyFile': cert.keyFile });
  });
  const agentData = tempDir('hnth-tls-agent-');
  afterAll(async () => {
    await agent?.stop();
    agentData.remove();
    await hub?.stop();
    hub?.removeData();
    cert?.remove();
  });

  test('the harness’s agents and clients follow a TLS hub without a change to the test', async () => {
    const watcher = await testMqttClient(hub.mqttUrl);
    await watcher.endAsync();
    const harnessAgent = await startTestAgent(hub.mqttUrl, 'ubnd-ham-yen');
    await harnessAgent.stop();
  });

  test('the agent connects with mqtts://, its credentials and the CA from its configuration', async () => {
    expect(hub.mqttUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const config = loadAgentConfig({
      env: {
        HNTH_MQTT_URL: hub.mqttUrl,
        HNTH_MQTT_USERNAME: 'ubnd-lam-binh',
        HNTH_MQTT_PASSWORD: await brokerPassword(hub.mqttUrl, 'ubnd-lam-binh'),
        HNTH_MQTT_CA_FILE: cert.caFile,
        HNTH_TELEMETRY_INTERVAL: '0.5',
        HNTH_DATA_DIR: agentData.path,
      },
      args: ['--room', 'ubnd-lam-binh', '--simulate'],
    });
    agent = createAgent(config, silent);
    await agent.start();
    // Online comes with the room's status message, readiness with its telemetry a moment later (on a
    // loaded machine, after a first sample still warming up): what matters is that it gets there.
    let last = '';
    await waitFor('the room online and READY at the hub', async () => {
      const view = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/ubnd-lam-binh`);
      last = `${view.online ? 'online' : 'offline'} ${view.readiness.level}`;
      return view.online && view.readiness.level === 'READY';
    }).catch((err: Error) => {
      throw new Error(`${err.message}; last seen: ${last}`);
    });
  });
});
