/**
 * Issue 9: nothing lost across outages and crashes. A real Mosquitto is stopped for 60 s while an
 * agent keeps producing events; an agent is killed with its events still on disk; an agent's disk
 * fills up.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { SimHardware } from '../../agent/sim/sim-hardware.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import type { StoredEvent } from '../../hub/store/store.js';
import { createLogger } from '../../shared/logger.js';
import { getJson, spawnAgentProcess, startTestHub } from '../helpers/hub-harness.js';
import { type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

/** The issue asks for a 60 s outage: longer than keepalive, reconnect backoff and any in-flight window. */
const OUTAGE_MS = Number(process.env.HNTH_TEST_OUTAGE_MS ?? 60_000);

function simAgent(mqttUrl: string, roomId: string, dataDir: string) {
  const config = loadAgentConfig({
    env: { HNTH_MQTT_URL: mqttUrl, HNTH_TELEMETRY_INTERVAL: '0.2', HNTH_DATA_DIR: dataDir },
    args: ['--room', roomId, '--simulate'],
  });
  config.mqtt.reconnectMaxMs = 1000;
  const sim = new SimHardware(7);
  return { sim, agent: new Agent(config, { source: sim, sim, log: createLogger(roomId, 'silent') }) };
}

/** Flips the room's mains and waits until the agent has sampled it: one edge, one event. */
async function toggleMains(sim: SimHardware, agent: Agent, mains: boolean): Promise<void> {
  sim.inject({ mains });
  await waitFor(`the agent to see mains=${mains}`, () => agent.readings.power.mains === mains);
}

describe('outages and crashes, on a real Mosquitto', () => {
  let mosquitto: RunningMosquitto;
  let hub: RunningHub & { removeData(): void };
  const data = tempDir('hnth-outage-');

  beforeAll(async () => {
    mosquitto = await startMosquitto();
    hub = await startTestHub({ 'mqtt.url': mosquitto.url });
  });
  afterAll(async () => {
    await hub?.stop();
    hub?.removeData();
    await mosquitto?.stop();
    data.remove();
  });

  const events = (room: string) =>
    getJson<StoredEvent[]>(`${hub.httpUrl}/api/rooms/${room}/events?limit=1000`);

  test('the broker down for 60 s while the agent keeps producing events: every event stored once, in order', async () => {
    const { sim, agent } = simAgent(mosquitto.url, 'ubnd-son-duong', path.join(data.path, 'a'));
    await agent.start();
    await agent.connected;
    try {
      let edges = 0;
      const toggle = async (mains: boolean) => {
        await toggleMains(sim, agent, mains);
        edges++;
      };
      await toggle(false);
      await toggle(true);
      await mosquitto.down();
      const outageEnds = Date.now() + OUTAGE_MS;
      let mains = true;
      while (Date.now() < outageEnds) {
        mains = !mains;
        await toggle(mains);
      }
      if (!mains) await toggle(true);
      await mosquitto.up();
      const expected = edges + 1; // and agent.started
      const mine = await waitFor(
        'every event of this boot in the hub',
        async () => {
          const list = (await events('ubnd-son-duong')).filter((e) => e.bootId === agent.bootId);
          const maxSeq = Math.max(...list.map((e) => e.seq));
          return list.length === maxSeq + 1 && list.length >= expected && list;
        },
        30_000,
      );
      expect(mine).toHaveLength(expected);
      const inStoreOrder = [...mine].reverse();
      expect(inStoreOrder.map((e) => e.seq)).toEqual(inStoreOrder.map((_e, i) => i));
      expect(new Set(mine.map((e) => e.seq)).size).toBe(mine.length);
      expect(inStoreOrder[0]?.type).toBe('agent.started');
      const types = inStoreOrder.slice(1).map((e) => e.type);
      expect(types.every((t, i) => t === (i % 2 === 0 ? 'mains.lost' : 'mains.restored'))).toBe(true);
    } finally {
      await agent.stop();
    }
  }, 120_000);

  test('an agent killed with events still on disk sends them after it restarts', async () => {
    const dir = path.join(data.path, 'b');
    await mosquitto.down();
    // Started with the broker down: its `agent.started` event can only wait in the outbox.
    const first = await spawnAgentProcess(mosquitto.url, 'ubnd-ham-yen', dir);
    const log = path.join(dir, 'outbox', 'ubnd-ham-yen.log');
    await waitFor('the event in the outbox on disk', () => {
      try {
        return execFileSync('wc', ['-c', log]).toString().trim().split(' ')[0] !== '0';
      } catch {
        return false;
      }
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    await mosquitto.up();
    const before = (await events('ubnd-ham-yen')).length;
    expect(before).toBe(0);
    const second = await spawnAgentProcess(mosquitto.url, 'ubnd-ham-yen', dir);
    try {
      const list = await waitFor('both boots’ agent.started in the hub', async () => {
        const l = await events('ubnd-ham-yen');
        return new Set(l.filter((e) => e.type === 'agent.started').map((e) => e.bootId)).size === 2 && l;
      });
      expect(list.filter((e) => e.type === 'agent.started')).toHaveLength(2);
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
  });

  test('a full disk: the agent keeps running and the hub shows why the room is degraded', async () => {
    const mount = path.join(data.path, 'small-disk');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mount]);
    try {
      const { sim, agent } = simAgent(mosquitto.url, 'so-y-te', mount);
      await agent.start();
      await agent.connected;
      try {
        try {
          writeFileSync(path.join(mount, 'filler'), Buffer.alloc(64 * 1024));
        } catch {
          // ENOSPC is the point: the disk is now full
        }
        await toggleMains(sim, agent, false);
        const room = await waitFor('the room degraded for its outbox', async () => {
          const v = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/so-y-te`);
          return v.readiness.reasons.some((r) => /^outbox disk nearly full: \d+ KiB free$/.test(r)) && v;
        });
        expect(room.online).toBe(true);
        // The event written while the disk was full still reached the hub, from memory.
        await waitFor('mains.lost stored despite the full disk', async () =>
          (await events('so-y-te')).some((e) => e.type === 'mains.lost' && e.bootId === agent.bootId),
        );
      } finally {
        await agent.stop();
      }
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});
