/**
 * Issue 17: two hubs as processes on one PostgreSQL and one Mosquitto (a shared subscription group),
 * simulated rooms, a meeting booked on A. A, holding the once-only work, is killed with SIGKILL while
 * its rehearsal runs: B takes the work within 10 s and finishes that rehearsal (one run, resumed, not
 * started again), and a user logged in on A reads the meeting, the rehearsal and the room's events
 * on B, each event stored once. Both hubs sign the group's one audit chain with one key, as
 * deploy/ha's hubs do (the same `audit.dir`): after the kill it still verifies over both hubs' rows.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { OnceOnlyState } from '../../hub/once-only-work.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import type { RehearsalReport } from '../../hub/schedule/rehearsal-report.js';
import type { Rehearsal } from '../../hub/schedule/rehearsals-repo.js';
import type { StoredEvent } from '../../hub/store/store.js';
import {
  type ApiSession,
  apiRequest,
  type HubProcess,
  inject,
  login,
  startHubProcess,
  startTestAgent,
} from '../helpers/hub-harness.js';
import { freePort, type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const MIN = 60_000;
const HOST = 'ubnd-tinh';
/** Its agent comes only after the kill: the rehearsal stays open until then, re-checking it. */
const LATE = 'ubnd-chiem-hoa';

let db: TestDatabase;
let mosquitto: RunningMosquitto;
const dataA = tempDir('hnth-failover-a-');
const dataB = tempDir('hnth-failover-b-');
/** The group's audit folder, holding the one key both hubs sign with (deploy/ha/hub-a.json, hub-b.json). */
const audit = tempDir('hnth-failover-audit-');
const children: ChildProcess[] = [];
const agents: Agent[] = [];
let a: HubProcess;
let b: HubProcess;

async function startHub(dir: string, clientId: string): Promise<HubProcess> {
  const hub = await startHubProcess([dir, String(await freePort()), String(await freePort())], {
    'store.url': db.url,
    'mqtt.url': mosquitto.url,
    'mqtt.protocolVersion': 5,
    'mqtt.sharedGroup': 'hnth-hub',
    'mqtt.clientId': clientId,
    'audit.dir': audit.path,
    'schedule.rehearseTimeoutSec': 3,
    // A room not ready is checked again every 3 s.
    'schedule.recheckMin': 0.05,
    'schedule.inspectionCron': '',
  });
  children.push(hub.child);
  return hub;
}

beforeAll(async () => {
  db = await createTestDatabase();
  mosquitto = await startMosquitto();
  a = await startHub(dataA.path, 'hub-a');
  b = await startHub(dataB.path, 'hub-b');
  agents.push(await startTestAgent(mosquitto.url, HOST, 0.3));
}, 60_000);
afterAll(async () => {
  for (const agent of agents) await agent.stop();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await mosquitto?.stop();
  await db?.drop();
  dataA.remove();
  dataB.remove();
  audit.remove();
});

const get = async <T>(hub: HubProcess, path: string, session: ApiSession): Promise<T> => {
  const res = await apiRequest(hub.httpUrl, 'GET', path, undefined, session);
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
  return res.body as T;
};
const held = async (hub: HubProcess) =>
  (
    (await apiRequest(hub.httpUrl, 'GET', '/api/health', undefined, null)).body as {
      onceOnlyWork: OnceOnlyState;
    }
  ).onceOnlyWork.held;

