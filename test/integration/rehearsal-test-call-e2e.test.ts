/**
 * A rehearsal end to end from a switched-off room, with its test call (issue 19): the hub names
 * the MCU's test conference and test number; a simulated room that idled off is switched on, its
 * codec boots, it places the test call and the controller's line test, lists its peripherals, and
 * goes back off; the verdict names line, sound, picture and peripherals with what was measured, and
 * the figures stay with the rehearsal. Then the MCU's test conference refuses, and a camera is
 * unplugged: told apart, each with whose it is to fix.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import type { Incident } from '../../hub/incidents/incidents-repo.js';
import type { YearlyReport } from '../../hub/report/yearly-report.js';
import type { RehearsalReport } from '../../hub/schedule/rehearsal-report.js';
import type { CallResult, Rehearsal } from '../../hub/schedule/rehearsals-repo.js';
import { apiRequest, getJson, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-chiem-hoa';

describe('a rehearsal with its test call, from a switched-off room', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;

  beforeAll(async () => {
    hub = await startTestHub({
      'schedule.rehearseTimeoutSec': 30,
      'schedule.inspectionCron': '',
      'testCall.dialString': 'test@mcu.hnth.example',
      'testCall.measureSec': 2,
      'testCall.lineTestUri': 'sip:9999@10.0.0.5:5060',
      'testCall.lineTestSec': 1,
      'peripherals.expected': { cameras: 1, microphones: 2, touchPanels: 1, displays: 1 },
      'incidents.raiseAfterSec': 0,
      'incidents.checkSec': 1,
    });
    // Idles off within a second of nothing scheduled; decides every 0.2 s.
    agent = await startTestAgent(hub.mqttUrl, ROOM, 0.5, {
      HNTH_POWER_QUIET_MIN: '0.01',
      HNTH_POWER_TICK: '0.2',
    });
  });
  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
  });

  const rehearse = async () => {
    const res = await apiRequest(hub.httpUrl, 'POST', '/api/rehearsals', { roomIds: [ROOM] });
    expect(res.status).toBe(202);
    return waitFor(
      'the rehearsal done',
      async () => {
        const r = await getJson<RehearsalReport>(
          `${hub.httpUrl}/api/rehearsals/${(res.body as Rehearsal).id}`,
        );
        return r.status === 'done' && r;
      },
      25_000,
    );
  };
  const check = (r: RehearsalReport, name: string) =>
    r.rooms[0]!.latest!.checks.find((c) => c.check === name)!;

  test('power on, boot, test call, line test, verdict with all four checks, back off', async () => {
    await waitFor(
      'the room idled off',
      () => agent.readings.power.state === 'off' && agent.readings.power.decision === 'idle',
    );
    const r = await rehearse();
    const latest = r.rooms[0]!.latest!;
    expect(latest.verdict).toBe('go');
    expect(JSON.parse(latest.powerOn.detail)).toMatchObject({ found: 'off', on: true });
    expect(Object.fromEntries(latest.checks.map((c) => [c.check, c.status]))).toEqual({
      power: 'pass',
      climate: 'pass',
      codec: 'pass',
      link: 'pass',
      peripherals: 'pass',
      sip: 'pass',
      line: 'pass',
      sound: 'pass',
      picture: 'pass',
    });
    expect(check(r, 'picture')).toMatchObject({
      detail: 'picture both ways, 1920x1080 at 30 frames/s',
      evidence: { resolution: '1920x1080', frameRate: 30, limitHeightPx: 720, limitFrameRate: 25 },
    });
    expect(check(r, 'line').evidence).toMatchObject({ limitLossPct: 5, lineRttMs: expect.any(Number) });
    expect(latest.calls?.testCall).toMatchObject({ outcome: 'connected', dialled: 'test@mcu.hnth.example' });
    expect(latest.calls?.lineTest).toMatchObject({ outcome: 'answered', target: 'sip:9999@10.0.0.5:5060' });
    // Back off as it was found; the test call is over.
    await waitFor('the room back off', () => agent.readings.power.state === 'off');
    expect(agent.readings.codec.inCall).toBe(false);
    // The figures last: the room's history of test calls.
    const history = await getJson<CallResult[]>(`${hub.httpUrl}/api/rooms/${ROOM}/test-calls?limit=5`);
    expect(history[0]).toMatchObject({ rehearsalId: r.id, calls: { testCall: { outcome: 'connected' } } });
    expect(history[0]!.checks.map((c) => c.check)).toEqual([
      'peripherals',
      'sip',
      'line',
      'sound',
      'picture',
    ]);
  });

  test('the MCU’s test conference refuses: sip fails as the operator’s, the line still good', async () => {
    await inject(hub.mqttUrl, ROOM, { mcuAnswer: 'reject' });
    const r = await rehearse();
    expect(check(r, 'sip')).toMatchObject({
      status: 'fail',
      fault: 'operator',
      detail: expect.stringMatching(/^test call rejected/),
    });
    expect(check(r, 'line').status).toBe('pass');
    expect(check(r, 'sound')).toMatchObject({
      status: 'not-run',
      detail: 'the test call did not connect (rejected)',
    });
    expect(r.rooms[0]!.latest!.failures).toEqual([
      expect.objectContaining({ check: 'sip', responsible: [{ kind: 'operator' }] }),
    ]);
    await inject(hub.mqttUrl, ROOM, { mcuAnswer: 'answer' });
  });

  test('a camera unplugged: peripherals fail as the technician’s, and its incident is the codec’s', async () => {
    await inject(hub.mqttUrl, ROOM, { camera: false });
    const r = await rehearse();
    expect(check(r, 'peripherals')).toMatchObject({
      status: 'fail',
      fault: 'equipment',
      detail: 'missing: cameras 0 of 1 connected',
      evidence: { cameras: 0, camerasExpected: 1 },
    });
    expect(r.rooms[0]!.latest!.failures).toEqual([
      expect.objectContaining({
        check: 'peripherals',
        responsible: [{ kind: 'room-technician', roomId: ROOM }],
      }),
    ]);
    // The room is off again and its readiness says nothing of the camera: the rehearsal's finding
    // opens the incident, and the codec's goes to the technician (line: the telecom partner).
    const incident = await waitFor('the codec incident', async () =>
      (await getJson<Incident[]>(`${hub.httpUrl}/api/incidents?state=open`)).find((i) => i.roomId === ROOM),
    );
    expect(incident.cause).toBe('codec.down');
    await inject(hub.mqttUrl, ROOM, { camera: true });
  });

  test('the yearly report counts the test calls and line tests (art. 12.5)', async () => {
    // The year in Vietnam (UTC+7), as the report counts it.
    const year = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    const report = await getJson<YearlyReport>(`${hub.httpUrl}/api/reports/${year}`);
    expect(report.rooms.find((r) => r.roomId === ROOM)!.testCalls).toEqual({
      placed: 3,
      connected: 2,
      failed: 1,
      lineTests: 3,
      lineFailed: 0,
    });
    const csv = await apiRequest(hub.httpUrl, 'GET', `/api/reports/${year}?format=csv`);
    // The CSV is the Vietnamese one the department files; the room's row carries the same counts.
    const rows = parse(String(csv.body), { bom: true, columns: true }) as Record<string, string>[];
    const row = rows.find((r) => r['Mã điểm cầu'] === ROOM)!;
    const column = (name: string) => row[name];
    expect(column('Cuộc gọi thử: số lần')).toBe('3');
    expect(column('Cuộc gọi thử: kết nối')).toBe('2');
    expect(column('Cuộc gọi thử: không thành công')).toBe('1');
    expect(column('Kiểm tra đường truyền: số lần')).toBe('3');
  });
});
