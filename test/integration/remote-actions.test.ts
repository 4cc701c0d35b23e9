/**
 * The operator's remote actions from the API (issue 19, item 6), against a simulated controller, a
 * room watching a Cisco codec fake and one watching a Poly fake: codec standby, wake, restart and the
 * controller's reboot, outside and inside a change freeze; each audited with its outcome.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgent } from '../../agent/create-agent.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import type { AuditEntry } from '../../hub/security/audit-log.js';
import { createLogger } from '../../shared/logger.js';
import { type FakePolyCodec, startFakePolyCodec } from '../fakes/fake-poly-codec.js';
import { type FakeXapiCodec, startFakeXapiCodec } from '../fakes/fake-xapi-codec.js';
import { apiRequest, brokerPassword, getJson, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const SIM = 'so-y-te';
const CISCO = 'ubnd-yen-son';
const POLY = 'ubnd-son-duong';

describe('remote actions from the room page', () => {
  const data = tempDir('hnth-remote-');
  let hub: RunningHub & { removeData(): void };
  let cisco: FakeXapiCodec;
  let poly: FakePolyCodec;
  const agents: Agent[] = [];

  const realAgent = async (
    roomId: string,
    kind: 'xapi' | 'poly',
    url: string,
    user: string,
    password: string,
  ) => {
    const config = loadAgentConfig({
      env: {
        HNTH_ROOM_ID: roomId,
        HNTH_MQTT_URL: hub.mqttUrl,
        HNTH_MQTT_USERNAME: roomId,
        HNTH_MQTT_PASSWORD: brokerPassword(hub.mqttUrl, roomId)!,
        HNTH_TELEMETRY_INTERVAL: '0.3',
        HNTH_CODEC_KIND: kind,
        HNTH_CODEC_URL: url,
        HNTH_CODEC_USERNAME: user,
        HNTH_CODEC_PASSWORD: password,
        HNTH_DATA_DIR: data.path,
        HNTH_HOST: 'false',
      },
    });
    config.probes.codec.intervalSec = 0.2;
    // The Cisco room's one power output is its codec's standby (art. 6.3).
    if (kind === 'xapi') config.power.outputs = [{ name: 'codec', kind: 'codec-standby', ratedW: 60 }];
    const agent = createAgent(config, createLogger(roomId, 'silent'));
    agents.push(agent);
    await agent.start();
    await agent.connected;
  };
  const act = (roomId: string, body: Record<string, unknown>) =>
    apiRequest(hub.httpUrl, 'POST', `/api/rooms/${roomId}/actions`, body);
  const audit = async () =>
    (await apiRequest(hub.httpUrl, 'GET', '/api/audit?limit=100')).body as AuditEntry[];

  beforeAll(async () => {
    hub = await startTestHub({ 'remoteActions.timeoutSec': 3 });
    [cisco, poly] = await Promise.all([startFakeXapiCodec(), startFakePolyCodec()]);
    agents.push(await startTestAgent(hub.mqttUrl, SIM));
    await realAgent(CISCO, 'xapi', cisco.url, 'hnth', 'secret');
    await realAgent(POLY, 'poly', poly.url, 'admin', 'Polycom12#');
  }, 30_000);
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await hub?.stop();
    hub?.removeData();
    data.remove();
    await Promise.all([cisco?.close(), poly?.close()]);
  });

  test('a Cisco room: standby and wake reach the codec, a restart is its SystemUnit Boot', async () => {
    expect((await act(CISCO, { action: 'codec.standby' })).body).toMatchObject({
      ok: true,
      result: { standby: true },
    });
    expect(cisco.state.standby).toBe('Standby');
    expect((await act(CISCO, { action: 'codec.wake' })).body).toMatchObject({
      ok: true,
      result: { standby: false },
    });
    expect(cisco.state.standby).toBe('Off');
    expect((await act(CISCO, { action: 'codec.restart' })).status).toBe(200);
    expect(cisco.state.commands.at(-1)).toBe(
      '<Command><SystemUnit><Boot><Action>Restart</Action></Boot></SystemUnit></Command>',
    );
  });

  test('a Poly room: a restart is its system reboot; standby and wake its REST API has not, and the room says so', async () => {
    expect((await act(POLY, { action: 'codec.restart', reason: 'hình bị đứng' })).status).toBe(200);
    expect(poly.state.requests).toContain('POST /rest/system/reboot');
    const before = poly.state.requests.length;
    for (const action of ['codec.standby', 'codec.wake']) {
      const answer = await act(POLY, { action, ...(action === 'codec.standby' ? { force: true } : {}) });
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({
        code: 'refused',
        error:
          'no codec standby: this room’s Poly codec takes no standby or wake through its REST API (it sleeps on its own timer)',
      });
      const entry = (await audit()).find((e) => e.action === `room.${action}` && e.details.roomId === POLY);
      expect(entry).toMatchObject({ code: 'refused' });
    }
    // Nothing was asked of the codec beyond its usual reading.
    expect(
      poly.state.requests
        .slice(before)
        .filter((r) => !/^(GET \/rest\/(system|system\/status|conferences)|POST \/rest\/session)$/.test(r)),
    ).toEqual([]);
  });

  test('a simulated room: its codec restarts and is back after its boot; its controller reboots (offline)', async () => {
    expect((await act(SIM, { action: 'codec.restart' })).body).toMatchObject({
      ok: true,
      result: { restarting: true },
    });
    await waitFor('the codec back after its boot', async () => {
      const room = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${SIM}`);
      return room.readings?.codec.state === 'up';
    });
    expect((await act(SIM, { action: 'controller.reboot', reason: 'cập nhật phần mềm' })).body).toMatchObject(
      {
        ok: true,
        result: { rebooting: true },
      },
    );
    await waitFor(
      'the controller gone',
      async () => !(await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${SIM}`)).online,
    );
  });

  test('inside a meeting’s change freeze: refused naming it, but a wake; forced, with a written reason, audited with its outcome', async () => {
    const start = new Date(Date.now() + 10 * 60_000);
    const booked = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
      title: 'Họp khẩn ứng phó bão',
      kind: 'committee',
      hostRoomId: CISCO,
      roomIds: [CISCO],
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      emergency: { reason: 'storm' },
    });
    expect(booked.status).toBe(201);
    const meetingId = (booked.body as { id: string }).id;
    for (const action of ['codec.standby', 'codec.restart', 'controller.reboot']) {
      const refused = await act(CISCO, { action });
      expect([action, refused.status]).toEqual([action, 409]);
      expect(refused.body).toMatchObject({ code: 'freeze', freeze: { meetingId, window: 'meeting' } });
    }
    expect((await act(CISCO, { action: 'codec.wake' })).status).toBe(200);
    expect((await act(CISCO, { action: 'codec.restart', force: true })).body).toMatchObject({
      code: 'reason-required',
    });
    const forced = await act(CISCO, {
      action: 'codec.restart',
      force: true,
      reason: 'codec treo, khởi động lại',
    });
    expect(forced.status).toBe(200);
    const entries = (await audit()).filter(
      (e) =>
        e.action === 'room.codec.restart' && e.details.roomId === CISCO && e.details.freeze === meetingId,
    );
    // Newest first: forced and done, forced without a reason, refused by the freeze.
    expect(entries.map((e) => [e.result, e.code, e.details.freeze])).toEqual([
      ['ok', null, meetingId],
      ['refused', 'reason-required', meetingId],
      ['refused', 'freeze', meetingId],
    ]);
    expect(entries[0]!.details).toMatchObject({ force: true, reason: 'codec treo, khởi động lại' });
    await apiRequest(hub.httpUrl, 'DELETE', `/api/meetings/${meetingId}`);
  });

  test('an unknown action is 400 naming the ones there are', async () => {
    const res = await act(CISCO, { action: 'self-destruct' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(
      /codec\.standby, codec\.wake, codec\.restart, controller\.reboot/,
    );
  });
});