describe('the hub doing the once-only work killed with SIGKILL during a rehearsal window', () => {
  test('the other takes the work within 10 s, the rehearsal finishes once, and a user of A reads it all on B', async () => {
    // Each hub process set the operator's password as it started; B's, the later, is the one.
    const onA = await login(a.httpUrl, 'op', b.operatorPassword);
    expect(await held(a)).toBe(true);
    expect(await held(b)).toBe(false);

    // An emergency meeting 70 min away, booked on A: its T-2h slot runs at once, deadline in 10 min.
    const start = new Date(Date.now() + 70 * MIN);
    const booked = await apiRequest(
      a.httpUrl,
      'POST',
      '/api/meetings',
      {
        title: 'Ứng phó lũ quét',
        kind: 'committee',
        hostRoomId: HOST,
        roomIds: [HOST, LATE],
        start: start.toISOString(),
        end: new Date(start.getTime() + 60 * MIN).toISOString(),
        emergency: { reason: 'flood' },
      },
      onA,
    );
    expect(booked.status).toBe(201);
    const meeting = booked.body as Meeting;
    const rehearsal = await waitFor('A to start the rehearsal', async () => {
      const { rehearsals } = await get<{ rehearsals: Rehearsal[] }>(a, `/api/meetings/${meeting.id}`, onA);
      return rehearsals[0];
    });
    const report = (hub: HubProcess) => get<RehearsalReport>(hub, `/api/rehearsals/${rehearsal.id}`, onA);
    await waitFor('A’s first pass', async () => (await report(a)).checkedAt !== null, 15_000);

    // The room lives on: its events go to whichever hub the broker deals them to.
    const events = (hub: HubProcess) => get<StoredEvent[]>(hub, `/api/rooms/${HOST}/events?limit=1000`, onA);
    for (const mains of [false, true, false, true]) {
      await inject(mosquitto.url, HOST, { mains });
      await waitFor(`the room to see mains=${mains}`, () => agents[0]!.readings.power.mains === mains);
    }
    const before = await waitFor(
      'the mains events stored',
      async () => {
        const list = await events(a);
        return list.filter((e) => e.type.startsWith('mains.')).length >= 4 && list;
      },
      15_000,
    );
    expect((await report(a)).status).toBe('running');

    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((resolve) => a.child.once('exit', resolve));
    await waitFor('B to take the work', () => held(b), 10_000);
    expect(Date.now() - killedAt).toBeLessThan(10_000);

    // The late room's agent comes: B's next re-check finds it ready and the rehearsal done.
    agents.push(await startTestAgent(mosquitto.url, LATE, 0.3));
    const done = await waitFor(
      'B to finish the rehearsal',
      async () => {
        const r = await report(b);
        return r.status === 'done' && r;
      },
      30_000,
    );
    expect(done.verdict).toBe('go');
    // Checked once by A and ready then: B resumed the run without checking it again.
    expect(done.rooms.find((r) => r.roomId === HOST)).toMatchObject({ verdict: 'go', attempts: 1 });
    expect(done.rooms.find((r) => r.roomId === LATE)?.verdict).toBe('go');
    // One run for the slot, not one per hub.
    const { rehearsals } = await get<{ rehearsals: Rehearsal[] }>(b, `/api/meetings/${meeting.id}`, onA);
    expect(rehearsals.map((r) => r.id)).toEqual([rehearsal.id]);

    // Events the room makes after the kill reach B: with A's own status gone, B's still says a hub
    // is online, so the room sends rather than holding them. Every event of its boot, each once.
    for (const mains of [false, true]) {
      await inject(mosquitto.url, HOST, { mains });
      await waitFor(
        `the room to see mains=${mains} after the kill`,
        () => agents[0]!.readings.power.mains === mains,
      );
    }
    const boot = agents[0]!.bootId;
    await waitFor(
      'every event of the boot on B',
      async () => {
        const list = (await events(b)).filter((e) => e.bootId === boot);
        return (
          list.filter((e) => e.type.startsWith('mains.')).length >= 6 &&
          list.length === Math.max(...list.map((e) => e.seq)) + 1
        );
      },
      30_000,
    );

    // A's session works on B, and B reads every event stored before the kill, each once.
    const after = await events(b);
    for (const e of before) expect(after).toContainEqual(e);
    const keys = after.map((e) => `${e.bootId}/${e.seq}`);
    expect(new Set(keys).size).toBe(keys.length);

    // One audit chain over both hubs' rows: A's login before the kill, B's after it.
    const onB = await login(b.httpUrl, 'op', b.operatorPassword);
    const logins = await db.direct.query<{ id: number }>(
      "SELECT id::int AS id FROM audit_log WHERE action = 'login' ORDER BY id",
    );
    expect(logins.rows).toHaveLength(2);
    const verdict = await get<{ ok: boolean; rows: number }>(b, '/api/audit/verification', onB);
    expect(verdict).toMatchObject({ ok: true, complete: true });
    expect(verdict.rows).toBeGreaterThanOrEqual(logins.rows[1]!.id);
  }, 90_000);
});
