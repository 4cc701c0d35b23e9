/**
 * deploy/ha/mosquitto.conf in a real Mosquitto: the broker of two hubs on other machines. Each hub
 * logs in with its own account over TLS, its client id its username, through the hub's own link
 * code (MQTT 5, one shared group); each of a room's events reaches exactly one hub, its telemetry
 * and status reach both, and when one hub's connection dies the other receives everything. One
 * hub's password cannot take the other's session nor publish its status. The listeners keep the
 * single broker's separation: no room's password works on the hubs' listener and no hub's account
 * works on the rooms'.
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
import { ALL_HUB_STATUSES_FILTER, hubStatusTopic, roomChannels, roomTopic } from '../../shared/topics.js';
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
    mqtt: { clientId: string; username: string; sharedGroup: string; protocolVersion: 5 };
  };
const [HUB_A, HUB_B] = [example('hub-a.json').mqtt.username, example('hub-b.json').mqtt.username];

describe('two hubs on one Mosquitto from deploy/ha/mosquitto.conf', () => {
  const dir = tempDir('deploy-ha-mosquitto-');
  let cert: TestCertificate;
  let broker: Awaited<ReturnType<typeof startHaMosquitto>>;
  /** Each hub's account's password, by account. */
  const hubPasswords = new Map<string, string>();
  let roomPassword: string;
  const hubs: { id: string; link: MqttClient & { stop(): Promise<void> }; got: string[] }[] = [];
  let room: MqttClient;

  async function connectHub(username: string, clientId: string) {
    const got: string[] = [];
    const link = await connectHubLink(
      {
        url: broker.hubsUrl,
        login: { username, password: hubPasswords.get(username)!, ca: readFileSync(cert.caFile) },
        clientId,
        protocolVersion: 5,
        keepaliveSec: 10,
        // As a hub of a group: its session ends when it goes.
        sessionExpirySec: 0,
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
    for (const account of [HUB_ACCOUNT, HUB_A, HUB_B])
      hubPasswords.set(account, await security.credentials.issue(account, 'test'));
    roomPassword = await security.credentials.issue(ROOM, 'test');
    const files = path.join(dir.path, 'etc');
    await exportMosquitto(files, security.credentials, { simInject: false });
    await security.close();
    mkdirSync(path.join(files, 'tls'));
    copyFileSync(cert.certFile, path.join(files, 'tls', 'server.crt'));
    copyFileSync(cert.keyFile, path.join(files, 'tls', 'server.key'));
    broker = await startHaMosquitto(files);
    for (const file of ['hub-a.json', 'hub-b.json']) {
      const { username, clientId } = example(file).mqtt;
      hubs.push(await connectHub(username, clientId));
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

  test('the example hubs are in one group, each under its own account', () => {
    const [a, b] = [example('hub-a.json').mqtt, example('hub-b.json').mqtt];
    expect(a.sharedGroup).toBe(GROUP);
    expect(b.sharedGroup).toBe(GROUP);
    expect(a.username).not.toBe(b.username);
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

  test('a hub’s client id is its username: hub A’s password under hub B’s id does not throw hub B off', async () => {
    const b = hubs[1]!;
    let thrownOff = false;
    b.link.once('close', () => {
      thrownOff = true;
    });
    const impostor = await connectAsync(broker.hubsUrl, {
      username: HUB_A,
      password: hubPasswords.get(HUB_A)!,
      clientId: HUB_B,
      ca: readFileSync(cert.caFile),
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    // Hub B still receives what follows, on the connection it had.
    await room.publishAsync(roomTopic(ROOM, 'status'), 'status-after-impostor', { qos: 1 });
    await waitFor('the status at hub B', () => received(b, 'status-after-impostor').length === 1);
    expect(thrownOff).toBe(false);
    await impostor.endAsync();
  });

  test('a hub publishes its own status only', async () => {
    const watcher = await connectAsync(broker.roomsUrl, {
      username: ROOM,
      password: roomPassword,
      clientId: ROOM,
      ca: readFileSync(cert.caFile),
      reconnectPeriod: 0,
    });
    const seen: string[] = [];
    watcher.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    await watcher.subscribeAsync(ALL_HUB_STATUSES_FILTER, { qos: 1 });
    const a = await connectAsync(broker.hubsUrl, {
      username: HUB_A,
      password: hubPasswords.get(HUB_A)!,
      ca: readFileSync(cert.caFile),
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    // Published in this order on one connection: once the second arrives, the first would have.
    // The broker drops it (an MQTT 5 broker may also say so in its acknowledgement).
    await a.publishAsync(hubStatusTopic(HUB_B), 'forged-offline', { qos: 1 }).catch(() => {});
    await a.publishAsync(hubStatusTopic(HUB_A), 'own-online', { qos: 1 });
    await waitFor('hub A’s own status', () => seen.some((m) => m.endsWith('own-online')));
    expect(seen.filter((m) => m.includes('forged'))).toEqual([]);
    await a.endAsync();
    await watcher.endAsync();
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
    for (const account of [HUB_ACCOUNT, HUB_A]) {
      expect(await attempt(broker.roomsUrl, account, hubPasswords.get(account)!)).toMatch(
        /Not authorized|Bad User Name or Password/i,
      );
    }
  });
});
