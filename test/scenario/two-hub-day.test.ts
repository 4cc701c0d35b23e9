/**
 * A two-hub day (issue 17 in the life of the network): hubs A and B of a group on one throwaway
 * PostgreSQL and one real Mosquitto, the 28 simulated rooms connected to that Mosquitto, all on one
 * virtual clock, Tuesday to Thursday. M1 is booked through A; its T−24h rehearsal runs once on the
 * hub holding the lease; A then stops and B takes the work over (in real time: the lease is judged
 * by the database's clock); A comes back as a new process, and B runs T−2h once, with Yên Sơn's
 * codec down; both hubs read the same verdict; mains lost in Hàm Yên open one incident, told once;
 * each readiness transition is stored once. What must happen once is counted, not just seen.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { RoomView } from '../../hub/fleet-state.js';
import type { Incident } from '../../hub/incidents/incidents-repo.js';
import type { OnceOnlyState } from '../../hub/once-only-work.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import type { MeetingGoNoGo } from '../../hub/schedule/meeting-verdict.js';
import type { Rehearsal } from '../../hub/schedule/rehearsals-repo.js';
import type { StoredEvent, StoredTransition } from '../../hub/store/store.js';
import { rooms as fleet } from '../../shared/fleet.js';
import { DayWorld, type LocalTime } from '../helpers/day-world.js';
import { login } from '../helpers/hub-harness.js';
import { mailsTo as mailsOf, startReceiver, startSmtp } from '../helpers/notify-peers.js';
import { waitFor } from '../helpers/wait.js';

const HOST = 'ubnd-tinh';
const CODEC_FAILS = 'ubnd-yen-son';
const MAINS_FAILS = 'ubnd-ham-yen';
const M1_ROOMS = [HOST, 'ubnd-tp-tuyen-quang', CODEC_FAILS, MAINS_FAILS, 'ubnd-na-hang'];
const M1_TITLE = 'Họp Ủy ban nhân dân tỉnh tháng 1';
const OPERATOR_EMAIL = 'noc@stttt.gov.vn';
const TECHNICIAN = 'kt.yen-son';
/** The hubs by their place in the world: A and B from the start, A again as a new process. */
const A = 0;
const B = 1;
let A2 = -1;

jest.setTimeout(120_000);

let world: DayWorld;
let m1: Meeting;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let webhook: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  smtp = await startSmtp();
  webhook = await startReceiver(0);
  world = await DayWorld.start({
    monday: '2027-01-04',
    // From Tuesday: M1 is booked with its 48 h of notice and a day less of instants to settle.
    from: 'Tue 06:00',
    group: 2,
    hubOverrides: {
      'notify.smtp.host': '127.0.0.1',
      'notify.smtp.port': smtp.port,
      'notify.operatorEmails': [OPERATOR_EMAIL],
      'notify.webhooks': [{ url: webhook.url, minSeverity: 'warning' }],
      readinessCheckSec: 300,
      'mqtt.floodPerSec': 10_000,
      'mqtt.floodBurst': 10_000,
      // Behind Mosquitto the flood guard reads the disabled accounts in the store at each recheck:
      // every 10 s, that would be most of the instants to settle and half the test's time.
      'mqtt.floodRecheckSec': 60,
      'incidents.checkSec': 60,
      'notify.postponedCheckSec': 300,
      'thresholds.staleAfterSec': 900,
      'schedule.recheckMin': 10,
      // What another hub did is looked for every minute, not every 2 s: over days of virtual time,
      // a 2 s beat would be most of the instants the world has to settle. The speak queue and the
      // coming meetings, read back every 30 s otherwise, keep this minute's beat too.
      'store.followGroupSec': 60,
      // The weekly inspection is the day-in-the-life's: here the rehearsals are what runs once.
      'schedule.inspectionCron': '',
      'testCall.dialString': 'kiemtra@mcu.tuyenquang.gov.vn',
      'testCall.lineTestUri': 'sip:9999@mcu.tuyenquang.gov.vn',
      'testCall.measureSec': 20,
      'testCall.lineTestSec': 10,
    },
    agentEnv: {
      HNTH_TELEMETRY_INTERVAL: '300',
      HNTH_POWER_TICK: '300',
      HNTH_POWER_QUIET_MIN: '30',
      HNTH_POWER_WARMUP_MIN: '30',
      HNTH_SIM_CODEC_BOOT_SEC: '60',
    },
  });
}, 60_000);

afterAll(async () => {
  await world?.stop();
  await smtp?.close();
  await webhook?.close();
});

const mailsTo = (to: string, subject: string) => mailsOf(smtp.mails, to, subject);
const get = async <T>(path: string, via: number) => (await world.api('GET', path, undefined, via)).body as T;
const rooms = (via: number) => get<RoomView[]>('/api/rooms', via);
const onceOnly = async (via: number) =>
  (await get<{ onceOnlyWork: OnceOnlyState }>('/api/health', via)).onceOnlyWork;
