/** The embedded broker's login guard: client id bound to the room, password guessing cut short. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../hub/broker/embedded-broker.js';
import type { MqttIdentity } from '../../hub/security/mqtt-policy.js';
import { createLogger } from '../../shared/logger.js';

describe('the embedded broker’s login guard', () => {
  let broker: EmbeddedBroker;
  let checks = 0;
  const url = () => `mqtt://127.0.0.1:${broker.port}`;

  beforeAll(async () => {
    broker = await startEmbeddedBroker(
      { port: 0, host: '127.0.0.1', fallback: false, tls: null, allowPlain: false },
      {
        authenticate: async (username, password): Promise<MqttIdentity | null> => {
          checks++;
          return password === 'right' ? { kind: 'room', roomId: username } : null;
        },
        policy: { simInject: false },
        maxPayloadBytes: 1024,
        flood: { perSec: 10, burst: 10 },
        loginFailures: { maxFailures: 3, windowMs: 60_000 },
      },
      createLogger('t', 'silent'),
    );
  });
  afterAll(() => broker?.close());

  test('a room must use its room id as client id (it cannot take over another room’s session)', async () => {
    await expect(
      connectAsync(url(), {
        reconnectPeriod: 0,
        clientId: 'hdnd-tinh',
        username: 'tinh-uy',
        password: 'right',
      }),
    ).rejects.toThrow(/Identifier rejected/);
    const own = await connectAsync(url(), {
      reconnectPeriod: 0,
      clientId: 'tinh-uy',
      username: 'tinh-uy',
      password: 'right',
    });
    await own.endAsync();
  });

  test('after three wrong passwords from an address, it is refused without checking the password', async () => {
    const attempt = (password: string) =>
      connectAsync(url(), { reconnectPeriod: 0, clientId: 'tinh-uy', username: 'tinh-uy', password }).then(
        (c) => c.endAsync().then(() => 'connected'),
        (err: Error) => err.message,
      );
    const before = checks;
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await attempt('guess'));
    expect(answers.slice(0, 3)).toEqual(Array(3).fill('Connection refused: Bad username or password'));
    expect(answers.slice(3)).toEqual(Array(2).fill('Connection refused: Not authorized'));
    expect(checks - before).toBe(3);
    expect(await attempt('right')).toBe('Connection refused: Not authorized');
  });
});
