/**
 * Issue 17: two hubs of a group on one PostgreSQL track the incidents as one. A room's fault reaches
 * one hub (a shared subscription), its clearing perhaps another: A holds the lease and decides, from
 * its own news and B's. Each incident is opened once and closed once, each with one notice; an
 * acknowledgement made on B holds on A and reaches A's dashboards; when A, the opener, stops, B takes
 * over and closes A's incident when the fault clears.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RunningHub } from '../../hub/hub.js';
import type { Incident } from '../../hub/incidents/incidents-repo.js';
import { type EventMessage, SCHEMA_VERSION, type StatusMessage } from '../../shared/schemas.js';
import { roomTopic } from '../../shared/topics.js';
import { apiRequest, getJson, liveClient, startTestHub } from '../helpers/hub-harness.js';
import { startReceiver } from '../helpers/notify-peers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { sendNominal } from '../helpers/room-messages.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'so-y-te';
const BOOT = 'boot-group-incidents';

type Hub = RunningHub & { removeData(): void };
let db: TestDatabase;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let a: Hub;
let b: Hub;
let aStopped = false;

let settings: Record<string, unknown>;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver(0);
  settings = {
    'store.url': db.url,
    'incidents.raiseAfterSec': 1,
    'incidents.clearAfterSec': 1,
    'incidents.checkSec': 1,
    // No room sends a status here: none counts as offline, only the events' faults are judged.
    'incidents.startupGraceSec': 3600,
    'notify.webhooks': [{ url: receiver.url, minSeverity: 'warning' }],
    'notify.webhookBackoffMs': 10,
  };
  a = await startTestHub(settings);
  b = await startTestHub(settings);
});
afterAll(async () => {
  for (const hub of [b, a]) if (!(hub === a && aStopped)) await hub?.stop();
  a?.removeData();
  b?.removeData();
  await receiver?.close();
  await db?.drop();
});

const sendNominalTo = (hub: Hub) => sendNominal(hub, ROOM, BOOT);

/** The room's event, as its agent sends it, reaching `hub` (the one the shared subscription chose). */
function sendEvent(hub: Hub, seq: number, type: EventMessage['type']): void {
  const event: EventMessage = {
    v: SCHEMA_VERSION,
    type,
    severity: type === 'codec.down' ? 'critical' : 'info',
    data: {},
    ts: new Date().toISOString(),
    bootId: BOOT,
    seq,
  };
  expect(hub.ingest.handle(roomTopic(ROOM, 'events'), Buffer.from(JSON.stringify(event)))).toBeNull();
}

const incidentsOn = (hub: Hub) => getJson<Incident[]>(`${hub.httpUrl}/api/incidents?room=${ROOM}`);
const notices = (event: 'opened' | 'closed') =>
  receiver.received.filter((r) => r.body.event === event && r.body.roomId === ROOM);

/** Every notice either hub has decided is sent: what the receiver holds is all there will be. */
async function settled(...hubs: Hub[]): Promise<void> {
  for (const hub of hubs) await hub.incidents.idle();
  for (const hub of hubs) await hub.notifier.idle();
}