const rehearsalsOf = async (via: number) =>
  (await get<{ rehearsals: Rehearsal[] }>(`/api/meetings/${m1.id}`, via)).rehearsals;
const verdict = async (via: number) =>
  (await get<{ verdict: MeetingGoNoGo | null }>(`/api/meetings/${m1.id}/verdict`, via)).verdict;
const local = (when: LocalTime) => world.time(when).toISOString();
/** The incident notices the webhook had of a room, in order. */
const incidentNotices = (roomId: string) =>
  webhook.received
    .filter((r) => r.body.incidentId !== undefined && r.body.roomId === roomId)
    .map((r) => r.body.event);
/**
 * Mails leave through a real SMTP client whose sockets the world does not wait for: what was sent
 * is waited for, then counted once the next minutes have passed, a second one with them.
 */
async function toldOnce(to: string, subject: string, until: LocalTime) {
  await waitFor(`a mail to ${to}: ${subject}`, () => mailsTo(to, subject).length > 0);
  await world.at(until);
  return mailsTo(to, subject);
}

describe('a day of a hub group', () => {
  test('Tue 06:40: both hubs see the 28 rooms idle off; one of them, A, does the once-only work', async () => {
    await world.at('Tue 06:40');
    for (const via of [A, B]) {
      const all = await rooms(via);
      expect(all).toHaveLength(fleet.length);
      expect(all.filter((r) => r.readiness.power.state !== 'off' || r.readiness.level !== 'READY')).toEqual(
        [],
      );
    }
    expect(await onceOnly(A)).toMatchObject({ held: true });
    expect(await onceOnly(B)).toMatchObject({ held: false });
  });

  test('Tue 06:45: a user created on A logs in on B', async () => {
    await world.at('Tue 06:45');
    const created = await world.api(
      'POST',
      '/api/users',
      { username: TECHNICIAN, role: 'technician', roomId: CODEC_FAILS },
      A,
    );
    expect(created.status).toBe(201);
    const { password } = created.body as { password: string };
    const session = await login(world.hubs[B]!.httpUrl, TECHNICIAN, password);
    expect(session).toMatchObject({ username: TECHNICIAN, role: 'technician' });
  });

  test('Tue 07:00: M1 is booked through A for Thursday 08:00; B has it; the department is told once', async () => {
    await world.at('Tue 07:00');
    const res = await world.api(
      'POST',
      '/api/meetings',
      {
        kind: 'committee',
        emergency: null,
        title: M1_TITLE,
        hostRoomId: HOST,
        roomIds: M1_ROOMS,
        start: '2027-01-07T08:00:00+07:00',
        end: '2027-01-07T11:00:00+07:00',
      },
      A,
    );
    expect(res.status).toBe(201);
    m1 = res.body as Meeting;
    expect((await get<Meeting[]>('/api/meetings', B)).map((m) => m.id)).toEqual([m1.id]);
    expect(await toldOnce(OPERATOR_EMAIL, 'Cuộc họp mới', 'Tue 07:10')).toHaveLength(1);
  });

  test('Wed 08:00 (T−24h): the rehearsal runs once, both hubs show it, the verdict reads the same on both, told once', async () => {
    await world.at('Wed 07:59');
    for (const via of [A, B]) {
      const all = await rooms(via);
      expect(all.filter((r) => M1_ROOMS.includes(r.id)).map((r) => r.readiness.power.state)).toEqual(
        M1_ROOMS.map(() => 'off'),
      );
    }
    await world.at('Wed 08:05');
    const onA = await rehearsalsOf(A);
    expect(onA).toEqual([
      expect.objectContaining({
        slot: 'T-24h',
        status: 'done',
        verdict: 'go',
        startedAt: local('Wed 08:00'),
      }),
    ]);
    expect(await rehearsalsOf(B)).toEqual(onA);
    const [va, vb] = [await verdict(A), await verdict(B)];
    expect(va?.verdict).toBe('go');
    expect(vb).toEqual(va);
    expect(await toldOnce(OPERATOR_EMAIL, 'Chạy thử trước 24 giờ', 'Wed 08:30')).toHaveLength(1);
  });

  test('Wed 12:00: A stops; B takes the once-only work over (in real time: the lease is the database’s)', async () => {
    await world.at('Wed 12:00');
    await world.stopHub(world.hubs[A]!);
    await waitFor('B to take the once-only work', async () => (await onceOnly(B)).held, 15_000);
    // The rooms go on, now heard by B alone.
    await world.at('Wed 12:10');
    expect((await rooms(B)).filter((r) => !r.online)).toEqual([]);
  });

  test('Wed 18:00: A comes back as a new process; B keeps the work', async () => {
    await world.at('Wed 18:00');
    A2 = await world.restartHub(world.hubs[A]!);
    await world.at('Wed 18:10');
    expect(await onceOnly(A2)).toMatchObject({ held: false });
    expect(await onceOnly(B)).toMatchObject({ held: true });
    expect((await rooms(A2)).filter((r) => !r.online)).toEqual([]);
  });

  test('Thu 06:00 (T−2h): Yên Sơn’s codec down: T−2h runs once, on B; the verdict reads at risk on both hubs, told once', async () => {
    await world.at('Wed 23:00');
    await world.inject(CODEC_FAILS, { codec: 'down' });
    await world.at('Thu 06:05');
    const onB = await rehearsalsOf(B);
    expect(onB.map((r) => r.slot)).toEqual(['T-24h', 'T-2h']);
    expect(onB[1]).toMatchObject({ status: 'running', verdict: 'at-risk', startedAt: local('Thu 06:00') });
    expect(await rehearsalsOf(A2)).toEqual(onB);
    const [vb, va] = [await verdict(B), await verdict(A2)];
    expect(vb?.verdict).toBe('at-risk');
    expect(va).toEqual(vb);
    expect(await toldOnce(OPERATOR_EMAIL, 'Chạy thử trước 2 giờ', 'Thu 06:30')).toHaveLength(1);
  });

  test('Thu 07:20: the codec repaired, the next re-check turns M1 go on both hubs', async () => {
    await world.at('Thu 07:20');
    await world.inject(CODEC_FAILS, { codec: 'up' });
    await world.at('Thu 07:45');
    expect((await rehearsalsOf(B))[1]).toMatchObject({ status: 'done', verdict: 'go' });
    expect((await verdict(B))?.verdict).toBe('go');
    expect(await verdict(A2)).toEqual(await verdict(B));
    // Its codec's incident, opened by the hub holding the work from either hub's news, closed once.
    for (const via of [B, A2]) {
      const all = await get<Incident[]>('/api/incidents?state=all', via);
      expect(all.filter((i) => i.roomId === CODEC_FAILS).map((i) => [i.cause, i.closedAt !== null])).toEqual([
        ['codec.down', true],
      ]);
    }
    expect(incidentNotices(CODEC_FAILS)).toEqual(['opened', 'closed']);
  });

  test('Thu 09:00: mains lost in Hàm Yên during M1: one incident on both hubs, one notice', async () => {
    await world.at('Thu 08:00');
    await Promise.all(M1_ROOMS.map((id) => world.inject(id, { inCall: true })));
    await world.at('Thu 09:00');
    await world.inject(MAINS_FAILS, { mains: false, upsRuntime: 2400 });
    await world.at('Thu 09:10');
    for (const via of [B, A2]) {
      const open = await get<Incident[]>('/api/incidents?state=open', via);
      expect(open.filter((i) => i.roomId === MAINS_FAILS).map((i) => [i.cause, i.openedAt])).toEqual([
        ['mains.lost', local('Thu 09:00')],
      ]);
    }
    expect(incidentNotices(MAINS_FAILS)).toEqual(['opened']);
  });

  test('throughout: every room’s event stored once, whichever hub its shared subscription reached', async () => {
    for (const r of fleet) {
      const events = await get<StoredEvent[]>(`/api/rooms/${r.id}/events?limit=1000`, B);
      const seqs = events.map((e) => `${e.bootId}:${e.seq}`);
      expect({ room: r.id, duplicates: seqs.length - new Set(seqs).size }).toEqual({
        room: r.id,
        duplicates: 0,
      });
    }
  });

  test('throughout: every readiness transition stored once, by the hub holding the work', async () => {
    const week = [local('Mon 00:00'), local('Fri 00:00')] as const;
    const stored = await world.hubs[B]!.store.listTransitions(...week);
    const state = (t: StoredTransition) => JSON.stringify([t.level, t.power, t.reasons]);
    for (const r of fleet) {
      const rows = stored.filter((t) => t.roomId === r.id);
      const states = rows.map(state);
      // Stored by both hubs, each change would be there twice in a row.
      const repeats = states.filter((s, i) => i > 0 && s === states[i - 1]);
      expect({ room: r.id, repeats }).toEqual({ room: r.id, repeats: [] });
      // None lost as the work changed hands: the history ends at the level and power state the hubs
      // judge the room at now (its reasons' figures, a UPS's charge, may have moved on since).
      const now = world.hubs[B]!.fleet.view(r.id)!.readiness;
      expect({ room: r.id, last: rows.map((t) => [t.level, t.power]).at(-1) }).toEqual({
        room: r.id,
        last: [now.level, now.power.state],
      });
    }
  });
});
