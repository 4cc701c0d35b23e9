/**
 * Issue 18.2 on a real Mosquitto started from the shipped configuration (deploy/mosquitto/), which
 * has no per-client rate limit: one room floods as fast as `mosquitto_pub` can send over TLS, with
 * 16 KiB payloads that each cost the hub's message check more than they cost to send (the hub
 * falls behind, so Mosquitto queues for it), while another room sends its events and telemetry and
 * answers the hub's commands. The hub cuts the
 * flooding room off (its account out of the rewritten password file, Mosquitto reloaded, as
 * `systemctl reload` would: SIGHUP), raises its incident and audits it; every message of the other
 * room arrives, and the flooding room cannot come back until it is issued a new password.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync, type MqttClient } from 'mqtt';
import type { RunningHub } from '../../hub/hub.js';
import { exportMosquitto } from '../../hub/security/mosquitto-export.js';
import { HUB_ACCOUNT } from '../../hub/security/mqtt-policy.js';
import { type CommandMessage, decodeMessage, SCHEMA_VERSION } from '../../shared/schemas.js';
import { commandFilter, roomTopic } from '../../shared/topics.js';
import { apiRequest, openHubSecurity, startTestHub } from '../helpers/hub-harness.js';
import { startShippedMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { makeTestCertificate, type TestCertificate } from '../helpers/tls-certs.js';
import { waitFor } from '../helpers/wait.js';
import { wideAtTheDepthLimit } from '../helpers/worst-payloads.js';

const FLOODER = 'ubnd-lam-binh';
const OTHER = 'ubnd-ham-yen';
const EVENTS = 60;
const FLOOD_LINES = 3000;

const telemetry = (ts: string) =>
  JSON.stringify({
    v: SCHEMA_VERSION,
    ts,
    power: { mains: true, upsChargePct: 100, state: 'on' },
    climate: { tempC: 24, humidityPct: 55 },
    codec: { state: 'up', inCall: false },
    link: { latencyMs: 30, jitterMs: 4, lossPct: 0 },
  });

describe('one room flooding a real Mosquitto with the shipped configuration', () => {
  const dir = tempDir('hnth-flood-mq-');
  let cert: TestCertificate;
  let mosquitto: Awaited<ReturnType<typeof startShippedMosquitto>>;
  let hub: RunningHub & { removeData(): void };
  const passwords = new Map<string, string>();
  const clients: MqttClient[] = [];
  let flood: ChildProcess | undefined;
  let telemetryApplied = 0;

  beforeAll(async () => {
    cert = makeTestCertificate();
    const dataDir = path.join(dir.path, 'data');
    const files = path.join(dir.path, 'etc');
    const security = await openHubSecurity(dataDir);
    for (const account of [HUB_ACCOUNT, FLOODER, OTHER])
      passwords.set(account, await security.credentials.issue(account, 'test'));
    await exportMosquitto(files, security.credentials, { simInject: false });
    await security.close();
    mkdirSync(path.join(files, 'tls'));
    copyFileSync(cert.certFile, path.join(files, 'tls', 'server.crt'));
    copyFileSync(cert.keyFile, path.join(files, 'tls', 'server.key'));
    mosquitto = await startShippedMosquitto(files);
    hub = await startTestHub({
      dataDir,
      'mqtt.url': mosquitto.localUrl,
      'mqtt.username': HUB_ACCOUNT,
      'mqtt.password': passwords.get(HUB_ACCOUNT),
      'mqtt.mosquitto.dir': files,
      'mqtt.mosquitto.reloadCommand': `kill -HUP ${mosquitto.pid}`,
      'incidents.raiseAfterSec': 0,
    });
    const apply = hub.fleet.applyTelemetry.bind(hub.fleet);
    hub.fleet.applyTelemetry = (roomId, message, at) => {
      apply(roomId, message, at);
      if (roomId === OTHER) telemetryApplied++;
    };
  });
  afterAll(async () => {
    flood?.kill('SIGKILL');
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await hub?.stop();
    await mosquitto?.stop();
    cert?.remove();
    dir.remove();
  });

  const asRoom = async (room: string) => {
    const c = await connectAsync(mosquitto.tlsUrl, {
      ca: readFileSync(cert.caFile),
      clientId: room,
      username: room,
      password: passwords.get(room)!,
      reconnectPeriod: 0,
    });
    clients.push(c);
    return c;
  };

  const health = async () =>
    (await (await fetch(`${hub.httpUrl}/api/health`)).json()) as {
      flood: { flooding: string[]; droppedMessages: number };
    };

  test('the flooding room is cut off; the other room’s events, telemetry and replies all arrive', async () => {
    // The other room answers the hub's commands, as an agent does.
    const other = await asRoom(OTHER);
    other.on('message', (_topic, payload) => {
      const command = decodeMessage('command', payload);
      if (!command.ok) return;
      const m: CommandMessage = command.message;
      other.publish(
        roomTopic(OTHER, 'replies'),
        JSON.stringify({
          v: SCHEMA_VERSION,
          id: m.id,
          name: 'ping',
          ok: true,
          result: {},
          ts: new Date().toISOString(),
        }),
        { qos: 1 },
      );
    });
    await other.subscribeAsync(commandFilter(OTHER), { qos: 1 });

    // The flood: as fast as Mosquitto's own client sends, from another process.
    flood = spawn(
      'mosquitto_pub',
      [
        ...['-h', '127.0.0.1', '-p', new URL(mosquitto.tlsUrl).port, '--cafile', cert.caFile],
        ...[
          '-i',
          FLOODER,
          '-u',
          FLOODER,
          '-P',
          passwords.get(FLOODER)!,
          '-t',
          roomTopic(FLOODER, 'telemetry'),
        ],
        ...['-q', '1', '-l'],
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    // Its connection closed, mosquitto_pub connects again, and is refused: the old password is gone.
    let floodRefused = false;
    flood.stderr!.on('data', (d: Buffer) => {
      if (/not authori[sz]ed/.test(d.toString())) floodRefused = true;
    });
    // Cut off, it stops reading what is left: that is expected, not an error of the test.
    flood.stdin!.on('error', () => {});
    flood.stdin!.end(`${wideAtTheDepthLimit().toString()}\n`.repeat(FLOOD_LINES));

    // Meanwhile the other room goes on: events (QoS 1), telemetry (QoS 0), a command's reply.
    const bootId = 'b-flood-test';
    const replies = hub.commands.send(OTHER, 'ping', {}, { timeoutMs: 20_000 });
    for (let seq = 1; seq <= EVENTS; seq++) {
      const ts = new Date().toISOString();
      other.publish(
        roomTopic(OTHER, 'events'),
        JSON.stringify({
          v: SCHEMA_VERSION,
          type: 'codec.up',
          severity: 'info',
          data: { seq },
          ts,
          bootId,
          seq,
        }),
        { qos: 1 },
      );
      other.publish(roomTopic(OTHER, 'telemetry'), telemetry(ts), { qos: 0 });
      await new Promise((r) => setTimeout(r, 20));
    }

    expect(await replies).toMatchObject({ ok: true });
    const stored = await waitFor(
      `all ${EVENTS} events of the other room stored`,
      async () => {
        const events = (await apiRequest(hub.httpUrl, 'GET', `/api/rooms/${OTHER}/events?limit=500`))
          .body as {
          bootId: string;
        }[];
        const mine = events.filter((e) => e.bootId === bootId);
        return mine.length >= EVENTS && mine;
      },
      30_000,
    );
    expect(stored).toHaveLength(EVENTS);
    await waitFor(
      `all ${EVENTS} telemetry messages of the other room applied`,
      () => telemetryApplied >= EVENTS,
      30_000,
    );
    expect(telemetryApplied).toBe(EVENTS);

    // The flooder was disconnected by Mosquitto long before its 3,000 messages were out: what reached
    // the hub (its burst, and what the hub dropped unread) stops far short of them. Once its
    // connection is closed, a marker from the other room, queued by Mosquitto for the hub behind the
    // last of the flood on the same subscription, tells when the hub has handled all of it.
    await waitFor('the flooder’s connection closed, and its new one refused', () => floodRefused, 20_000);
    other.publish(roomTopic(OTHER, 'telemetry'), telemetry(new Date().toISOString()), { qos: 1 });
    await waitFor('the marker applied', () => telemetryApplied === EVENTS + 1, 30_000);
    const settled = (await health()).flood.droppedMessages;
    expect(settled).toBeGreaterThan(0);
    expect(settled).toBeLessThan(FLOOD_LINES / 2);
    expect(await hub.security.credentials.disabledAccounts()).toEqual([FLOODER]);
    const cutOff = await waitFor('the cut-off in the audit log', async () =>
      (await hub.security.audit.list(50)).find((e) => e.action === 'mqtt.cut-off'),
    );
    expect(cutOff).toMatchObject({
      actor: 'system',
      result: 'ok',
      details: { roomId: FLOODER, broker: 'external' },
    });
    expect((await hub.security.audit.list(50)).find((e) => e.action === 'credentials.disable')).toMatchObject(
      {
        details: { account: FLOODER },
      },
    );
    expect((await health()).flood.flooding).toEqual([FLOODER]);
    const incident = await waitFor('the flooding room’s incident', async () => {
      const open = (await apiRequest(hub.httpUrl, 'GET', `/api/incidents?state=open&room=${FLOODER}`))
        .body as {
        cause: string;
        severity: string;
      }[];
      return open.find((i) => i.cause === 'room.flooding');
    });
    expect(incident).toMatchObject({ severity: 'critical' });
    expect(other.connected).toBe(true);
  });

  test('the flooding room cannot log in again with its old password', async () => {
    await expect(asRoom(FLOODER)).rejects.toThrow(/Not authorized|Bad username or password/);
  });
});
