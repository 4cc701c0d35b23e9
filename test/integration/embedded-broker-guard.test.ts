/**
 * The embedded broker's guard: client id bound to the room, password guessing throttled per
 * (address, account) without locking out the other rooms behind the same address (issue 18.3),
 * oversized usernames refused before anything looks at them, and the flood limit kept per account
 * across reconnects (issue 18.2).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../hub/broker/embedded-broker.js';
import type { MqttIdentity } from '../../hub/security/mqtt-policy.js';
import { createLogger } from '../../shared/logger.js';
import { roomTopic } from '../../shared/topics.js';
import { waitFor } from '../helpers/wait.js';

describe('the embedded broker’s login guard', () => {
  let broker: EmbeddedBroker;
  const checked: string[] = [];
  const flooded: string[] = [];
  const url = () => `mqtt://127.0.0.1:${broker.port}`;
  const attempt = (username: string, password: string, clientId = username) =>
    connectAsync(url(), { reconnectPeriod: 0, clientId, username, password }).then(
      (c) => c.endAsync().then(() => 'connected'),
      (err: Error) => err.message,
    );

  beforeAll(async () => {
    broker = await startEmbeddedBroker(
      { port: 0, host: '127.0.0.1', fallback: false, tls: null, allowPlain: false },
      {
        authenticate: async (username, password): Promise<MqttIdentity | null> => {
          checked.push(username);
          return password === 'right' ? { kind: 'room', roomId: username } : null;
        },
        policy: { simInject: false },
        maxPayloadBytes: 1024,
        flood: { perSec: 1, burst: 10 },
        onFlood: (roomId) => flooded.push(roomId),
        logins: {
          perPair: { maxFailures: 3, windowMs: 60_000 },
          perAddress: {
            freeFailures: 5,
            windowMs: 60_000,
            firstDelayMs: 100,
            maxDelayMs: 100,
            maxWaiting: 2,
          },
        },
      },
      createLogger('t', 'silent'),
    );
  });
  afterAll(() => broker?.close());

  test('a room must use its room id as client id (it cannot take over another room’s session)', async () => {
    expect(await attempt('tinh-uy', 'right', 'hdnd-tinh')).toMatch(/Identifier rejected/);
    expect(await attempt('tinh-uy', 'right')).toBe('connected');
  });

  test('after three wrong passwords for a room from an address, that room is refused from it without a check', async () => {
    const before = checked.length;
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await attempt('ubnd-na-hang', 'guess'));
    expect(answers.slice(0, 3)).toEqual(Array(3).fill('Connection refused: Bad username or password'));
    expect(answers.slice(3)).toEqual(Array(2).fill('Connection refused: Not authorized'));
    expect(checked.length - before).toBe(3);
    expect(await attempt('ubnd-na-hang', 'right')).toBe('Connection refused: Not authorized');
  });

  test('another room behind the same address (a shared NAT) still logs in with its right password, slowed', async () => {
    for (let i = 0; i < 5; i++) await attempt('ubnd-lam-binh', 'guess');
    // Six failures from this address now: past the five free ones, each attempt waits first.
    const began = performance.now();
    expect(await attempt('ubnd-son-duong', 'right')).toBe('connected');
    expect(performance.now() - began).toBeGreaterThanOrEqual(100);
  });

  test('a username over 64 characters is refused without being checked', async () => {
    const before = checked.length;
    expect(await attempt('x'.repeat(65), 'right', 'x')).toBe('Connection refused: Bad username or password');
    expect(checked.length).toBe(before);
  });

  test('a room over its rate is disconnected, and logging in again does not refill its allowance', async () => {
    const room = 'ubnd-ham-yen';
    const first = await connectAsync(url(), {
      reconnectPeriod: 0,
      clientId: room,
      username: room,
      password: 'right',
    });
    for (let i = 0; i < 20 && first.connected; i++)
      first.publish(roomTopic(room, 'telemetry'), `m${i}`, { qos: 0 });
    await waitFor('the flooding room disconnected', () => !first.connected);
    expect(flooded).toEqual([room]);
    // Back at once: its bucket is as empty as it left it, so its first messages are over the rate.
    const again = await connectAsync(url(), {
      reconnectPeriod: 0,
      clientId: room,
      username: room,
      password: 'right',
    });
    for (let i = 0; i < 3 && again.connected; i++)
      again.publish(roomTopic(room, 'telemetry'), `n${i}`, { qos: 0 });
    await waitFor('the room disconnected again', () => !again.connected);
    expect(flooded).toEqual([room, room]);
    await Promise.all([first.endAsync(true), again.endAsync(true)]);
  });
});
