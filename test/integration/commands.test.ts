import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import type { ReplyMessage } from '../../shared/schemas.js';
import { startTestAgent, startTestHub, testMqttClient } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

describe('commands from the hub to a room, on the embedded broker', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;

  beforeAll(async () => {
    hub = await startTestHub();
    agent = await startTestAgent(hub.mqttUrl, 'ubnd-yen-son');
  });
  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
  });

  test('a command is answered by the right room', async () => {
    const outcome = await hub.commands.send('ubnd-yen-son', 'ping', {}, { timeoutMs: 5000 });
    expect(outcome).toMatchObject({
      roomId: 'ubnd-yen-son',
      name: 'ping',
      ok: true,
      result: { bootId: agent.bootId },
    });
  });

  test('an unknown command comes back refused', async () => {
    const outcome = await hub.commands.send('ubnd-yen-son', 'self.destruct', {}, { timeoutMs: 5000 });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
  });

  test('an expired command is not executed', async () => {
    const outcome = await hub.commands.send('ubnd-yen-son', 'ping', {}, { timeoutMs: 5000, ttlMs: -1 });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'expired' } });
  });

  test('a room that does not answer is a timeout outcome, not an error', async () => {
    const outcome = await hub.commands.send('ubnd-na-hang', 'ping', {}, { timeoutMs: 300 });
    expect(outcome).toMatchObject({ roomId: 'ubnd-na-hang', ok: false, error: { code: 'timeout' } });
  });

  test('a reply forged by another room is ignored', async () => {
    // The spy stands in for whatever told the forger the command's id (the broker's ACL keeps a room
    // from reading another's commands, so this checks the hub's own guard behind it).
    const spy = await testMqttClient(hub.mqttUrl);
    const forger = await testMqttClient(hub.mqttUrl, {}, { room: 'ubnd-lam-binh' });
    try {
      spy.on('message', (_topic, payload) => {
        const cmd = JSON.parse(payload.toString());
        const forged = {
          v: 1,
          id: cmd.id,
          name: 'ping',
          ok: true,
          result: { forged: true },
          ts: new Date().toISOString(),
        };
        void forger.publishAsync('hnth/v1/rooms/ubnd-lam-binh/replies', JSON.stringify(forged), { qos: 1 });
      });
      await spy.subscribeAsync('hnth/v1/rooms/so-noi-vu/cmd/+', { qos: 1 });
      // so-noi-vu has no agent: the only reply is the forged one, and it must not count.
      const outcome = await hub.commands.send('so-noi-vu', 'ping', {}, { timeoutMs: 1500 });
      expect(outcome).toMatchObject({ roomId: 'so-noi-vu', ok: false, error: { code: 'timeout' } });
    } finally {
      await forger.endAsync();
      await spy.endAsync();
    }
  });

  test('the round trip to the hub’s broker is measured and reported in telemetry', async () => {
    const timed = await startTestAgent(hub.mqttUrl, 'so-gddt', 0.2, { HNTH_MQTT_RTT_EVERY: '0.1' });
    try {
      const rtt = await waitFor('mqttRttMs in the room’s readings', () => {
        const v = hub.fleet.view('so-gddt')?.readings?.link.mqttRttMs;
        return v;
      });
      expect(rtt).toBeGreaterThanOrEqual(0);
      expect(rtt).toBeLessThan(10_000);
    } finally {
      await timed.stop();
    }
  });

  test('commands sent while a room was away reach it when it returns, unless expired (persistent session)', async () => {
    const room = 'so-tu-phap';
    const data = tempDir('hnth-away-');
    const env = { HNTH_DATA_DIR: data.path };
    const spy = await testMqttClient(hub.mqttUrl);
    const replies: ReplyMessage[] = [];
    spy.on('message', (_topic, payload) => replies.push(JSON.parse(payload.toString())));
    await spy.subscribeAsync(`hnth/v1/rooms/${room}/replies`, { qos: 1 });
    try {
      const first = await startTestAgent(hub.mqttUrl, room, 0.5, env);
      await first.stop(); // a clean stop: the broker keeps the room's session
      const kept = await hub.commands.send(room, 'ping', {}, { timeoutMs: 100, ttlMs: 60_000 });
      // Valid for 1 ms: expired long before the room is back (the wait for its reply alone is 100 ms).
      const stale = await hub.commands.send(room, 'ping', {}, { timeoutMs: 100, ttlMs: 1 });
      expect([kept.ok, stale.ok]).toEqual([false, false]); // nobody answered while away
      const back = await startTestAgent(hub.mqttUrl, room, 0.5, env);
      try {
        const answers = await waitFor('both queued commands answered', () => {
          const a = replies.find((r) => r.id === kept.id);
          const b = replies.find((r) => r.id === stale.id);
          return a && b && { a, b };
        });
        expect(answers.a).toMatchObject({ ok: true, result: { bootId: back.bootId } });
        expect(answers.b).toMatchObject({ ok: false, error: { code: 'expired' } });
      } finally {
        await back.stop();
      }
    } finally {
      await spy.endAsync();
      data.remove();
    }
  });
});
