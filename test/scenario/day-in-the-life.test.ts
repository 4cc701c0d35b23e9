/**
 * A day in the life (shared/SCENARIO.md): the hub and the 28 simulated rooms on one virtual clock,
 * Monday to Thursday in seconds, asserting the whole timeline row by row. The values it uses: quiet
 * time and warm-up 30 min, codec boot 60 s (deadline 180 s), telemetry every 5 min, power decided
 * every minute, re-checks every 10 min, UPS shutdown at 5 min of runtime or 10 %; every rehearsal
 * and inspection places a test call to the MCU's test conference (the simulated MCU answers in 2 s;
 * its figures are read for 20 s) and a 10 s line test from the controller (issue 19).
 * Rooms: M1 is chaired by UBND tỉnh with seven district rooms; Yên Sơn's codec fails before the
 * T−2h rehearsal; Hàm Yên loses its mains during M1. E1 (an emergency) shares Na Hang and Lâm Bình
 * with M1. M2 puts Sở GTVT, held on by the operator, in a rehearsal.
 * Then the stopped hub's SQLite file is moved into PostgreSQL (issue 17): every row of every table
 * arrives, the audit chain verifies with the hub's key, and a hub started on it reads the days.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import Database from 'better-sqlite3';
import type { RoomView } from '../../hub/fleet-state.js';
import type { Incident } from '../../hub/incidents/incidents-repo.js';
import type { YearlyReport } from '../../hub/report/yearly-report.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import type { MeetingGoNoGo } from '../../hub/schedule/meeting-verdict.js';
import type { RehearsalReport } from '../../hub/schedule/rehearsal-report.js';
import type { CallResult, Rehearsal } from '../../hub/schedule/rehearsals-repo.js';
import { runAdminCommand } from '../../hub/security/admin-cli.js';
import { AUDIT_KEY_FILE, readAuditKey } from '../../hub/security/audit-key.js';
import type { AuditEntry } from '../../hub/security/audit-log.js';
import { openSecurity } from '../../hub/security/security.js';
import type { SessionView } from '../../hub/speak/speak-service.js';
import { hubMigrations } from '../../hub/store/hub-migrations.js';
import { type MoveProgress, moveToPostgres } from '../../hub/store/move-to-postgres.js';
import { openPgSql } from '../../hub/store/sql.js';
import type { StoredEvent } from '../../hub/store/store.js';
import { builtInFleet, rooms as fleet } from '../../shared/fleet.js';
import { scheduleTopic } from '../../shared/topics.js';
import { DayWorld, type LocalTime } from '../helpers/day-world.js';
import { apiRequest, startTestHub, TEST_OPERATOR, testMqttClient } from '../helpers/hub-harness.js';
import { mailsTo as mailsOf, startReceiver, startSmtp } from '../helpers/notify-peers.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { waitFor } from '../helpers/wait.js';

const HOST = 'ubnd-tinh';
const CODEC_FAILS = 'ubnd-yen-son';
const MAINS_FAILS = 'ubnd-ham-yen';
const FORCED_OFF = 'ubnd-son-duong';
const M1_ROOMS = [
  HOST,
  'ubnd-tp-tuyen-quang',
  FORCED_OFF,
  CODEC_FAILS,
  MAINS_FAILS,
  'ubnd-chiem-hoa',
  'ubnd-na-hang',
  'ubnd-lam-binh',
];
const E1_ROOMS = ['so-nnptnt', 'so-tnmt', 'ban-dan-toc', 'ubnd-na-hang', 'ubnd-lam-binh'];
/** E1 rooms whose call runs five minutes past the booked end. */
const E1_OVERRUN = ['so-nnptnt', 'ubnd-lam-binh'];
const HELD_ON = 'so-gtvt';
const M2_ROOMS = ['so-y-te', HELD_ON];
const TEST_CONFERENCE = 'kiemtra@mcu.tuyenquang.gov.vn';
/** An M1 room the operator checks during the meeting. */
const CHECKED_IN_MEETING = 'ubnd-chiem-hoa';
/** The checks of the room's calls and equipment (issue 19), in the order the hub judges them. */
const CALL_CHECKS = ['peripherals', 'sip', 'line', 'sound', 'picture'];

// Each row moves the world up to two days; a row must never still run when the next starts.
jest.setTimeout(180_000);

let world: DayWorld;
let m1: Meeting;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let webhook: Awaited<ReturnType<typeof startReceiver>>;
const OPERATOR_EMAIL = 'noc@stttt.gov.vn';
/** Yên Sơn's technician's dashboard account. */
const TECHNICIAN = 'kt.yen-son';
/** The people on file: two rooms' technicians and the two partners (the other rooms have nobody yet). */
const EMAIL = {
  [HOST]: 'ky.thuat@ubnd.tuyenquang.gov.vn',
  [CODEC_FAILS]: 'ky.thuat@yenson.tuyenquang.gov.vn',
  'vnpt-tuyen-quang': 'trucca@vnpt-tuyenquang.vn',
  'dien-luc-tuyen-quang': 'trucca@pctuyenquang.evn.vn',
} as const;
const M1_TITLE = 'Họp Ủy ban nhân dân tỉnh tháng 1 (MẬT)';
/** The operator's calendar address (secret, read without a session). */
let calendarFeed: string;
/** Every time a room's equipment went off while the hub had last seen it in a call, and why. */
const offInCall: { roomId: string; at: string; decision: string | null }[] = [];

