import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync, type MqttClient } from 'mqtt';
import { AdapterSource } from '../../agent/adapter-source.js';
import { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { HostMonitor } from '../../agent/sensors/host.js';
import { edgeConfigFrom } from '../../agent/sensors/room-sensors.js';
import { UpsGpioSensor } from '../../agent/sensors/ups-gpio.js';
import { createLogger } from '../../shared/logger.js';
import { decodeMessage, type EventMessage, type TelemetryMessage } from '../../shared/schemas.js';
import { HUB_STATUS_TOPIC, roomTopic } from '../../shared/topics.js';
import { fakeCommands, prints } from '../fakes/fake-commands.js';
import { FakeGpioPort } from '../fakes/fake-gpio.js';
import { type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

describe('a real agent on GPIO and host adapters', () => {
  let mosquitto: RunningMosquitto;
  let watcher: MqttClient;
  let agent: Agent;
  const gpio = new FakeGpioPort();
  const data = tempDir('hnth-agent-sensors-');
  const events: EventMessage[] = [];
  const telemetry: TelemetryMessage[] = [];

  beforeAll(async () => {
    mosquitto = await startMosquitto();
    watcher = await connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    watcher.on('message', (topic, payload) => {
      if (topic.endsWith('/events')) {
        const d = decodeMessage('events', payload);
        if (d.ok) events.push(d.message);
      } else {
        const d = decodeMessage('telemetry', payload);
        if (d.ok) telemetry.push(d.message);
      }
    });
    await watcher.subscribeAsync([roomTopic('tinh-uy', 'events'), roomTopic('tinh-uy', 'telemetry')]);
    // The watcher stands in for the hub: agents send their outbox once the hub says it is online.
    await watcher.publishAsync(
      HUB_STATUS_TOPIC,
      JSON.stringify({ v: 1, state: 'online', ts: new Date().toISOString() }),
      { qos: 1, retain: true },
    );
    // A telemetry interval far longer than the test: any event it sees came from an edge.
    const config = loadAgentConfig({
      env: {
        HNTH_ROOM_ID: 'tinh-uy',
        HNTH_MQTT_URL: mosquitto.url,
        HNTH_TELEMETRY_INTERVAL: '600',
        HNTH_DATA_DIR: data.path,
      },
    });
    gpio.set('GPIO17', 0); // mains present, active-low contact
    const ups = new UpsGpioSensor(gpio, { mains: { line: 'GPIO17', activeLow: true }, debounceMs: 0 });
    const host = new HostMonitor(
      { dataDir: data.path, toolsIntervalSec: 60 },
      fakeCommands({ timedatectl: prints('no\n') }),
      {
        cpuTempC: async () => 50,
        memUsedPct: async () => 30,
        load1: () => 0.2,
        uptimeSec: () => 1000,
        diskFreeMb: async () => 4000,
      },
    );
    agent = new Agent(config, {
      source: new AdapterSource({ ups, host }, () => 'on'),
      log: createLogger('tinh-uy', 'silent'),
      edges: edgeConfigFrom(config.sensors),
    });
    await agent.start();
    await agent.connected;
    await waitFor('the first telemetry', () => telemetry[0]);
  });
  afterAll(async () => {
    await agent?.stop();
    await watcher?.endAsync();
    await mosquitto?.stop();
    data.remove();
  });

  test('the first telemetry carries the GPIO levels and the host section, valid on the wire', () => {
    expect(telemetry[0]?.power).toMatchObject({ mains: true, upsChargePct: null, upsLowBattery: null });
    expect(telemetry[0]?.host).toMatchObject({ cpuTempC: 50, clockSynced: false, throttled: null });
  });

  test('a mains edge on the line becomes mains.lost at once, not at the next tick', async () => {
    gpio.set('GPIO17', 1);
    const lost = await waitFor('mains.lost', () => events.find((e) => e.type === 'mains.lost'));
    expect(lost.severity).toBe('critical');
    gpio.set('GPIO17', 0);
    await waitFor('mains.restored', () => events.find((e) => e.type === 'mains.restored'));
    expect(telemetry.at(-1)?.power.mains).toBe(true);
  });

  test('stopping the agent releases the GPIO line', async () => {
    await agent.stop();
    const before = events.length;
    gpio.set('GPIO17', 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.length).toBe(before);
  });
});
