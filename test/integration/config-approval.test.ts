/**
 * Configuration approved by the hub (art. 5.3), on both codec kinds: real agents watching a fake
 * Cisco that answers the real SX20's configuration (test/fixtures/real/cisco) and a fake Poly. The
 * operator approves each room's current configuration; someone changes a value on the codec; the
 * hub shows `config.drift` with the key, the approved and the found value, in readiness and as an
 * incident. It survives the agent starting again (the baseline is on its disk, not in its
 * configuration file) and the hub starting again (its database). Approving again is audited.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgent } from '../../agent/create-agent.js';
import type { ApprovedConfig, ConfigDelivery } from '../../hub/codec-config/approved-configs-repo.js';
import type { Approval } from '../../hub/codec-config/config-approval.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import type { Incident } from '../../hub/incidents/incidents-repo.js';
import type { AuditEntry } from '../../hub/security/audit-log.js';
import { createLogger } from '../../shared/logger.js';
import { type FakePolyCodec, startFakePolyCodec } from '../fakes/fake-poly-codec.js';
import { type FakeXapiCodec, fixture, startFakeXapiCodec } from '../fakes/fake-xapi-codec.js';
import { apiRequest, brokerPassword, getJson, startTestHub } from '../helpers/hub-harness.js';
import { freePort } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const CISCO_ROOM = 'ubnd-yen-son';
const POLY_ROOM = 'ubnd-son-duong';

describe('configuration approved at the hub, on a Cisco and a Poly room', () => {
  const hubData = tempDir('hnth-config-hub-');
  const agentData = tempDir('hnth-config-agents-');
  let mqttPort: number;
  let hub: RunningHub & { removeData(): void };
  let cisco: FakeXapiCodec;
  let poly: FakePolyCodec;
  const agents = new Map<string, Agent>();
  const passwords = new Map<string, string>();

  const startHub = async () => {
    hub = await startTestHub({
      dataDir: hubData.path,
      'mqtt.port': mqttPort,
      'incidents.raiseAfterSec': 0,
      'incidents.checkSec': 1,
      'incidents.startupGraceSec': 0,
      // A room with no agent is waited for a second, not the production 15.
      'remoteActions.timeoutSec': 1,
    });
  };
  const startAgent = async (
    roomId: string,
    kind: 'xapi' | 'poly',
    url: string,
    credentials: [string, string],
  ) => {
    passwords.set(roomId, passwords.get(roomId) ?? (await brokerPassword(hub.mqttUrl, roomId))!);
    const config = loadAgentConfig({
      env: {
        HNTH_ROOM_ID: roomId,
        HNTH_MQTT_URL: hub.mqttUrl,
        HNTH_MQTT_USERNAME: roomId,
        HNTH_MQTT_PASSWORD: passwords.get(roomId)!,
        HNTH_TELEMETRY_INTERVAL: '0.3',
        HNTH_CODEC_KIND: kind,
        HNTH_CODEC_URL: url,
        HNTH_CODEC_USERNAME: credentials[0],
        HNTH_CODEC_PASSWORD: credentials[1],
        HNTH_DATA_DIR: agentData.path,
        HNTH_HOST: 'false',
      },
    });
    Object.assign(config.probes.codec, { intervalSec: 0.2, driftIntervalSec: 0.2 });
    const agent = createAgent(config, createLogger(roomId, 'silent'));
    agents.set(roomId, agent);
    await agent.start();
    await agent.connected;
  };
  const room = (id: string) => getJson<RoomView>(`${hub.httpUrl}/api/rooms/${id}`);
  const driftOf = async (id: string) =>
    (await room(id)).readiness.causes.find((c) => c.code === 'config.drift');

  beforeAll(async () => {
    mqttPort = await freePort();
    [cisco, poly] = await Promise.all([startFakeXapiCodec(), startFakePolyCodec()]);
    cisco.state.configurationCapture = fixture('real/cisco/sx20-ce9.1.4-in-call/configuration.xml');
    poly.state.config = {
      'comm.nics.sipnic.sipusername': 'ubnd-son-duong@hnth.example',
      'comm.nics.sipnic.sipproxyserver': 'mcu.hnth.example',
      'comm.nics.h323nic.h323name': 'UBND-SonDuong',
      'comm.nics.h323nic.gatekeeper.gkipaddress': '10.10.0.5',
      'comm.firewall.nat.usenataddress': 'Off',
      'audio.volume.speakervolume': '50',
    };
    await startHub();
    await startAgent(CISCO_ROOM, 'xapi', cisco.url, ['hnth', 'secret']);
    await startAgent(POLY_ROOM, 'poly', poly.url, ['admin', 'Polycom12#']);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([...agents.values()].map((a) => a.stop()));
    await hub?.stop();
    await Promise.all([cisco?.close(), poly?.close()]);
    hubData.remove();
    agentData.remove();
  });

  test('the operator approves each room’s current configuration: stored, delivered, no drift', async () => {
    const res = await apiRequest(hub.httpUrl, 'POST', `/api/rooms/${CISCO_ROOM}/config/approve`, {});
    expect(res.status).toBe(200);
    const approval = res.body as Extract<Approval, { ok: true }>;
    expect(approval.approved).toMatchObject({ roomId: CISCO_ROOM, kind: 'xapi', source: 'current' });
    // The real SX20's values, read by the room from its codec.
    expect(approval.approved.values).toMatchObject({
      'Audio/DefaultVolume': '50',
      'SIP/URI': 'NH-SX20@nh.vnoc1.com',
      'H323/Gatekeeper/Address': '172.31.254.64',
      'Video/Output/Connector[1]/Resolution': '1920_1080_60',
      'Conference/AutoAnswer/Mode': 'On',
    });
    expect(approval.delivered).toMatchObject({ ok: true, delivery: { drifts: [] } });
    const polyRes = await apiRequest(hub.httpUrl, 'POST', `/api/rooms/${POLY_ROOM}/config/approve`, {});
    expect(polyRes.status).toBe(200);
    expect((polyRes.body as Extract<Approval, { ok: true }>).approved).toMatchObject({
      kind: 'poly',
      values: { 'comm.nics.sipnic.sipusername': 'ubnd-son-duong@hnth.example' },
    });
  });

  test.each([
    [CISCO_ROOM, 'Audio/DefaultVolume', '50', '70'],
    [POLY_ROOM, 'comm.nics.sipnic.sipproxyserver', 'mcu.hnth.example', 'rogue.example'],
  ])(
    '%s: a value changed on the codec is shown with the key, the approved and the found value, and opens an incident',
    async (roomId, key, approved, found) => {
      if (roomId === CISCO_ROOM)
        cisco.state.configurationCapture = cisco.state.configurationCapture!.replace(
          '>50</DefaultVolume>',
          '>70</DefaultVolume>',
        );
      else poly.state.config[key] = found;
      const drift = await waitFor('the drift in readiness', () => driftOf(roomId));
      expect(drift).toMatchObject({ level: 'DEGRADED', params: { key, approved, found } });
      expect(drift.text).toBe(`configuration changed: ${key} is ${found}, approved ${approved}`);
      const incident = await waitFor('the configuration incident', async () =>
        (await getJson<Incident[]>(`${hub.httpUrl}/api/incidents?state=open`)).find(
          (i) => i.roomId === roomId && i.cause === 'config.drift',
        ),
      );
      expect(incident.severity).toBe('warning');
    },
  );

  test('the agent starts again: it watches the approved baseline from its disk and says the drift again', async () => {
    const before = agents.get(CISCO_ROOM)!;
    const bootId = before.bootId;
    await before.stop();
    await startAgent(CISCO_ROOM, 'xapi', cisco.url, ['hnth', 'secret']);
    const events = await waitFor('the new run’s config.drift', async () => {
      const list = await getJson<{ type: string; bootId: string; data: Record<string, unknown> }[]>(
        `${hub.httpUrl}/api/rooms/${CISCO_ROOM}/events`,
      );
      return list.find((e) => e.type === 'config.drift' && e.bootId !== bootId);
    });
    expect(events.data).toMatchObject({ key: 'Audio/DefaultVolume', approved: '50', found: '70' });
    // The hub delivered its approval to the new run too; the answer names the same drift.
    const delivered = await waitFor('the delivery to the new run', async () => {
      const { delivery } = await getJson<{ delivery: ConfigDelivery | null }>(
        `${hub.httpUrl}/api/rooms/${CISCO_ROOM}/config`,
      );
      return delivery?.bootId === agents.get(CISCO_ROOM)!.bootId && delivery;
    });
    expect(delivered.drifts).toEqual([{ key: 'Audio/DefaultVolume', approved: '50', found: '70' }]);
  });

  test('the hub starts again: the approvals and the drift are known at once, from its database', async () => {
    await hub.stop();
    await startHub();
    const { approved } = await getJson<{ approved: ApprovedConfig | null }>(
      `${hub.httpUrl}/api/rooms/${POLY_ROOM}/config`,
    );
    expect(approved).toMatchObject({
      kind: 'poly',
      values: { 'comm.nics.sipnic.sipproxyserver': 'mcu.hnth.example' },
    });
    await waitFor(
      'the rooms back',
      async () => (await room(CISCO_ROOM)).online && (await room(POLY_ROOM)).online,
    );
    expect((await driftOf(POLY_ROOM))?.params).toMatchObject({ found: 'rogue.example' });
    expect((await driftOf(CISCO_ROOM))?.params).toMatchObject({ found: '70' });
  });

  test('approving again accepts the change: the drift ends, and both approvals are in the audit log', async () => {
    const res = await apiRequest(hub.httpUrl, 'POST', `/api/rooms/${CISCO_ROOM}/config/approve`, {});
    expect(res.status).toBe(200);
    expect((res.body as Extract<Approval, { ok: true }>).approved.values['Audio/DefaultVolume']).toBe('70');
    await waitFor('no drift', async () => (await driftOf(CISCO_ROOM)) === undefined);
    const audit = (await apiRequest(hub.httpUrl, 'GET', '/api/audit?limit=50')).body as AuditEntry[];
    const approvals = audit.filter((e) => e.action === 'config.approve' && e.details.roomId === CISCO_ROOM);
    expect(approvals).toHaveLength(2);
    expect(approvals[0]!.details).toMatchObject({
      source: 'current',
      delivered: 'ok',
      drifts: 0,
      replaces: expect.any(String),
    });
  });

  test('a template from a room’s approval, applied to another room of the same kind; a silent room is 504', async () => {
    const created = await apiRequest(hub.httpUrl, 'POST', '/api/config/templates', {
      name: 'Cisco SX20 chuẩn',
      fromRoomId: CISCO_ROOM,
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: number }).id;
    const applied = await apiRequest(hub.httpUrl, 'POST', `/api/config/templates/${id}/apply`, {
      roomIds: ['ubnd-na-hang'],
    });
    expect(applied.status).toBe(200);
    // Stored as approved; not delivered, since that room has no agent in this test.
    expect((applied.body as Record<string, Approval>)['ubnd-na-hang']).toMatchObject({
      ok: true,
      approved: { source: `template:${id}` },
      delivered: { ok: false, code: 'timeout' },
    });
    const silent = await apiRequest(hub.httpUrl, 'POST', '/api/rooms/ubnd-na-hang/config/approve', {});
    expect(silent.status).toBe(504);
  });
});