beforeAll(async () => {
  smtp = await startSmtp();
  webhook = await startReceiver(0);
  world = await DayWorld.start({
    monday: '2027-01-04',
    hubOverrides: {
      'notify.smtp.host': '127.0.0.1',
      'notify.smtp.port': smtp.port,
      'notify.operatorEmails': [OPERATOR_EMAIL],
      'notify.webhooks': [{ url: webhook.url, minSeverity: 'warning' }],
      readinessCheckSec: 300,
      'incidents.checkSec': 60,
      'notify.postponedCheckSec': 300,
      'thresholds.staleAfterSec': 900,
      'schedule.recheckMin': 10,
      'mqtt.floodPerSec': 10_000,
      'mqtt.floodBurst': 10_000,
      // No room floods here: a look for floods that are over every 10 s would be most of the
      // instants the world settles over four days.
      'mqtt.floodRecheckSec': 60,
      'testCall.dialString': TEST_CONFERENCE,
      'testCall.lineTestUri': 'sip:9999@mcu.tuyenquang.gov.vn',
      'testCall.measureSec': 20,
      'testCall.lineTestSec': 10,
    },
    agentEnv: {
      HNTH_TELEMETRY_INTERVAL: '300',
      // Decisions every 5 min, on the telemetry's beat: the scenario's times are all on it.
      HNTH_POWER_TICK: '300',
      HNTH_POWER_QUIET_MIN: '30',
      HNTH_POWER_WARMUP_MIN: '30',
      HNTH_POWER_UPS_SHUTDOWN_PCT: '10',
      HNTH_POWER_UPS_SHUTDOWN_RUNTIME: '300',
      HNTH_SIM_CODEC_BOOT_SEC: '60',
    },
  });
  // Throughout: no room is switched off during a call unless its UPS is critical (or forced).
  const inCall = new Map<string, boolean>();
  world.hub.fleet.listen({
    change(view) {
      const power = view.readiness.power;
      if (power.state === 'off' || power.state === 'off-ups') {
        if (inCall.get(view.id))
          offInCall.push({ roomId: view.id, at: world.clock.now().toISOString(), decision: power.decision });
      }
      if (view.readings && !view.readings.codec.checkedAt) inCall.set(view.id, view.readings.codec.inCall);
      if (power.state === 'off' || power.state === 'off-ups' || !view.online) inCall.set(view.id, false);
    },
  });
}, 60_000);

afterAll(async () => {
  await world?.stop();
  await smtp?.close();
  await webhook?.close();
});

const mailsTo = (to: string, subject: string) => mailsOf(smtp.mails, to, subject);
const mailArrives = (to: string, subject: string) =>
  waitFor(`a mail to ${to}: ${subject}`, () => mailsTo(to, subject).length > 0).then(
    () => mailsTo(to, subject)[0]!,
  );

const rooms = async () => (await world.api('GET', '/api/rooms')).body as RoomView[];
const room = async (id: string) => (await world.api('GET', `/api/rooms/${id}`)).body as RoomView;
const powerOf = async (ids: readonly string[]) => {
  const all = await rooms();
  return Object.fromEntries(ids.map((id) => [id, all.find((r) => r.id === id)!.readiness.power.state]));
};
const all = (ids: readonly string[], state: string) => Object.fromEntries(ids.map((id) => [id, state]));
const verdict = async () =>
  ((await world.api('GET', `/api/meetings/${m1.id}/verdict`)).body as { verdict: MeetingGoNoGo | null })
    .verdict;
const rehearsalsOf = async (meetingId: string) =>
  ((await world.api('GET', `/api/meetings/${meetingId}`)).body as { rehearsals: Rehearsal[] }).rehearsals;
const report = async (id: string) =>
  (await world.api('GET', `/api/rehearsals/${id}`)).body as RehearsalReport;
const local = (when: LocalTime) => world.time(when).toISOString();
async function book(body: Record<string, unknown>) {
  return world.api('POST', '/api/meetings', { kind: 'committee', emergency: null, ...body });
}
const inject = (ids: readonly string[], fault: object) =>
  Promise.all(ids.map((id) => world.inject(id, fault)));
const callChecksOf = (attempt: { checks: { check: string; status: string }[] }) =>
  Object.fromEntries(
    attempt.checks.filter((c) => CALL_CHECKS.includes(c.check)).map((c) => [c.check, c.status]),
  );
const allPass = Object.fromEntries(CALL_CHECKS.map((c) => [c, 'pass']));

