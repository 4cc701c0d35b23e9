import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import { startTestAgent, startTestHub, testMqttClient } from '../helpers/hub-harness.js';

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
    const forger = await testMqttClient(hub.mqttUrl, { clientId: 'ubnd-lam-binh' });
    try {
      forger.on('message', (_topic, payload) => {
        const cmd = JSON.parse(payload.toString());
        void forger.publishAsync(
          'hnth/v1/rooms/ubnd-lam-binh/replies',
          JSON.stringify({
            v: 1,
            id: cmd.id,
            name: 'ping',
            ok: true,
            result: { forged: true },
            ts: new Date().toISOString(),
          }),
        );
      });
      await forger.subscribeAsync('hnth/v1/rooms/ubnd-yen-son/cmd/+');
      const outcome = await hub.commands.send('ubnd-yen-son', 'ping', {}, { timeoutMs: 5000 });
      expect(outcome.ok).toBe(true);
      expect(outcome.result).toEqual({ bootId: agent.bootId, version: expect.any(String) });
    } finally {
      await forger.endAsync();
    }
  });
});
