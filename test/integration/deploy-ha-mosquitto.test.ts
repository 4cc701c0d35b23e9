/**
 * deploy/ha/mosquitto.conf in a real Mosquitto: the broker of two hubs on other machines. Both hubs
 * log in with the hub's account over TLS, each under its own client id, through the hub's own link
 * code (MQTT 5, one shared group); each of a room's events reaches exactly one hub, its telemetry
 * and status reach both, and when one hub's connection dies the other receives everything; two connections
 * under one client id throw each other off, so each hub needs its own. The listeners keep
 * the single broker's separation: no room's password works on the hubs' listener and the hub's
 * account does not work on the rooms'.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync, type MqttClient } from 'mqtt';
import { connectHubLink } from '../../hub/broker/hub-link.js';
import { ingestFilter } from '../../hub/ingest/ingest-filter.js';
import { exportMosquitto } from '../../hub/security/mosquitto-export.js';
import { HUB_ACCOUNT } from '../../hub/security/mqtt-policy.js';
import { createLogger } from '../../shared/logger.js';
import { roomChannels, roomTopic } from '../../shared/topics.js';
import { openHubSecurity } from '../helpers/hub-harness.js';
import { startHaMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestCertificate, type TestCertificate } from '../helpers/tls-certs.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-yen-son';
const GROUP = 'hnth-hub';

/** The example hub configurations' broker settings, as each hub of the group uses them. */
const example = (file: string) =>
  JSON.parse(readFileSync(`deploy/ha/${file}`, 'utf8')) as {
    mqtt: { clientId: string; sharedGroup: string; protocolVersion: 5 };
  };

