/**
 * The foundation's path from a simulated room to the dashboard, run against each broker the hub
 * supports: agents come up READY, an injected mains failure reaches the API and `/ws`, and an
 * agent that dies without a clean disconnect is shown OFFLINE through its last will.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import type { StoredEvent } from '../../hub/store/store.js';
import {
  getJson,
  inject,
  liveClient,
  spawnAgentProcess,
  startTestAgent,
  startTestHub,
} from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

export interface BrokerUnderTest {
  hubOverrides: Record<string, unknown>;
  stop(): Promise<void>;
}

const roomIds = ['tinh-uy', 'ubnd-na-hang', 'so-tttt'];

export function fleetPathSuite(name: string, startBroker: () => Promise<BrokerUnderTest>): void {
  describe(`the path from a room to the dashboard (${name})`, () => {
    let broker: BrokerUnderTest;
    let hub: RunningHub & { removeData(): void };
    let agents: Agent[] = [];
    let live: Awaited<ReturnType<typeof liveClient>>;

    const room = (id: string) => getJson<RoomView>(`${hub.httpUrl}/api/rooms/${id}`);

    beforeAll(async () => {
      broker = await startBroker();
      hub = await startTestHub(broker.hubOverrides);
      live = await liveClient(hub.httpUrl);
      agents = await Promise.all(roomIds.map((id) => startTestAgent(hub.mqttUrl, id)));
    });

    afterAll(async () => {
      live?.close();
      await Promise.all(agents.map((a) => a.stop()));
      await hub?.stop();
      hub?.removeData();
      await broker?.stop();
    });

    test('three simulated agents come up READY', async () => {
      await waitFor('3 rooms READY', async () => {
        const all = await getJson<RoomView[]>(`${hub.httpUrl}/api/rooms`);
        return roomIds.every((id) => all.find((r) => r.id === id)?.readiness.level === 'READY');
      });
      const all = await getJson<RoomView[]>(`${hub.httpUrl}/api/rooms`);
      expect(all).toHaveLength(28);
      const r = all.find((x) => x.id === 'tinh-uy')!;
      expect(r).toMatchObject({ online: true, readiness: { level: 'READY', reasons: [] } });
      expect(r.readings?.power.mains).toBe(true);
      expect(all.find((x) => x.id === 'ubnd-son-duong')?.readiness.level).toBe('OFFLINE');
    });

    test('mains lost in a room reaches the events API and /ws, with a reason that names mains', async () => {
      const seen = live.messages.length;
      await inject(hub.mqttUrl, 'ubnd-na-hang', { mains: false });
      const events = await waitFor('mains.lost in the events API', async () => {
        const list = await getJson<StoredEvent[]>(`${hub.httpUrl}/api/rooms/ubnd-na-hang/events?limit=10`);
        return list.some((e) => e.type === 'mains.lost') && list;
      });
      expect(events[0]).toMatchObject({ roomId: 'ubnd-na-hang', type: 'mains.lost', severity: 'critical' });
      await waitFor('mains.lost on /ws', () =>
        live.messages
          .slice(seen)
          .some((m) => m.type === 'event' && (m.event as StoredEvent).type === 'mains.lost'),
      );
      const update = await waitFor('a room update naming mains on /ws', () =>
        live.messages
          .slice(seen)
          .find(
            (m) =>
              m.type === 'room' &&
              (m.room as RoomView).id === 'ubnd-na-hang' &&
              (m.room as RoomView).readiness.reasons.some((r) => /mains/.test(r)),
          ),
      );
      expect((update.room as RoomView).readiness.level).toBe('DEGRADED');
      expect((await room('ubnd-na-hang')).readiness.reasons[0]).toMatch(/^mains lost, on UPS \d+/);

      await inject(hub.mqttUrl, 'ubnd-na-hang', { mains: true });
      await waitFor('mains restored', async () => (await room('ubnd-na-hang')).readiness.level === 'READY');
    });

    test('an agent that dies without disconnecting is shown OFFLINE through its last will', async () => {
      const child = await spawnAgentProcess(hub.mqttUrl, 'ubnd-lam-binh');
      try {
        await waitFor(
          'the spawned agent READY',
          async () => (await room('ubnd-lam-binh')).readiness.level === 'READY',
          20_000,
        );
      } catch (err) {
        child.kill('SIGKILL');
        throw err;
      }
      child.kill('SIGKILL');
      const r = await waitFor('OFFLINE', async () => {
        const v = await room('ubnd-lam-binh');
        return v.readiness.level === 'OFFLINE' && v;
      });
      expect(r.online).toBe(false);
      expect(r.readiness.reasons[0]).toMatch(/^offline, last seen /);
    });
  });
}