describe('incidents in a hub group', () => {
  let incident: Incident;

  test('a fault whose event reached the hub standing by opens one incident, with one notice', async () => {
    expect(a.onceOnly.held && !b.onceOnly.held).toBe(true);
    sendNominalTo(a);
    sendNominalTo(b);
    sendEvent(b, 1, 'codec.down');
    incident = await waitFor('the incident on A', async () => {
      const open = (await incidentsOn(a)).filter((i) => i.closedAt === null);
      return open.length > 0 && open[0];
    });
    expect(incident).toMatchObject({ roomId: ROOM, cause: 'codec.down', closedAt: null });
    // A decided it from B's news; B judged it too, and stood by: nothing of it stored or told.
    expect(a.incidents.openCount()).toBe(1);
    await waitFor('B to judge it open', () => b.incidents.openCount() === 1);
    await waitFor('the opening notice', () => notices('opened').length > 0);
    await settled(a, b);
    expect(await incidentsOn(a)).toEqual([incident]);
    expect(await incidentsOn(b)).toEqual([incident]);
    expect(notices('opened')).toHaveLength(1);
  });

  test('an acknowledgement made on B holds on A and reaches A’s dashboards; a second is refused on A', async () => {
    const live = await liveClient(a.httpUrl);
    try {
      const acked = await apiRequest(b.httpUrl, 'POST', `/api/incidents/${incident.id}/ack`, {
        note: 'Đã cử kỹ thuật viên',
      });
      expect(acked.status).toBe(200);
      const [onA] = await incidentsOn(a);
      expect(onA?.ack).toMatchObject({ note: 'Đã cử kỹ thuật viên' });
      await waitFor('A’s dashboard told of the acknowledgement', () =>
        live.messages.some((m) => m.type === 'incident' && m.change === 'acknowledged'),
      );
      const again = await apiRequest(a.httpUrl, 'POST', `/api/incidents/${incident.id}/ack`, {
        note: 'lần hai',
      });
      expect(again.status).toBe(409);
    } finally {
      live.close();
    }
  });

  test('the fault cleared as the other hub hears it: closed once, with one notice', async () => {
    sendNominalTo(a);
    sendEvent(a, 2, 'codec.up');
    const [closed] = await waitFor('the incident closed', async () => {
      const list = await incidentsOn(b);
      return list.every((i) => i.closedAt !== null) && list;
    });
    expect(closed).toMatchObject({ id: incident.id, ack: { note: 'Đã cử kỹ thuật viên' } });
    await waitFor('B to judge it closed', () => b.incidents.openCount() === 0);
    await waitFor('the closing notice', () => notices('closed').length > 0);
    await settled(a, b);
    expect(notices('closed')).toHaveLength(1);
  });

  test('the opener stopped, the other takes over and closes its incident when the fault clears, once, with one notice', async () => {
    // Raised as A hears it: A opens the incident, B only judges it.
    sendNominalTo(a);
    sendEvent(a, 3, 'codec.down');
    const [second] = await waitFor('the second incident on B', async () => {
      const open = (await incidentsOn(b)).filter((i) => i.closedAt === null);
      return open.length > 0 && open;
    });
    await waitFor('its opening notice', () => notices('opened').length === 2);
    await waitFor('B to judge it open', () => b.incidents.openCount() === 1);
    await a.stop();
    aStopped = true;
    await waitFor('B to take the once-only work', () => b.onceOnly.held);
    sendNominalTo(b);
    sendEvent(b, 4, 'codec.up');
    await waitFor('the second incident closed', async () =>
      (await incidentsOn(b)).every((i) => i.closedAt !== null),
    );
    await waitFor('its closing notice', () => notices('closed').length === 2);
    await settled(b);
    expect((await incidentsOn(b)).map((i) => i.id).sort()).toEqual([incident.id, second!.id].sort());
    expect(notices('opened')).toHaveLength(2);
    expect(notices('closed')).toHaveLength(2);
  });

  test('a room its UPS shut down, the shutdown stored by a hub standing by, is offline as expected on the hub deciding', async () => {
    const c = await startTestHub(settings);
    try {
      expect(b.onceOnly.held && !c.onceOnly.held).toBe(true);
      const room = 'so-gtvt';
      const status = (state: 'online' | 'offline'): StatusMessage => ({
        v: SCHEMA_VERSION,
        state,
        version: 'test',
        bootId: 'boot-ups',
        ts: new Date().toISOString(),
      });
      const shutdown: EventMessage = {
        v: SCHEMA_VERSION,
        type: 'ups.shutdown',
        severity: 'critical',
        data: { reason: 'battery low' },
        ts: new Date().toISOString(),
        bootId: 'boot-ups',
        seq: 1,
      };
      const online = Buffer.from(JSON.stringify(status('online')));
      for (const hub of [b, c]) expect(hub.ingest.handle(roomTopic(room, 'status'), online)).toBeNull();
      // The event reaches C alone (the shared subscription); the room's last will, both.
      expect(c.ingest.handle(roomTopic(room, 'events'), Buffer.from(JSON.stringify(shutdown)))).toBeNull();
      const offline = Buffer.from(JSON.stringify(status('offline')));
      for (const hub of [b, c]) expect(hub.ingest.handle(roomTopic(room, 'status'), offline)).toBeNull();
      await waitFor(
        'B to show it off by its UPS',
        () => b.fleet.view(room)?.readiness.power.state === 'off-ups',
      );
      expect(c.fleet.view(room)?.readiness.power.state).toBe('off-ups');
    } finally {
      await c.stop();
      c.removeData();
    }
  });
});
