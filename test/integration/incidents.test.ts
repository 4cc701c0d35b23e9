import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import { FleetState } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import { IncidentTracker } from '../../hub/incidents/incident-tracker.js';
import { IncidentsRepo, incidentsMigrations } from '../../hub/incidents/incidents-repo.js';
import { defaultThresholds } from '../../hub/readiness.js';
import { rooms } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';
import type { TelemetryMessage } from '../../shared/schemas.js';
import {
  apiRequest,
  getJson,
  inject,
  liveClient,
  startTestAgent,
  startTestHub,
} from '../helpers/hub-harness.js';
import { onEachStore } from '../helpers/sql-stores.js';
import { waitFor } from '../helpers/wait.js';

const log = createLogger('test', 'silent');

onEachStore('incident tracker over the fleet state, in fake time', incidentsMigrations, (store) => {
  const t0 = Date.parse('2026-11-30T03:00:00.000Z');
  let nowMs = t0;
  const clock = () => new Date(nowMs);
  const telemetry = (codec: 'up' | 'down'): TelemetryMessage => ({
    v: 1,
    ts: clock().toISOString(),
    power: { mains: true, upsChargePct: 100, state: 'on' },
    climate: { tempC: 24, humidityPct: 55 },
    codec: { state: codec, inCall: false },
    link: { latencyMs: 20, jitterMs: 2, lossPct: 0 },
  });
  const config = { raiseAfterSec: 10, clearAfterSec: 60, networkOfflineFraction: 0.5, startupGraceSec: 120 };

  test('opens after the raise wait, survives a hub restart, closes after the clear wait', async () => {
    nowMs = t0;
    const fleet = new FleetState(rooms, defaultThresholds, clock());
    const tracker = new IncidentTracker(new IncidentsRepo(store.sql), fleet, config, log, undefined, clock);
    await tracker.restore();
    const opened: string[] = [];
    tracker.listen({ opened: (i) => opened.push(`${i.roomId}:${i.cause}@${i.openedAt}`) });
    fleet.listen({ transition: () => tracker.evaluate(clock()) });

    fleet.applyTelemetry('so-y-te', telemetry('down'), clock());
    nowMs += 5_000;
    tracker.evaluate();
    await tracker.idle();
    expect(opened).toEqual([]);
    nowMs += 5_000;
    fleet.applyTelemetry('so-y-te', telemetry('down'), clock());
    tracker.evaluate();
    // Decided at once, stored after: listeners hear of it once it is stored.
    expect(tracker.openCount()).toBe(1);
    await tracker.idle();
    expect(opened).toEqual(['so-y-te:codec.down@2026-11-30T03:00:00.000Z']);
    // 27 rooms never seen: within the startup grace they are no outage.
    expect(await new IncidentsRepo(store.sql).list({ state: 'open' })).toHaveLength(1);

    // A new tracker on the same store (hub restart, or another hub) keeps the incident and closes it.
    const fleet2 = new FleetState(rooms, defaultThresholds, clock());
    const repo2 = new IncidentsRepo(await store.another());
    const tracker2 = new IncidentTracker(repo2, fleet2, config, log, undefined, clock);
    await tracker2.restore();
    expect(tracker2.openCount()).toBe(1);
    fleet2.applyTelemetry('so-y-te', telemetry('up'), clock());
    tracker2.evaluate();
    nowMs += 59_000;
    fleet2.applyTelemetry('so-y-te', telemetry('up'), clock());
    tracker2.evaluate();
    await tracker2.idle();
    expect(await repo2.list({ state: 'open' })).toHaveLength(1);
    nowMs += 1_000;
    tracker2.evaluate();
    await tracker2.idle();
    expect(await repo2.list({ state: 'closed' })).toMatchObject([{ cause: 'codec.down', recoverSec: 10 }]);
  });

  test('after the startup grace, most rooms never seen is one network incident; the MCU down is one too', async () => {
    nowMs = t0;
    const fleet = new FleetState(rooms, defaultThresholds, clock());
    const repo = new IncidentsRepo(store.sql);
    let mcu: 'up' | 'down' = 'up';
    const tracker = new IncidentTracker(
      repo,
      fleet,
      { ...config, startupGraceSec: 30 },
      log,
      { state: () => mcu },
      clock,
    );
    for (const r of rooms.slice(0, 20)) fleet.applyTelemetry(r.id, telemetry('up'), clock());
    nowMs += 30_000;
    tracker.evaluate();
    nowMs += 10_000;
    tracker.evaluate();
    await tracker.idle();
    // 8 of 28 offline is not most: each is its own incident.
    expect((await repo.list({ state: 'open' })).map((i) => i.cause)).toEqual(Array(8).fill('room.offline'));
    mcu = 'down';
    tracker.evaluate();
    nowMs += 10_000;
    tracker.evaluate();
    await tracker.idle();
    const open = await repo.list({ state: 'open' });
    expect(open.filter((i) => i.cause === 'network.unreachable')).toHaveLength(1);
    expect(open).toHaveLength(9);
  });

  test('an older edge stored late (sent again after a later one) does not raise its flag again', async () => {
    nowMs = t0;
    const fleet = new FleetState(rooms, defaultThresholds, clock());
    const repo = new IncidentsRepo(store.sql);
    const tracker = new IncidentTracker(repo, fleet, { ...config, raiseAfterSec: 0 }, log, undefined, clock);
    fleet.applyTelemetry('so-y-te', telemetry('up'), clock());
    // mains.lost (seq 5) failed to store at first; mains.restored (seq 6) was stored, then 5 again.
    const edge = (type: string, bootId: string, seq: number) =>
      ({ type, severity: 'critical', data: {}, ts: clock().toISOString(), bootId, seq }) as const;
    tracker.onEvent('so-y-te', edge('mains.restored', 'b1', 6));
    tracker.onEvent('so-y-te', edge('mains.lost', 'b1', 5));
    await tracker.idle();
    expect(await repo.list({ state: 'open' })).toEqual([]);
    // The same sequence number after a reboot is a new edge.
    tracker.onEvent('so-y-te', edge('mains.lost', 'b2', 5));
    await tracker.idle();
    expect((await repo.list({ state: 'open' })).map((i) => i.cause)).toEqual(['mains.lost']);
  });

  test('in a hub group, a tracker standing by stores and tells nothing; taking over, it goes on from what the store has', async () => {
    nowMs = t0;
    const repo = new IncidentsRepo(store.sql);
    const hubs = [0, 1].map(() => {
      const fleet = new FleetState(rooms, defaultThresholds, clock());
      const tracker = new IncidentTracker(repo, fleet, config, log, undefined, clock);
      const told: string[] = [];
      tracker.listen({
        opened: (i) => told.push(`opened ${i.roomId}`),
        closed: (i) => told.push(`closed ${i.roomId}`),
      });
      return { fleet, tracker, told };
    });
    const [a, b] = hubs as [(typeof hubs)[0], (typeof hubs)[0]];
    await b.tracker.standBy();
    for (const hub of hubs) hub.fleet.applyTelemetry('so-y-te', telemetry('down'), clock());
    // Only B heard this room's fault (A missed it): B judges it open, and stores nothing.
    b.fleet.applyTelemetry('ubnd-tinh', telemetry('down'), clock());
    for (const hub of hubs) hub.tracker.evaluate();
    nowMs += 10_000;
    for (const hub of hubs) {
      hub.fleet.applyTelemetry('so-y-te', telemetry('down'), clock());
      hub.tracker.evaluate();
    }
    for (const hub of hubs) await hub.tracker.idle();
    expect(a.told).toEqual(['opened so-y-te']);
    expect(b.told).toEqual([]);
    expect(b.tracker.openCount()).toBe(2);
    expect((await repo.list({ state: 'open' })).map((i) => i.roomId)).toEqual(['so-y-te']);

    // A is gone; the fault it opened clears, and B takes over.
    await a.tracker.standBy();
    b.fleet.applyTelemetry('so-y-te', telemetry('up'), clock());
    b.tracker.evaluate();
    await b.tracker.takeOver();
    await b.tracker.idle();
    // The fault only B saw is opened now, dated when it began.
    expect(b.told).toEqual(['opened ubnd-tinh']);
    nowMs += 60_000;
    b.fleet.applyTelemetry('ubnd-tinh', telemetry('down'), clock());
    b.tracker.evaluate();
    await b.tracker.idle();
    expect(b.told).toEqual(['opened ubnd-tinh', 'closed so-y-te']);
    expect(a.told).toEqual(['opened so-y-te']);
    const all = await repo.list({ roomId: undefined });
    expect(all.map((i) => [i.roomId, i.openedAt, i.closedAt !== null])).toEqual([
      ['ubnd-tinh', new Date(t0).toISOString(), false],
      ['so-y-te', new Date(t0).toISOString(), true],
    ]);
  });

  test('a decision the store refuses is undone and decided again after a pause; nobody hears of it before', async () => {
    nowMs = t0;
    const fleet = new FleetState(rooms, defaultThresholds, clock());
    const real = new IncidentsRepo(store.sql);
    let refuse = true;
    const repo = Object.assign(Object.create(real) as IncidentsRepo, {
      open: (...args: Parameters<IncidentsRepo['open']>) =>
        refuse ? Promise.reject(new Error('disk I/O error')) : real.open(...args),
    });
    const tracker = new IncidentTracker(repo, fleet, { ...config, raiseAfterSec: 0 }, log, undefined, clock);
    const opened: string[] = [];
    tracker.listen({ opened: (i) => opened.push(i.cause) });
    fleet.applyTelemetry('so-y-te', telemetry('down'), clock());
    tracker.evaluate();
    await tracker.idle();
    expect(opened).toEqual([]);
    expect(tracker.openCount()).toBe(0);
    refuse = false;
    // Within the pause nothing is tried; after it, the same incident is decided and stored once.
    nowMs += 5_000;
    tracker.evaluate();
    await tracker.idle();
    expect(opened).toEqual([]);
    nowMs += 5_000;
    tracker.evaluate();
    tracker.evaluate();
    await tracker.idle();
    expect(opened).toEqual(['codec.down']);
    expect((await real.list({ state: 'open' })).map((i) => [i.cause, i.openedAt])).toEqual([
      ['codec.down', new Date(t0).toISOString()],
    ]);
  });
});

