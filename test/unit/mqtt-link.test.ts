/**
 * The link's own scheduling: when it retries (the injected random source and timers decide, no
 * real time passes) and how long a stop may take when the broker does not answer.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, test } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { loadAgentConfig } from '../../agent/config.js';
import { MqttLink, STOP_STEP_MS } from '../../agent/link/mqtt-link.js';
import { createLogger } from '../../shared/logger.js';
import { FakeTimers, settle } from '../fakes/fake-timers.js';

/** A stand-in for mqtt.js's client: the test says when it connects, closes, or answers. */
class FakeClient extends EventEmitter {
  connected = false;
  reconnects = 0;
  ended: boolean[] = [];
  destroyed = false;
  /** Whether the broker acknowledges a QoS 1 publish (false: it hangs). */
  answers = true;
  readonly stream = { destroy: () => (this.destroyed = true) };
  reconnect() {
    this.reconnects++;
  }
  publish() {}
  subscribe() {}
  publishAsync() {
    return this.answers ? Promise.resolve() : new Promise(() => {});
  }
  endAsync(force: boolean) {
    this.ended.push(force);
    return this.answers || force ? Promise.resolve() : new Promise(() => {});
  }
  up() {
    this.connected = true;
    this.emit('connect');
  }
  down() {
    this.connected = false;
    this.emit('close');
  }
}

const config = loadAgentConfig({ env: { HNTH_ROOM_ID: 'tinh-uy' } }).mqtt;
const identity = { roomId: 'tinh-uy', bootId: 'b', version: 't' };

function link(random: () => number) {
  const client = new FakeClient();
  const timers = new FakeTimers();
  const l = new MqttLink(config, identity, createLogger('t', 'silent'), {
    connect: () => client as unknown as MqttClient,
    timers,
    random,
  });
  void l.start();
  return { client, timers, link: l };
}

describe('reconnecting', () => {
  test('each attempt waits the drawn time; the ceiling grows with failures and resets on connect', async () => {
    const { client, timers } = link(() => 0.5);
    client.up();
    client.down(); // lost: ceiling 4 s, half of the way from 1 s = 2.5 s
    await timers.advance(2499);
    expect(client.reconnects).toBe(0);
    await timers.advance(1);
    expect(client.reconnects).toBe(1);
    client.down(); // that attempt failed: ceiling 8 s → 4.5 s
    await timers.advance(4499);
    expect(client.reconnects).toBe(1);
    await timers.advance(1);
    expect(client.reconnects).toBe(2);
    client.up();
    client.down(); // connected in between: back to the first ceiling
    await timers.advance(2500);
    expect(client.reconnects).toBe(3);
  });

  test('one attempt is scheduled at a time, and none after stop', async () => {
    const { client, timers, link: l } = link(() => 0);
    client.down();
    client.down();
    expect(timers.pending).toBe(1);
    await l.stop();
    expect(timers.pending).toBe(0);
    client.down();
    await timers.advance(60_000);
    expect(client.reconnects).toBe(0);
  });
});

describe('stopping', () => {
  test('a broker that answers: `offline`, then a clean DISCONNECT', async () => {
    const { client, link: l } = link(() => 0);
    client.up();
    await l.stop();
    expect(client.ended).toEqual([false]);
    expect(client.destroyed).toBe(false);
  });

  test('a broker that hangs after accepting the connection: given up after two bounded steps', async () => {
    const { client, timers, link: l } = link(() => 0);
    client.up();
    client.answers = false;
    let stopped = false;
    void l.stop().then(() => {
      stopped = true;
    });
    await timers.advance(STOP_STEP_MS - 1);
    expect(stopped).toBe(false);
    await timers.advance(1);
    await settle();
    expect(stopped).toBe(true);
    // No DISCONNECT is waited for on a broker that did not take `offline`: the socket is closed.
    expect(client.ended).toEqual([true]);
  });

  test('no broker at all: the socket attempt is closed at once', async () => {
    const { client, link: l } = link(() => 0);
    await l.stop();
    expect(client.ended).toEqual([true]);
  });
});
