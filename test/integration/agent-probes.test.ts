/**
 * A real (not simulated) agent with its probes configured: an xAPI codec (the documented fake) whose
 * configuration has drifted, and the MCU on loopback; what the hub shows and stores of it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgent } from '../../agent/create-agent.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import type { StoredEvent } from '../../hub/store/store.js';
import { createLogger } from '../../shared/logger.js';
import { type FakeXapiCodec, startFakeXapiCodec } from '../fakes/fake-xapi-codec.js';
import { brokerPassword, getJson, startTestHub } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-ham-yen';

describe('an agent with real probes', () => {
  let codec: FakeXapiCodec;
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  const room = () => getJson<RoomView>(`${hub.httpUrl}/api/rooms/${ROOM}`);
  const events = () => getJson<StoredEvent[]>(`${hub.httpUrl}/api/rooms/${ROOM}/events`);

  const data = tempDir('hnth-agent-');

  beforeAll(async () => {
    codec = await startFakeXapiCodec();
    codec.state.configuration.defaultVolume = '80';
    hub = await startTestHub();
    const config = loadAgentConfig({
      env: {
        HNTH_ROOM_ID: ROOM,
        HNTH_MQTT_URL: hub.mqttUrl,
        HNTH_TELEMETRY_INTERVAL: '0.3',
        HNTH_CODEC_KIND: 'xapi',
        HNTH_CODEC_URL: codec.url,
        HNTH_CODEC_USERNAME: 'hnth',
        HNTH_CODEC_PASSWORD: 'secret',
        HNTH_LINK_MCU_HOST: '127.0.0.1',
        HNTH_MQTT_USERNAME: ROOM,
        HNTH_MQTT_PASSWORD: await brokerPassword(hub.mqttUrl, ROOM)!,
        HNTH_DATA_DIR: data.path,
      },
    });
    Object.assign(config.probes.codec, { intervalSec: 0.2, baseline: { 'Audio/DefaultVolume': '50' } });
    Object.assign(config.probes.link, { intervalSec: 0.5, count: 2 });
    // Power control with the codec's standby as its one output (art. 6.3).
    config.power.outputs = [{ name: 'codec', kind: 'codec-standby', ratedW: 150 }];
    agent = createAgent(config, createLogger(ROOM, 'silent'));
    await agent.start();
  });
  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
    data.remove();
    await codec?.close();
  });

  test('the codec and the link to the MCU reach the hub, with no codec or link cause against the room', async () => {
    const view = await waitFor('codec and link readings', async () => {
      const v = await room();
      return v.readings?.codec.state === 'up' && v.readings.link.lossPct === 0 ? v : undefined;
    });
    expect(view.readings).toMatchObject({
      codec: { state: 'up', inCall: false, detail: 'ce11.14.1.5.47f3d6, standby Off' },
      link: { lossPct: 0, latencyMs: expect.any(Number) },
    });
    // No codec or link cause, and no climate sensor configured is no fault. What this machine says
    // of its own clock (the agent reads the real host) is not the test's to choose: set it apart;
    // the drifted configuration is a cause of its own (art. 5.3, the next test), whenever it arrives.
    expect(
      view.readiness.causes
        .filter((c) => !/clock/.test(c.code) && c.code !== 'config.drift')
        .map((c) => c.code),
    ).toEqual([]);
  });

  test('the drifted configuration value is stored at the hub as config.drift, naming it', async () => {
    const drift = await waitFor('config.drift stored', async () =>
      (await events()).find((e) => e.type === 'config.drift'),
    );
    expect(drift).toMatchObject({
      severity: 'warning',
      data: { changed: 1, key: 'Audio/DefaultVolume', approved: '50', found: '80' },
    });
    // And shown in readiness with the key, the approved and the found value.
    const cause = await waitFor('config.drift in readiness', async () =>
      (await room()).readiness.causes.find((c) => c.code === 'config.drift'),
    );
    expect(cause).toMatchObject({
      level: 'DEGRADED',
      params: { key: 'Audio/DefaultVolume', approved: '50', found: '80' },
    });
  });

  test('a camera lost at the codec makes the room NOT_READY with the reason', async () => {
    codec.state.cameraConnected = false;
    const view = await waitFor('room NOT_READY', async () => {
      const v = await room();
      return v.readiness.level === 'NOT_READY' ? v : undefined;
    });
    expect(view.readiness.reasons).toContain('codec down: Camera Cisco Quad Camera lost');
    await waitFor('codec.down stored', async () => (await events()).some((e) => e.type === 'codec.down'));
  });

  test('power control puts the Cisco codec in standby through xAPI, and wakes it', async () => {
    const off = await hub.commands.send(
      ROOM,
      'power.off',
      { force: true, reason: 'test' },
      { timeoutMs: 10_000 },
    );
    expect(off).toMatchObject({ ok: true, result: { power: 'off' } });
    expect(codec.state.standby).toBe('Standby');
    const on = await hub.commands.send(ROOM, 'power.on', { reason: 'test' }, { timeoutMs: 10_000 });
    expect(on).toMatchObject({ ok: true, result: { power: 'on' } });
    expect(codec.state.standby).toBe('Off');
  });
});