describe('a day in the life of the network', () => {
  test('Mon 00:00: the 28 rooms online idle off after the quiet time; the fleet counts no problem', async () => {
    await world.at('Mon 00:40');
    const everything = await rooms();
    expect(everything).toHaveLength(28);
    expect(
      everything.filter((r) => r.readiness.power.state !== 'off' || r.readiness.level !== 'READY'),
    ).toEqual([]);
    expect(everything.every((r) => r.readiness.power.decision === 'idle')).toBe(true);
  });

  test('Mon 07:00: the weekly inspection checks every room from off and leaves it off', async () => {
    await world.at('Mon 07:10');
    expect(await world.hub.schedule.rehearsals.running()).toEqual([]);
    const runs = await world.hub.schedule.rehearsals.roomResults(local('Mon 06:00'), local('Mon 08:00'));
    expect(runs).toHaveLength(28);
    expect(runs.every((r) => r.kind === 'inspection' && r.verdict === 'go')).toBe(true);
    // Every room called the MCU's test conference and tested its line, all within the same minutes.
    const calls = await world.hub.schedule.rehearsals.callResults({
      from: local('Mon 06:00'),
      to: local('Mon 08:00'),
    });
    expect(calls).toHaveLength(28);
    for (const c of calls) {
      expect(c.calls.testCall).toMatchObject({
        dialled: TEST_CONFERENCE,
        outcome: 'connected',
        connectSec: 2,
        measuredSec: 20,
      });
      expect(c.calls.lineTest).toMatchObject({ outcome: 'answered' });
      expect(c.at < local('Mon 07:02')).toBe(true);
    }
    expect(await powerOf(fleet.map((r) => r.id))).toEqual(
      all(
        fleet.map((r) => r.id),
        'off',
      ),
    );
  });

  test('Mon 08:30: the operator puts the host’s and Yên Sơn’s technicians and both partners on file', async () => {
    await world.at('Mon 08:30');
    for (const [kind, id] of [
      ['rooms', HOST],
      ['rooms', CODEC_FAILS],
      ['partners', 'vnpt-tuyen-quang'],
      ['partners', 'dien-luc-tuyen-quang'],
    ] as const) {
      const res = await world.api('PUT', `/api/contacts/${kind}/${id}`, {
        name: 'Trực kỹ thuật',
        unit: id,
        position: 'Kỹ thuật viên',
        phone: '0912345678',
        email: EMAIL[id],
      });
      expect(res.status).toBe(200);
    }
    // Yên Sơn's technician gets a dashboard account of their room's.
    const account = await world.api('POST', '/api/users', {
      username: TECHNICIAN,
      role: 'technician',
      roomId: CODEC_FAILS,
    });
    expect(account).toMatchObject({ status: 201, body: { username: TECHNICIAN, roomId: CODEC_FAILS } });
  });

  test('Mon 09:00: M1 is booked; its rooms get the schedule without the title; the notice reaches people, the title only those who may read it', async () => {
    await world.at('Mon 09:00');
    const res = await book({
      title: M1_TITLE,
      hostRoomId: HOST,
      roomIds: M1_ROOMS,
      start: '2027-01-07T08:00:00+07:00',
      end: '2027-01-07T11:00:00+07:00',
    });
    expect(res.status).toBe(201);
    m1 = res.body as Meeting;
    const details = (await world.api('GET', `/api/meetings/${m1.id}`)).body as {
      notifications: { recipient: unknown }[];
    };
    // Art. 8.1: the partners and every room's technicians (the host's among them) are on the notice.
    expect(details.notifications.map((n) => n.recipient)).toEqual(
      expect.arrayContaining([
        { kind: 'room-technician', roomId: HOST },
        { kind: 'partner', partnerId: 'vnpt-tuyen-quang' },
        { kind: 'partner', partnerId: 'dien-luc-tuyen-quang' },
      ]),
    );
    const client = await testMqttClient(world.hub.mqttUrl);
    const retained = new Promise<string>((resolve) =>
      client.on('message', (_topic, payload) => resolve(payload.toString())),
    );
    await client.subscribeAsync(scheduleTopic(CODEC_FAILS), { qos: 1 });
    const schedule = await retained;
    await client.endAsync();
    expect(JSON.parse(schedule).items).toContainEqual({
      id: m1.id,
      kind: 'meeting',
      start: '2027-01-07T01:00:00.000Z',
      end: '2027-01-07T04:00:00.000Z',
      emergency: false,
    });
    expect(schedule).not.toMatch(/title|Ủy ban|MẬT/);
    // Art. 8.1 by email: the department and the host's technician read the title, the partners do not.
    for (const to of [OPERATOR_EMAIL, EMAIL[HOST], EMAIL[CODEC_FAILS]]) {
      const mail = await mailArrives(to, 'Cuộc họp mới');
      expect(mail.subject).toBe(`[HNTH] Cuộc họp mới: ${M1_TITLE}, 07/01/2027 08:00`);
      expect(mail.text).toContain('Chạy thử lúc 06/01/2027 08:00, 07/01/2027 06:00');
    }
    for (const to of [EMAIL['vnpt-tuyen-quang'], EMAIL['dien-luc-tuyen-quang']]) {
      const mail = await mailArrives(to, 'Cuộc họp mới');
      expect(mail.subject).toBe('[HNTH] Cuộc họp mới: Cuộc họp, 07/01/2027 08:00');
      expect(`${mail.subject}${mail.text}`).not.toContain('MẬT');
    }
    // Every delivery is in the log, the rooms with nobody on file as skipped, so the gap shows.
    await world.hub.notifier.idle();
    const log = (await world.api('GET', `/api/meetings/${m1.id}/notifications`)).body as {
      notifications: { topic: string; event: string; role: string; target: string; status: string }[];
    };
    const sent = log.notifications.filter((n) => n.status === 'sent').map((n) => n.target);
    expect(sent.sort()).toEqual([OPERATOR_EMAIL, ...Object.values(EMAIL)].sort());
    expect(log.notifications.filter((n) => n.status === 'skipped')).toHaveLength(M1_ROOMS.length - 2);
    expect(new Set(log.notifications.map((n) => `${n.topic}:${n.event}`))).toEqual(
      new Set(['meeting:registered']),
    );
  });

  test('Mon 09:05: a meeting for Tuesday 09:00 is refused, art. 8.1, naming the hours left', async () => {
    await world.at('Mon 09:05');
    const res = await book({
      title: 'Họp gấp',
      hostRoomId: 'so-y-te',
      roomIds: ['so-y-te'],
      start: '2027-01-05T09:00:00+07:00',
      end: '2027-01-05T10:00:00+07:00',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      rule: 'notice-48h',
      article: '8.1',
      error: expect.stringMatching(/^start is 23.9 h away; art. 8.1 asks for 48 h notice/),
    });
  });

  test('Mon 09:10: a meeting putting one of M1’s rooms in an overlap is refused, art. 8.3, naming M1', async () => {
    await world.at('Mon 09:10');
    const res = await book({
      title: 'Họp huyện',
      hostRoomId: CODEC_FAILS,
      roomIds: [CODEC_FAILS],
      start: '2027-01-07T10:00:00+07:00',
      end: '2027-01-07T12:00:00+07:00',
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ rule: 'no-overlap', article: '8.3', meeting: { id: m1.id } });
    // M2, which the operator's hold on Sở GTVT meets on Wednesday at 17:00 (its T−24h rehearsal).
    const m2 = await book({
      title: 'Giao ban Sở Y tế',
      hostRoomId: 'so-y-te',
      roomIds: M2_ROOMS,
      start: '2027-01-07T17:00:00+07:00',
      end: '2027-01-07T18:00:00+07:00',
    });
    expect(m2.status).toBe(201);
  });

  test('Mon 09:15: the operator subscribes their calendar program; its secret address shows M1 with its title', async () => {
    await world.at('Mon 09:15');
    const res = await world.api('POST', '/api/calendar/subscription');
    expect(res.status).toBe(201);
    calendarFeed = (res.body as { url: string }).url;
    const feed = await fetch(`${world.hub.httpUrl}${calendarFeed}`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain(`SUMMARY:${M1_TITLE}`);
  });

  test('Wed 08:00 (T−24h): each of M1’s rooms, all off, powers on, boots, passes fresh checks and goes back off; M1 is go', async () => {
    await world.at('Wed 07:59');
    expect(await powerOf(M1_ROOMS)).toEqual(all(M1_ROOMS, 'off'));
    await world.at('Wed 08:05');
    const [t24] = await rehearsalsOf(m1.id);
    expect(t24).toMatchObject({
      slot: 'T-24h',
      status: 'done',
      verdict: 'go',
      startedAt: local('Wed 08:00'),
    });
    const matrix = await report(t24!.id);
    for (const row of matrix.rooms) {
      expect(row.verdict).toBe('go');
      // Judged on a sample after the boot: found off, switched on, the codec up a minute later.
      expect(JSON.parse(row.latest!.powerOn.detail)).toEqual({ found: 'off', on: true, bootSec: 60 });
      // Then the test call (2 s to connect, 20 s of figures) and the line test: all four pass.
      expect(callChecksOf(row.latest!)).toEqual(allPass);
    }
    const hostCalls = (await world.api('GET', `/api/rooms/${HOST}/test-calls?limit=1`)).body as CallResult[];
    expect(hostCalls[0]).toMatchObject({ rehearsalId: t24!.id, kind: 'rehearsal', slot: 'T-24h' });
    expect(hostCalls[0]!.calls.testCall).toMatchObject({
      outcome: 'connected',
      connectSec: 2,
      measuredSec: 20,
    });
    expect(hostCalls[0]!.checks.find((c) => c.check === 'picture')!.evidence).toMatchObject({
      resolution: '1920x1080',
      frameRate: 30,
      limitHeightPx: 720,
      limitFrameRate: 25,
    });
    // Boot, call and figures done well before 08:05: every room back off since.
    const now = await rooms();
    for (const id of M1_ROOMS)
      expect(now.find((r) => r.id === id)!.readiness).toMatchObject({
        level: 'READY',
        power: { state: 'off', decision: 'restored' },
      });
    const v = await verdict();
    expect(v?.verdict).toBe('go');
    // Nothing left unchecked: the test call tested sound and picture, the line test the line.
    expect(v?.notRun).toEqual([]);
    // The verdict goes to the department and the host room.
    for (const to of [OPERATOR_EMAIL, EMAIL[HOST]])
      expect((await mailArrives(to, 'Chạy thử trước 24 giờ')).subject).toBe(
        `[HNTH] Chạy thử trước 24 giờ: Đạt, ${M1_TITLE}, 07/01/2027 08:00`,
      );
  });

  test('Wed 10:00: emergency E1 (flood) 10:15–11:00 is accepted without notice, and its rooms power on at once', async () => {
    await world.at('Wed 10:00');
    const res = await book({
      title: 'Ứng phó lũ khẩn cấp',
      hostRoomId: 'so-nnptnt',
      roomIds: E1_ROOMS,
      start: '2027-01-06T10:15:00+07:00',
      end: '2027-01-06T11:00:00+07:00',
      emergency: { reason: 'flood' },
    });
    expect(res.status).toBe(201);
    await world.at('Wed 10:02');
    const now = await rooms();
    for (const id of E1_ROOMS)
      expect(now.find((r) => r.id === id)!.readiness.power.state).toMatch(/^(on|warming-up)$/);
    await world.at('Wed 10:15');
    await inject(E1_ROOMS, { inCall: true });
  });

  test('Wed 11:00 + quiet time: E1’s rooms go off, never during a call', async () => {
    await world.at('Wed 11:00');
    await inject(
      E1_ROOMS.filter((id) => !E1_OVERRUN.includes(id)),
      { inCall: false },
    );
    await world.at('Wed 11:05');
    expect(await powerOf(E1_OVERRUN)).toEqual(all(E1_OVERRUN, 'on'));
    await inject(E1_OVERRUN, { inCall: false });
    await world.at('Wed 11:32');
    expect(await powerOf(E1_ROOMS.filter((id) => !E1_OVERRUN.includes(id)))).toEqual(
      all(
        E1_ROOMS.filter((id) => !E1_OVERRUN.includes(id)),
        'off',
      ),
    );
    expect(await powerOf(E1_OVERRUN)).toEqual(all(E1_OVERRUN, 'on'));
    await world.at('Wed 11:37');
    expect(await powerOf(E1_ROOMS)).toEqual(all(E1_ROOMS, 'off'));
  });

  test('Wed 16:00: "on until 20:00" on Sở GTVT outlives M2’s rehearsal at 17:00', async () => {
    await world.at('Wed 16:00');
    const res = await world.api('POST', `/api/rooms/${HELD_ON}/power`, {
      action: 'on',
      until: '2027-01-06T20:00:00+07:00',
    });
    expect(res.status).toBe(200);
    await world.at('Wed 17:05');
    const [m2t24] = await rehearsalsOf(
      ((await world.hub.schedule.meetings.list({ roomId: HELD_ON }))[0] as Meeting).id,
    );
    expect(m2t24).toMatchObject({ slot: 'T-24h', status: 'done', verdict: 'go' });
    const matrix = await report(m2t24!.id);
    expect(JSON.parse(matrix.rooms.find((r) => r.roomId === HELD_ON)!.latest!.powerOn.detail)).toMatchObject({
      found: 'on',
    });
    expect((await room(HELD_ON)).readiness.power).toEqual({ state: 'on', decision: 'override' });
    expect((await room('so-y-te')).readiness.power).toEqual({ state: 'off', decision: 'restored' });
    await world.at('Wed 19:59');
    expect((await room(HELD_ON)).readiness.power.state).toBe('on');
    await world.at('Wed 20:02');
    expect((await room(HELD_ON)).readiness.power).toEqual({ state: 'off', decision: 'idle' });
  });

  test('Thu 06:00 (T−2h): Yên Sơn’s codec is down: it is no-go (its technician’s), the others go, M1 at risk, re-checked', async () => {
    await world.at('Wed 23:00');
    // The codec fails while the room is off: nothing can tell until the room is switched on.
    await world.inject(CODEC_FAILS, { codec: 'down' });
    expect((await room(CODEC_FAILS)).readiness.level).toBe('READY');
    await world.at('Thu 06:05');
    const t2 = (await rehearsalsOf(m1.id)).find((r) => r.slot === 'T-2h')!;
    expect(t2).toMatchObject({ status: 'running', verdict: 'at-risk' });
    const matrix = await report(t2.id);
    const failing = matrix.rooms.find((r) => r.roomId === CODEC_FAILS)!;
    expect(failing.verdict).toBe('no-go');
    expect(failing.latest!.failures).toEqual([
      {
        check: 'codec',
        status: 'fail',
        detail: 'codec down',
        responsible: [{ kind: 'room-technician', roomId: CODEC_FAILS }],
      },
    ]);
    // No test call on a codec that does not answer; the controller's line test says the line is
    // good: the codec's fault (its technician's), not the line's (the telecom partner's).
    expect(callChecksOf(failing.latest!)).toEqual({
      peripherals: 'not-run',
      sip: 'not-run',
      line: 'pass',
      sound: 'not-run',
      picture: 'not-run',
    });
    expect(failing.latest!.checks.find((c) => c.check === 'sip')!.detail).toMatch(
      /^no test call: the codec is not answering/,
    );
    expect(matrix.rooms.filter((r) => r.roomId !== CODEC_FAILS).every((r) => r.verdict === 'go')).toBe(true);
    expect((await verdict())?.verdict).toBe('at-risk');
    // The off room now shows its fault: the check made while it was on stands.
    expect((await room(CODEC_FAILS)).readiness).toMatchObject({
      level: 'NOT_READY',
      power: { state: 'off' },
    });
    // The failing room's technician hears of it with the host and the department, once.
    const mail = await mailArrives(EMAIL[CODEC_FAILS], 'Chạy thử trước 2 giờ');
    expect(mail.subject).toBe(`[HNTH] Chạy thử trước 2 giờ: Có rủi ro, ${M1_TITLE}, 07/01/2027 08:00`);
    expect(mail.text).toContain('UBND huyện Yên Sơn: Không đạt, Thiết bị');
    await world.at('Thu 06:30');
    expect(
      (await report(t2.id)).rooms.find((r) => r.roomId === CODEC_FAILS)!.attempts,
    ).toBeGreaterThanOrEqual(3);
    expect(mailsTo(OPERATOR_EMAIL, 'Chạy thử trước 2 giờ')).toHaveLength(1);
  });

  test('Thu 07:00 (T−1h): the codec still down is escalated to its technician', async () => {
    await world.at('Thu 07:01');
    const t2 = (await rehearsalsOf(m1.id)).find((r) => r.slot === 'T-2h')!;
    const { escalations } = await report(t2.id);
    expect(escalations).toEqual([
      expect.objectContaining({
        roomId: CODEC_FAILS,
        at: local('Thu 07:00'),
        verdict: 'no-go',
        failures: [
          expect.objectContaining({
            check: 'codec',
            responsible: [{ kind: 'room-technician', roomId: CODEC_FAILS }],
          }),
        ],
      }),
    ]);
    for (const to of [OPERATOR_EMAIL, EMAIL[CODEC_FAILS]])
      expect((await mailArrives(to, 'Cần xử lý ngay')).subject).toBe(
        `[HNTH] Cần xử lý ngay: UBND huyện Yên Sơn, cuộc họp ${M1_TITLE}, 07/01/2027 08:00`,
      );
    // The webhook (a chat room, say) hears of it without the title.
    await waitFor('the escalation on the webhook', () =>
      webhook.received.some((r) => r.body.topic === 'escalation'),
    );
    const posted = webhook.received.find((r) => r.body.topic === 'escalation')!.body;
    expect(posted).toMatchObject({ event: 'escalated', meetingId: m1.id, severity: 'critical' });
    expect(JSON.stringify(posted)).not.toContain('MẬT');
  });

  test('Thu 07:20: the codec is repaired; the re-check passes and M1 turns go', async () => {
    await world.at('Thu 07:20');
    await world.inject(CODEC_FAILS, { codec: 'up' });
    await world.at('Thu 07:29');
    const t2 = (await rehearsalsOf(m1.id)).find((r) => r.slot === 'T-2h')!;
    expect(t2).toMatchObject({ status: 'done', verdict: 'go' });
    expect((await verdict())?.verdict).toBe('go');
    // Those told it was at risk are told it is go.
    expect((await mailArrives(EMAIL[CODEC_FAILS], 'Chạy thử trước 2 giờ: Đạt')).text).toContain(
      'Kết quả chạy thử trước 2 giờ sau khi kiểm tra lại: Đạt.',
    );
  });

  test('Thu 07:30 (warm-up): M1’s rooms power on; an off inside the freeze is refused naming M1; forced, it is audited', async () => {
    await world.at('Thu 07:30');
    expect(await powerOf(M1_ROOMS)).toEqual(all(M1_ROOMS, 'warming-up'));
    await world.at('Thu 07:35');
    expect(await powerOf(M1_ROOMS)).toEqual(all(M1_ROOMS, 'on'));
    const refused = await world.api('POST', `/api/rooms/${FORCED_OFF}/power`, { action: 'off' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'freeze',
      freeze: { meetingId: m1.id, title: m1.title, window: 'meeting' },
    });
    expect((await room(FORCED_OFF)).readiness.power.state).toBe('on');
    const forced = await world.api('POST', `/api/rooms/${FORCED_OFF}/power`, {
      action: 'off',
      force: true,
      reason: 'thay bộ nguồn màn hình',
    });
    // The answer with its status, so a failure shows what the hub said.
    expect([forced.status, forced.body]).toEqual([200, expect.objectContaining({ ok: true })]);
    expect((await room(FORCED_OFF)).readiness.power).toEqual({ state: 'off', decision: 'forced' });
    const audit = (await world.api('GET', '/api/audit?limit=50')).body as AuditEntry[];
    // Both orders are audited with their outcome: the refusal naming the freeze, the forced one done.
    expect(
      audit
        .filter((e) => e.action === 'power.off' && e.details.roomId === FORCED_OFF)
        .map((e) => [e.result, e.code, e.details.freeze, e.details.force, e.details.reason ?? null]),
    ).toEqual([
      ['ok', null, m1.id, true, 'thay bộ nguồn màn hình'],
      ['refused', 'freeze', m1.id, false, null],
    ]);
    // The repair done, the operator switches it back on.
    expect((await world.api('POST', `/api/rooms/${FORCED_OFF}/power`, { action: 'on' })).status).toBe(200);
    await world.at('Thu 08:00');
    expect(await powerOf(M1_ROOMS)).toEqual(all(M1_ROOMS, 'on'));
    await inject(M1_ROOMS, { inCall: true });
  });

  test('Thu 08:10: the operator checks a room during M1: checked, but no test call and no line test in the meeting', async () => {
    await world.at('Thu 08:10');
    const res = await world.api('POST', '/api/rehearsals', { roomIds: [CHECKED_IN_MEETING] });
    expect(res.status).toBe(202);
    await world.at('Thu 08:12');
    const row = (await report((res.body as Rehearsal).id)).rooms[0]!;
    expect(row.verdict).toBe('go');
    expect(callChecksOf(row.latest!)).toEqual({
      peripherals: 'pass',
      sip: 'not-run',
      line: 'not-run',
      sound: 'not-run',
      picture: 'not-run',
    });
    expect(row.latest!.checks.find((c) => c.check === 'sip')!.detail).toBe(
      `change freeze of the meeting ${m1.id} from ${local('Thu 07:30')} to ${local('Thu 11:00')}: no test call`,
    );
    // The meeting goes on, undisturbed: still on and in its call.
    expect((await room(CHECKED_IN_MEETING)).readings?.codec.inCall).toBe(true);
    expect((await room(CHECKED_IN_MEETING)).readiness.power.state).toBe('on');
  });

  test('Thu 08:15: in M1, Chiêm Hóa and Na Hang press their speak buttons; the operator gives Chiêm Hóa the floor, Na Hang waits', async () => {
    await world.at('Thu 08:15');
    expect((await world.api('POST', '/api/speak/host', { hostRoomId: HOST })).status).toBe(201);
    await world.inject(CHECKED_IN_MEETING, { speak: true });
    await world.inject('ubnd-na-hang', { speak: true });
    const queue = async () => ((await world.api('GET', '/api/speak')).body as SessionView[])[0]!.queue;
    const [first] = await queue();
    expect(first).toMatchObject({ roomId: CHECKED_IN_MEETING, state: 'waiting' });
    expect((await world.api('POST', `/api/speak/${first!.id}/grant`)).status).toBe(200);
    expect((await queue()).map((r) => [r.roomId, r.state])).toEqual([
      [CHECKED_IN_MEETING, 'granted'],
      ['ubnd-na-hang', 'waiting'],
    ]);
  });

  test('Thu 09:00: mains lost in Hàm Yên, 40 min of UPS for 120 min of meeting: said in words, M1 at risk, host and operator warned, the power partner called', async () => {
    await world.at('Thu 09:00');
    await world.inject(MAINS_FAILS, { mains: false, upsRuntime: 2400 });
    expect((await room(MAINS_FAILS)).readiness).toMatchObject({
      level: 'DEGRADED',
      power: { state: 'on' },
      reasons: ['mains lost, on UPS 100 %, 40 min left'],
    });
    const v = (await verdict())!;
    expect(v.verdict).toBe('at-risk');
    expect(v.rooms.find((r) => r.roomId === MAINS_FAILS)!.reasons).toContainEqual({
      code: 'ups-runtime',
      text: 'on battery with 40 min left, the meeting needs 120 min',
      params: { runtimeMin: 40, leftMin: 120 },
    });
    await world.at('Thu 09:02');
    const t2 = (await rehearsalsOf(m1.id)).find((r) => r.slot === 'T-2h')!;
    const escalations = (await report(t2.id)).escalations.filter((e) => e.at >= local('Thu 09:00'));
    expect(escalations.map((e) => e.roomId)).toEqual([MAINS_FAILS]);
    expect(escalations[0]!.failures.map((f) => [f.check, f.responsible])).toEqual([
      // Its health turned after its go: the mains are the power partner's.
      ['readiness', [{ kind: 'partner', partnerId: 'dien-luc-tuyen-quang' }]],
      [
        'ups-runtime',
        [
          { kind: 'room-technician', roomId: HOST },
          { kind: 'operator' },
          { kind: 'partner', partnerId: 'dien-luc-tuyen-quang' },
        ],
      ],
    ]);
    expect(escalations[0]!.failures[1]!.detail).toBe(
      'on battery with 40 min left, the meeting needs 120 min',
    );
    const incidents = (await world.api('GET', '/api/incidents?state=open')).body as Incident[];
    expect(incidents.filter((i) => i.roomId === MAINS_FAILS).map((i) => i.cause)).toEqual(['mains.lost']);
    // The power partner is called, without the title; the host and the department are warned with it.
    const partner = await mailArrives(EMAIL['dien-luc-tuyen-quang'], 'Cần xử lý ngay: UBND huyện Hàm Yên');
    expect(partner.text).toContain('Hạng mục chưa đạt: Tình trạng hiện tại, Thời gian lưu điện UPS');
    expect(`${partner.subject}${partner.text}`).not.toContain('MẬT');
    for (const to of [OPERATOR_EMAIL, EMAIL[HOST]])
      expect((await mailArrives(to, 'Cần xử lý ngay: UBND huyện Hàm Yên')).subject).toContain(M1_TITLE);
  });

  test('Thu 09:35: at the UPS’s critical point the equipment goes off in order and the controller halts; offline as expected', async () => {
    await world.at('Thu 09:34');
    expect((await room(MAINS_FAILS)).online).toBe(true);
    await world.at('Thu 09:36');
    const view = await room(MAINS_FAILS);
    expect(view.online).toBe(false);
    expect(view.readiness).toMatchObject({ level: 'OFFLINE', power: { state: 'off-ups' } });
    expect(view.readiness.reasons[0]).toMatch(
      /^shut down by UPS protection at 2027-01-07T02:35:00.000Z: on battery with 5 min left/,
    );
    const events = (await world.api('GET', `/api/rooms/${MAINS_FAILS}/events?limit=10`))
      .body as StoredEvent[];
    // Newest first: announced, then the equipment off in order (which ends the call), then the halt.
    expect(events.slice(0, 3).map((e) => e.type)).toEqual(['call.ended', 'power.off', 'ups.shutdown']);
    expect(events[2]!.data).toMatchObject({ trigger: 'runtime', upsRuntimeSec: 300, inCall: true });
    expect(events[1]!.data).toMatchObject({
      decision: 'ups-critical',
      steps: 'codec off done, amplifier off done, display off done',
    });
    await world.at('Thu 09:40');
    const incidents = (await world.api('GET', '/api/incidents?state=open')).body as Incident[];
    expect(incidents.filter((i) => i.roomId === MAINS_FAILS).map((i) => i.cause)).toEqual(['mains.lost']);
    // The power partner is called, without the title; the host and the department are warned with it.
    const partner = await mailArrives(EMAIL['dien-luc-tuyen-quang'], 'Cần xử lý ngay: UBND huyện Hàm Yên');
    expect(partner.text).toContain('Hạng mục chưa đạt: Tình trạng hiện tại, Thời gian lưu điện UPS');
    expect(`${partner.subject}${partner.text}`).not.toContain('MẬT');
    for (const to of [OPERATOR_EMAIL, EMAIL[HOST]])
      expect((await mailArrives(to, 'Cần xử lý ngay: UBND huyện Hàm Yên')).subject).toContain(M1_TITLE);
  });

  test('Thu 11:00 + quiet time: M1 ends and its rooms go off', async () => {
    await world.at('Thu 11:00');
    const stillOn = M1_ROOMS.filter((id) => id !== MAINS_FAILS);
    await inject(stillOn, { inCall: false });
    await world.at('Thu 11:20');
    expect(await powerOf(stillOn)).toEqual(all(stillOn, 'on'));
    await world.at('Thu 11:32');
    expect(await powerOf(stillOn)).toEqual(all(stillOn, 'off'));
  });

  test('Thu 12:00: the mains back, Hàm Yên’s controller boots again and its incident closes with its time to recover', async () => {
    await world.at('Thu 12:00');
    const agent = await world.startAgent(MAINS_FAILS);
    await agent.start();
    await agent.connected;
    await world.at('Thu 12:05');
    expect((await room(MAINS_FAILS)).readiness.level).toBe('READY');
    const incidents = (await world.api('GET', '/api/incidents?state=closed')).body as Incident[];
    const mains = incidents.find((i) => i.roomId === MAINS_FAILS && i.cause === 'mains.lost')!;
    expect(mains.openedAt).toBe(local('Thu 09:00'));
    expect(mains.recoverSec).toBeGreaterThanOrEqual(3 * 3600);
    expect(mains.recoverSec).toBeLessThan(3 * 3600 + 300);
  });

  test('the yearly report counts M1, both its rehearsals and the incident with its time to recover', async () => {
    const r = (await world.api('GET', '/api/reports/2027')).body as YearlyReport;
    const host = r.rooms.find((x) => x.roomId === HOST)!;
    expect(host.meetings.count).toBe(1);
    expect(host.rehearsals).toEqual({ run: 2, passed: 2, atRisk: 0, failed: 0 });
    const failing = r.rooms.find((x) => x.roomId === CODEC_FAILS)!;
    expect(failing.rehearsals.run).toBe(2);
    const hamYen = r.rooms.find((x) => x.roomId === MAINS_FAILS)!;
    expect(hamYen.incidents).toMatchObject({
      total: 1,
      open: 0,
      byCause: [expect.objectContaining({ cause: 'mains.lost', count: 1 })],
    });
    expect(r.network.inspections.run).toBe(28);
    // Art. 12.5 with issue 19: the host's three test calls (the inspection, T−24h, T−2h) connected;
    // Yên Sơn's T−2h call waited for its repaired codec (07:20), its line tested at every attempt.
    expect(host.testCalls).toEqual({ placed: 3, connected: 3, failed: 0, lineTests: 3, lineFailed: 0 });
    expect(failing.testCalls).toMatchObject({ placed: 3, connected: 3, failed: 0, lineFailed: 0 });
    expect(failing.testCalls.lineTests).toBeGreaterThan(3);
    expect(r.network.testCalls.failed).toBe(0);
  });

  test('throughout: no test call or line test was placed during a meeting or another’s change freeze', async () => {
    const freezes = [
      // From each meeting's warm-up (30 min, or at once for E1) to its end.
      { rooms: M1_ROOMS, from: local('Thu 07:30'), to: local('Thu 11:00') },
      { rooms: E1_ROOMS, from: local('Wed 10:00'), to: local('Wed 11:00') },
    ];
    const calls = await world.hub.schedule.rehearsals.callResults({});
    const placed = calls.filter(
      (c) =>
        (c.calls.testCall && c.calls.testCall.outcome !== 'not-placed') ||
        (c.calls.lineTest && c.calls.lineTest.outcome !== 'not-placed'),
    );
    expect(placed.length).toBeGreaterThan(28 + 8 + 8);
    const inFreeze = placed.filter((c) =>
      freezes.some((f) => f.rooms.includes(c.roomId) && c.at > f.from && c.at < f.to),
    );
    expect(inFreeze).toEqual([]);
  });

  test('throughout: no room went off during a call but at its UPS’s critical point; every event stored once', async () => {
    expect(offInCall).toEqual([{ roomId: MAINS_FAILS, at: local('Thu 09:35'), decision: 'ups-critical' }]);
    for (const r of fleet) {
      const events = (await world.api('GET', `/api/rooms/${r.id}/events?limit=1000`)).body as StoredEvent[];
      const byBoot = new Map<string, number[]>();
      for (const e of events) byBoot.set(e.bootId, [...(byBoot.get(e.bootId) ?? []), e.seq]);
      for (const [bootId, seqs] of byBoot) {
        const sorted = [...seqs].sort((a, b) => a - b);
        // Once each, none missing: 0, 1, 2, … within every boot of the room's agent.
        expect({ room: r.id, bootId, seqs: sorted }).toEqual({
          room: r.id,
          bootId,
          seqs: sorted.map((_, i) => i),
        });
      }
    }
  });
});

/** Rows per table of a hub's SQLite file, read apart from the move (its bookkeeping aside). */
function rowsIn(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
      )
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [
        name,
        (db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n,
      ]),
    );
  } finally {
    db.close();
  }
}

