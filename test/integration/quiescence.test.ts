/**
 * The scenarios' settle through a real Mosquitto (test/helpers/quiescence.ts): it must wait for what
 * the broker passes on, and several callers at one instant must not keep each other from settling.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { testMqttClient } from '../helpers/hub-harness.js';
import { type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { quiescentThrough, watchSockets } from '../helpers/quiescence.js';

const TOPIC = 'quiescence/test';

describe('settling through Mosquitto', () => {
  let mosquitto: RunningMosquitto;
  let sender: MqttClient;
  let receiver: MqttClient;
  const received: string[] = [];
  let settle: () => Promise<void>;

  beforeAll(async () => {
    watchSockets();
    mosquitto = await startMosquitto();
    [sender, receiver] = await Promise.all([testMqttClient(mosquitto.url), testMqttClient(mosquitto.url)]);
    receiver.on('message', (_topic, payload) => received.push(payload.toString()));
    await receiver.subscribeAsync(TOPIC, { qos: 0 });
    // Short: a settle of two idle clients takes milliseconds, and a settle that cannot end fails fast.
    settle = quiescentThrough(mosquitto.port, () => 0, { timeoutMs: 5_000 });
  });

  afterAll(async () => {
    await Promise.all([sender?.endAsync(), receiver?.endAsync()]);
    await mosquitto?.stop();
  });

  test('what a client published has reached the subscriber once it resolves', async () => {
    // QoS 0: no acknowledgement to wait on, only the broker's forwarding.
    sender.publish(TOPIC, 'one');
    await settle();
    expect(received).toEqual(['one']);
  });

  test('five callers at one instant each settle (their pings are not each other’s traffic)', async () => {
    sender.publish(TOPIC, 'two');
    await expect(Promise.all([1, 2, 3, 4, 5].map(() => settle()))).resolves.toHaveLength(5);
    expect(received).toEqual(['one', 'two']);
  });
});