describe('incidents end to end: an agent, the API, /ws', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  const operator = { as: { role: 'operator' } } as const;

  beforeAll(async () => {
    hub = await startTestHub({
      'incidents.raiseAfterSec': 0,
      'incidents.clearAfterSec': 1,
      'incidents.checkSec': 1,
    });
    agent = await startTestAgent(hub.mqttUrl, 'ubnd-na-hang');
    const tech = {
      name: 'Nguyễn Văn An',
      unit: 'UBND huyện Na Hang',
      position: 'Chuyên viên',
      phone: '0912345678',
      email: 'an@nahang.gov.vn',
    };
    const put = await apiRequest(hub.httpUrl, 'PUT', '/api/contacts/rooms/ubnd-na-hang', tech, operator);
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
  });

  type Listed = {
    id: number;
    cause: string;
    closedAt: string | null;
    recoverSec: number | null;
    faultKind: string;
    contacts: { technician: { name: string; stale: boolean } | null; partners: unknown[] };
  };

  test('a codec down opens an incident shown with the room’s technician, then it closes on recovery', async () => {
    const live = await liveClient(hub.httpUrl);
    await inject(hub.mqttUrl, 'ubnd-na-hang', { codec: 'down' });
    const [incident] = await waitFor('incident open', async () => {
      const list = await getJson<Listed[]>(`${hub.httpUrl}/api/incidents?state=open&room=ubnd-na-hang`);
      return list.length > 0 && list;
    });
    expect(incident).toMatchObject({
      cause: 'codec.down',
      faultKind: 'equipment',
      contacts: { technician: { name: 'Nguyễn Văn An', stale: false }, partners: [] },
    });
    await waitFor('live incident', () =>
      live.messages.some((m) => m.type === 'incident' && m.change === 'opened'),
    );

    // Art. 10.2: another room's technician may not take it on; the room's own technician may.
    const otherRoom = await apiRequest(
      hub.httpUrl,
      'POST',
      `/api/incidents/${incident!.id}/ack`,
      { note: 'x' },
      { as: { role: 'technician', roomId: 'ubnd-ham-yen' } },
    );
    expect(otherRoom).toMatchObject({ status: 403, body: { code: 'not-own-room' } });
    const noNote = await apiRequest(hub.httpUrl, 'POST', `/api/incidents/${incident!.id}/ack`, {}, operator);
    expect(noNote).toMatchObject({ status: 400, body: { field: 'note' } });
    const ack = await apiRequest(
      hub.httpUrl,
      'POST',
      `/api/incidents/${incident!.id}/ack`,
      { note: 'đang thay cáp' },
      { as: { role: 'technician', roomId: 'ubnd-na-hang' } },
    );
    expect(ack).toMatchObject({
      status: 200,
      body: { ack: { note: 'đang thay cáp', by: 'tech-ubnd-na-hang (ubnd-na-hang)' } },
    });
    const twice = await apiRequest(
      hub.httpUrl,
      'POST',
      `/api/incidents/${incident!.id}/ack`,
      { note: 'again' },
      operator,
    );
    expect(twice).toMatchObject({ status: 409, body: { code: 'already-acknowledged' } });
    expect(
      (await apiRequest(hub.httpUrl, 'POST', '/api/incidents/424242/ack', { note: 'x' }, operator)).status,
    ).toBe(404);

    await inject(hub.mqttUrl, 'ubnd-na-hang', { codec: 'up' });
    const closed = await waitFor('incident closed', async () => {
      const list = await getJson<Listed[]>(`${hub.httpUrl}/api/incidents?state=closed&room=ubnd-na-hang`);
      return list[0];
    });
    expect(closed.id).toBe(incident!.id);
    expect(closed.recoverSec).toEqual(expect.any(Number));
    // A closed incident is history: nothing more is recorded on it.
    const late = await apiRequest(
      hub.httpUrl,
      'POST',
      `/api/incidents/${incident!.id}/ack`,
      { note: 'x' },
      operator,
    );
    expect(late).toMatchObject({ status: 409, body: { code: 'incident-closed' } });
    live.close();
  });

  test('the list filters by date range, and bad filters are named', async () => {
    const future = await getJson<Listed[]>(`${hub.httpUrl}/api/incidents?from=2099-01-01`);
    expect(future).toEqual([]);
    const all = await getJson<Listed[]>(
      `${hub.httpUrl}/api/incidents?from=2020-01-01&to=2099-01-01T00:00:00Z`,
    );
    expect(all.length).toBeGreaterThan(0);
    for (const [query, field] of [
      ['state=broken', 'state'],
      ['room=atlantis', 'room'],
      ['from=yesterday', 'from'],
      ['to=2026-02-30T25:00:00Z', 'to'],
      ['from=2026-02-01&to=2026-01-01', 'to'],
      ['limit=0', 'limit'],
    ]) {
      const res = await apiRequest(hub.httpUrl, 'GET', `/api/incidents?${query}`);
      expect([query, res.status, (res.body as { field: string }).field]).toEqual([query, 400, field]);
    }
  });
});