describe('the day’s database moved into PostgreSQL (issue 17)', () => {
  let pg: TestDatabase;
  let counted: Record<string, number>;
  /** What the day's hub answered before it stopped. */
  const seen: Record<'meetings' | 'incidents' | 'users', unknown> = {
    meetings: [],
    incidents: [],
    users: [],
  };
  let moved: Awaited<ReturnType<typeof startTestHub>> | null = null;

  afterAll(async () => {
    await moved?.stop();
    moved?.removeData();
    await pg?.drop();
  });

  test('every row of every table arrives, each read back equal', async () => {
    seen.meetings = (await world.api('GET', '/api/meetings')).body;
    seen.incidents = (await world.api('GET', '/api/incidents?state=all')).body;
    seen.users = (await world.api('GET', '/api/users')).body;
    await world.halt();
    const sqliteFile = path.join(world.hub.config.dataDir, 'hnth.db');
    counted = rowsIn(sqliteFile);
    pg = await createTestDatabase();
    const progress: MoveProgress[] = [];
    const result = await moveToPostgres({
      sqliteFile,
      url: pg.url,
      migrations: hubMigrations,
      progress: (p) => progress.push(p),
    });
    expect(Object.fromEntries(result.tables.map((t) => [t.table, t.rows]))).toEqual(counted);
    // Each table copied and then compared row by row, to its last row.
    for (const { table, rows } of result.tables)
      for (const phase of ['copy', 'check'] as const)
        expect(progress.filter((p) => p.table === table && p.phase === phase).at(-1) ?? null).toEqual(
          rows === 0 && phase === 'copy' ? null : { table, phase, done: rows, of: rows },
        );
    for (const [table, rows] of Object.entries(counted)) {
      const { rows: got } = await pg.direct.query(`SELECT COUNT(*)::int AS n FROM "${table}"`);
      expect({ table, rows: got[0].n }).toEqual({ table, rows });
    }
    // The day fills every table but these: the hub group's tables (the once-only lease, the relay of
    // large live messages, the rooms' flood edges read back by the other hubs), unused by a hub
    // alone on SQLite, and the codec configurations, which no one approves or sends in these days.
    expect(
      Object.entries(counted)
        .filter(([, rows]) => rows === 0)
        .map(([table]) => table)
        .sort(),
    ).toEqual([
      'approved_configs',
      'config_deliveries',
      'config_templates',
      'leases',
      'live_relay',
      'room_edges',
    ]);
  });

  test('the audit chain verifies on PostgreSQL with the day hub’s key, and holds its last checkpoint', async () => {
    const opened = await openPgSql(pg.url);
    const auditKey = readAuditKey(path.join(world.hub.config.audit.dir, AUDIT_KEY_FILE));
    const out: string[] = [];
    const err: string[] = [];
    try {
      const security = openSecurity(opened.sql, builtInFleet, { auditKey });
      // `hnth-hub audit verify`, as the operator runs it after the move.
      const code = await runAdminCommand(['audit', 'verify'], security, world.hub.config, {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      expect({ code, err: err.join('') }).toEqual({ code: 0, err: '' });
    } finally {
      await opened.close();
    }
    // The day hub signed its last checkpoint as it stopped: every row of it arrived.
    const rows = counted.audit_log!;
    expect(out.join('')).toMatch(
      new RegExp(
        `^audit log intact: ${rows} rows, HMAC chain verified, and it holds the checkpoint of \\S+ \\(${rows} rows\\)`,
      ),
    );
  });

  test('a hub started on that PostgreSQL reads the day’s meetings, incidents and users, its audit chain whole', async () => {
    moved = await startTestHub({ 'store.url': pg.url, 'audit.dir': world.hub.config.audit.dir });
    const read = async (url: string) => (await apiRequest(moved!.httpUrl, 'GET', url)).body;
    expect((seen.meetings as Meeting[]).map((m) => m.title).sort()).toEqual(
      [M1_TITLE, 'Giao ban Sở Y tế', 'Ứng phó lũ khẩn cấp'].sort(),
    );
    expect(await read('/api/meetings')).toEqual(seen.meetings);
    expect((seen.incidents as Incident[]).map((i) => [i.roomId, i.cause])).toContainEqual([
      MAINS_FAILS,
      'mains.lost',
    ]);
    expect(await read('/api/incidents?state=all')).toEqual(seen.incidents);
    expect((seen.users as { username: string }[]).map((u) => u.username).sort()).toEqual(
      [TECHNICIAN, TEST_OPERATOR].sort(),
    );
    expect(await read('/api/users')).toEqual(seen.users);
    // The operator's calendar program reads on, at the same secret address.
    const feed = await fetch(`${moved.httpUrl}${calendarFeed}`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain(`SUMMARY:${M1_TITLE}`);
    // Its own verification at start held the chain against the day hub's last checkpoint.
    const health = (await read('/api/health')) as { audit: unknown };
    expect(health.audit).toMatchObject({ ok: true, checkpoint: { rows: counted.audit_log } });
  });
});
