/**
 * The deployment of deploy/mosquitto/ end to end: the hub issues its own and a room's passwords,
 * exports the files, Mosquitto starts from the shipped configuration, and the hub (on the loopback
 * listener) and a real agent (over TLS with its CA) work through the ACL: the room is seen READY
 * and answers a command.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgent } from '../../agent/create-agent.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import { exportMosquitto } from '../../hub/security/mosquitto-export.js';
import { HUB_ACCOUNT } from '../../hub/security/mqtt-policy.js';
import { createLogger } from '../../shared/logger.js';
import { getJson, openHubSecurity, startTestHub } from '../helpers/hub-harness.js';
import { startShippedMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestCertificate, type TestCertificate } from '../helpers/tls-certs.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-yen-son';

describe('the hub and a room on Mosquitto with the exported files', () => {
  const dir = tempDir('hnth-deploy-');
  let cert: TestCertificate;
  let mosquitto: Awaited<ReturnType<typeof startShippedMosquitto>>;
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;

  beforeAll(async () => {
    cert = makeTestCertificate();
    const dataDir = path.join(dir.path, 'data');
    const security = await openHubSecurity(dataDir);
    const hubPassword = await security.credentials.issue(HUB_ACCOUNT, 'test');
    const roomPassword = await security.credentials.issue(ROOM, 'test');
    const files = path.join(dir.path, 'etc');
    await exportMosquitto(files, security.credentials, { simInject: false });
    await security.close();
    mkdirSync(path.join(files, 'tls'));
    copyFileSync(cert.certFile, path.join(files, 'tls', 'server.crt'));
    copyFileSync(cert.keyFile, path.join(files, 'tls', 'server.key'));
    mosquitto = await startShippedMosquitto(files);

    // The hub on the broker's own machine, on the loopback listener: its account works nowhere else.
    hub = await startTestHub({
      dataDir,
      'mqtt.url': mosquitto.localUrl,
      'mqtt.username': HUB_ACCOUNT,
      'mqtt.password': hubPassword,
    });
    const config = loadAgentConfig({
      env: {
        HNTH_MQTT_URL: mosquitto.tlsUrl,
        HNTH_MQTT_USERNAME: ROOM,
        HNTH_MQTT_PASSWORD: roomPassword,
        HNTH_MQTT_CA_FILE: cert.caFile,
        HNTH_TELEMETRY_INTERVAL: '0.5',
        HNTH_DATA_DIR: path.join(dir.path, 'agent'),
      },
      args: ['--room', ROOM, '--simulate'],
    });
    agent = createAgent(config, createLogger(ROOM, 'silent'));
    await agent.start();
  });
  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    await mosquitto?.stop();
    cert?.remove();
    dir.remove();
  });

  test('the room is READY at the hub', async () => {
    const room = await waitFor('the room READY', async () => {
      const view = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${ROOM}`);
      return view.readiness.level === 'READY' && view;
    });
    expect(room.online).toBe(true);
  });

  test('the hub’s command reaches the room and its reply comes back', async () => {
    const outcome = await hub.commands.send(ROOM, 'ping', {}, { timeoutMs: 5000 });
    expect(outcome).toMatchObject({ ok: true, result: { bootId: agent.bootId } });
  });
});