describe('two hubs on one Mosquitto from deploy/ha/mosquitto.conf', () => {
  const dir = tempDir('deploy-ha-mosquitto-');
  let cert: TestCertificate;
  let broker: Awaited<ReturnType<typeof startHaMosquitto>>;
  let hubPassword: string;
  let roomPassword: string;
  const hubs: { id: string; link: MqttClient & { stop(): Promise<void> }; got: string[] }[] = [];
  let room: MqttClient;

  async function connectHub(clientId: string) {
    const got: string[] = [];
    const link = await connectHubLink(
      {
        url: broker.hubsUrl,
        login: { username: HUB_ACCOUNT, password: hubPassword, ca: readFileSync(cert.caFile) },
        clientId,
        protocolVersion: 5,
        keepaliveSec: 10,
        now: () => new Date(),
        // As hub/hub.ts subscribes with mqtt.sharedGroup: events shared, the rest not.
        filters: roomChannels.map((ch) => ingestFilter(ch, GROUP)),
      },
      (topic, payload) => got.push(`${topic} ${payload.toString()}`),
      createLogger(clientId, 'silent'),
    );
    return { id: clientId, link, got };
  }

  const received = (hub: { got: string[] }, prefix: string) => hub.got.filter((m) => m.includes(prefix));

  beforeAll(async () => {
    cert = makeTestCertificate();
    const dataDir = path.join(dir.path, 'data');
    const security = await openHubSecurity(dataDir);
    hubPassword = await security.credentials.issue(HUB_ACCOUNT, 'test');
    roomPassword = await security.credentials.issue(ROOM, 'test');
    const files = path.join(dir.path, 'etc');
    await exportMosquitto(files, security.credentials, { simInject: false });
    await security.close();
    mkdirSync(path.join(files, 'tls'));
    copyFileSync(cert.certFile, path.join(files, 'tls', 'server.crt'));
    copyFileSync(cert.keyFile, path.join(files, 'tls', 'server.key'));
    broker = await startHaMosquitto(files);
    for (const file of ['hub-a.json', 'hub-b.json']) {
      hubs.push(await connectHub(example(file).mqtt.clientId));
    }
    room = await connectAsync(broker.roomsUrl, {
      username: ROOM,
      password: roomPassword,
      ca: readFileSync(cert.caFile),
      reconnectPeriod: 0,
    });
  });
  afterAll(async () => {
    await room?.endAsync();
    for (const hub of hubs) await hub.link.stop();
    await broker?.stop();
    cert?.remove();
    dir.remove();
  });

  test('the example hubs are in one group, each under its own client id', () => {
    const [a, b] = [example('hub-a.json').mqtt, example('hub-b.json').mqtt];
    expect(a.sharedGroup).toBe(GROUP);
    expect(b.sharedGroup).toBe(GROUP);
    expect(a.clientId).not.toBe(b.clientId);
    expect(hubs.every((h) => h.link.connected)).toBe(true);
  });

  test('each event reaches exactly one hub, and both hubs share them; a status reaches both', async () => {
    const events = Array.from({ length: 40 }, (_, i) => `event-${i}`);
    for (const e of events) await room.publishAsync(roomTopic(ROOM, 'events'), e, { qos: 1 });
    await room.publishAsync(roomTopic(ROOM, 'status'), 'status-1', { qos: 1 });
    const all = await waitFor('every event at one hub or the other', () => {
      const got = hubs.flatMap((h) => received(h, 'event-'));
      return got.length >= events.length && got;
    });
    expect(all.map((m) => m.split(' ')[1]).sort()).toEqual([...events].sort());
    expect(hubs.map((h) => received(h, 'event-').length).every((n) => n > 0)).toBe(true);
    await waitFor('the status at both hubs', () => hubs.every((h) => received(h, 'status-1').length === 1));
  });

  test('each telemetry message reaches both hubs', async () => {
    const readings = Array.from({ length: 10 }, (_, i) => `telemetry-${i}`);
    for (const t of readings) await room.publishAsync(roomTopic(ROOM, 'telemetry'), t, { qos: 1 });
    await waitFor('every message at both hubs', () =>
      hubs.every((h) => received(h, 'telemetry-').length === readings.length),
    );
  });

  test('when one hub’s connection dies, the other hub receives every event that follows', async () => {
    const [a, b] = hubs as [(typeof hubs)[0], (typeof hubs)[0]];
    // As a hub killed with SIGKILL: its socket closes without a DISCONNECT, and it does not come back.
    a.link.options.reconnectPeriod = 0;
    a.link.stream.destroy();
    await waitFor('hub A disconnected', () => !a.link.connected);
    const before = received(b, 'after-').length;
    const events = Array.from({ length: 20 }, (_, i) => `after-${i}`);
    for (const e of events) await room.publishAsync(roomTopic(ROOM, 'events'), e, { qos: 1 });
    await waitFor(
      'every later event at hub B',
      () => received(b, 'after-').length === before + events.length,
    );
    expect(received(a, 'after-')).toEqual([]);
  });

  test('two hubs under one client id would throw each other off: hence one id per hub', async () => {
    const login = {
      username: HUB_ACCOUNT,
      password: hubPassword,
      ca: readFileSync(cert.caFile),
      reconnectPeriod: 0,
    };
    const first = await connectAsync(broker.hubsUrl, {
      ...login,
      clientId: 'hnth-hub-same',
      protocolVersion: 5,
    });
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    const second = await connectAsync(broker.hubsUrl, {
      ...login,
      clientId: 'hnth-hub-same',
      protocolVersion: 5,
    });
    await closed;
    expect(second.connected).toBe(true);
    await second.endAsync();
    await first.endAsync(true);
  });

  test('no room’s password works on the hubs’ listener, nor the hub’s account on the rooms’', async () => {
    const attempt = (url: string, username: string, password: string) =>
      connectAsync(url, { username, password, ca: readFileSync(cert.caFile), reconnectPeriod: 0 }).then(
        (c) => c.endAsync().then(() => 'connected'),
        (err: Error) => err.message,
      );
    expect(await attempt(broker.hubsUrl, ROOM, roomPassword)).toMatch(
      /Not authorized|Bad User Name or Password/i,
    );
    expect(await attempt(broker.roomsUrl, HUB_ACCOUNT, hubPassword)).toMatch(
      /Not authorized|Bad User Name or Password/i,
    );
  });
});
