/**
 * Issue 18.1: a room that floods the hub with the costliest payloads it can build (deep nesting,
 * escapes, many keys; test/helpers/worst-payloads.ts) does not freeze it. In the issue one room
 * sending 20 such messages a second through Mosquitto held the API for 32 s, past the unit's
 * WatchdogSec. Here the hub runs in its own process behind a real Mosquitto (which has no rate
 * limit of its own), the hub's own cut-off of flooding rooms is set out of reach so the flood goes
 * on, and the room sends ten times that rate while /api/health is asked again and again.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, test } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { roomTopic } from '../../shared/topics.js';
import { startHubProcess } from '../helpers/hub-harness.js';
import { freePort, type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';
import { worstPayloads } from '../helpers/worst-payloads.js';

const ROOM = 'ubnd-lam-binh';
const PER_SEC = 200;
const FLOOD_MS = 3000;

interface Health {
  ingest: { accepted: number; rejected: Record<string, number> };
}

describe('a flood of worst-case payloads', () => {
  const data = tempDir('hnth-flood-');
  let mosquitto: RunningMosquitto | undefined;
  let hub: ChildProcess | undefined;
  afterAll(async () => {
    hub?.kill('SIGKILL');
    await mosquitto?.stop();
    data.remove();
  });

  test(`at ${PER_SEC} messages/s leaves /api/health answering, and every message is counted`, async () => {
    mosquitto = await startMosquitto();
    const started = await startHubProcess([data.path, String(await freePort()), String(await freePort())], {
      'mqtt.url': mosquitto.url,
      'mqtt.floodPerSec': 1_000_000,
      'mqtt.floodBurst': 1_000_000,
    });
    hub = started.child;
    const health = async () => (await (await fetch(`${started.httpUrl}/api/health`)).json()) as Health;
    const counted = (h: Health) =>
      h.ingest.accepted + Object.values(h.ingest.rejected).reduce((a, b) => a + b, 0);
    const before = counted(await health());

    const room = await connectAsync(mosquitto.url, { clientId: ROOM, reconnectPeriod: 0 });
    const payloads = worstPayloads();
    let sent = 0;
    const total = (PER_SEC * FLOOD_MS) / 1000;
    const floodStart = Date.now();
    // Catches up with the clock on each tick: on a busy machine the timer fires late, and the room
    // then sends the messages it owes in one burst (harder on the hub, never fewer messages).
    const sendOwed = (upTo: number) => {
      for (; sent < Math.min(upTo, total); sent++) {
        const { channel, payload } = payloads[sent % payloads.length]!;
        room.publish(roomTopic(ROOM, channel), payload, { qos: 1 });
      }
    };
    const flood = setInterval(() => sendOwed(Math.floor(((Date.now() - floodStart) * PER_SEC) / 1000)), 10);
    const latencies: number[] = [];
    const until = Date.now() + FLOOD_MS;
    while (Date.now() < until) {
      const t = performance.now();
      const res = await fetch(`${started.httpUrl}/api/health`);
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      expect(res.status).toBe(200);
    }
    clearInterval(flood);
    sendOwed(total);
    const last = await waitFor('every flood message counted by the hub', async () => {
      const h = await health();
      return counted(h) - before >= sent && h;
    });
    await room.endAsync();

    expect(sent).toBe(total);
    expect(last.ingest.rejected.internal).toBe(0);
    expect(last.ingest.rejected['too-deep']).toBeGreaterThan(0);
    // The target is 50 ms, measured by `npm run bench` ("flood of worst-case payloads").
    // Here the broker, the flooding client and this test share two cores with the hub (and CI runs
    // other suites beside it), so the bound is 40 times that: still 15 times shorter than the freeze
    // the issue measured, and well inside the unit's WatchdogSec (30 s).
    expect(Math.max(...latencies)).toBeLessThan(2000);
  });
});
