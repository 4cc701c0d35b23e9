/**
 * What every `HubStore` answers, whatever holds the rows: one suite, run against each store (SQLite
 * in its worker, PostgreSQL), written against the interface only. `open` gives an empty store for
 * each test; `cleanup` is called after each test, also after the test that closed the store itself.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { HubStore, StoredTransition } from '../../hub/store/store.js';
import {
  type EventMessage,
  eventMessage,
  SCHEMA_VERSION,
  type TelemetryMessage,
  telemetryMessage,
} from '../../shared/schemas.js';

const A = 'tinh-uy';
const B = 'so-tttt';
/** Room ids are whatever the rooms are called; the store keeps them as given. */
const VN = 'phòng-họp-ủy-ban-xã-Đắk-Nông-😀';

/** Messages as ingest lets them through: checked by the same schemas. */
const event = (seq: number, fields: Partial<EventMessage> = {}): EventMessage =>
  eventMessage.parse({
    v: SCHEMA_VERSION,
    type: 'mains.lost',
    severity: 'critical',
    data: { upsChargePct: 90 },
    ts: '2026-11-30T03:00:00.000Z',
    bootId: 'boot-a',
    seq,
    ...fields,
  });

interface Energy {
  sinceIso: string;
  usedWh: number;
  alwaysOnWh: number;
}

const telemetry = (ts: string, energy?: Energy, tempC = 26.5): TelemetryMessage =>
  telemetryMessage.parse({
    v: SCHEMA_VERSION,
    ts,
    power: { mains: true, upsChargePct: 100, state: 'on' },
    climate: { tempC, humidityPct: 61 },
    codec: { state: 'up', inCall: false },
    link: { latencyMs: 12.5, jitterMs: 1.25, lossPct: 0 },
    ...(energy && {
      energy: { ...energy, outputs: [{ name: 'màn hình', ratedW: 120, onH: 1.5, offH: 22.5 }] },
    }),
  });

const transition = (
  roomId: string,
  level: StoredTransition['level'],
  at: string,
  reasons: string[] = [],
  power: StoredTransition['power'] = level === 'OFFLINE' ? 'unknown' : 'off',
): StoredTransition => ({
  roomId,
  level,
  power,
  reasons,
  at,
});

export function describeStoreContract(
  name: string,
  open: () => Promise<HubStore>,
  cleanup: (store: HubStore) => Promise<void>,
): void {
  describe(`${name}: the HubStore contract`, () => {
    let store: HubStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await cleanup(store);
    });

    describe('events', () => {
      test('stores an event once per (room, bootId, seq): a repeat resolves to null and the first is kept', async () => {
        const receivedAt = new Date('2026-11-30T03:00:01.250Z');
        const first = await store.insertEvent(A, event(0), receivedAt);
        expect(first).toEqual({
          id: expect.any(Number),
          roomId: A,
          bootId: 'boot-a',
          seq: 0,
          type: 'mains.lost',
          severity: 'critical',
          data: { upsChargePct: 90 },
          ts: '2026-11-30T03:00:00.000Z',
          receivedAt: '2026-11-30T03:00:01.250Z',
        });
        const replay = event(0, { type: 'mains.restored', severity: 'info', data: {} });
        expect(await store.insertEvent(A, replay, new Date('2026-11-30T04:00:00.000Z'))).toBeNull();
        const otherBoot = await store.insertEvent(A, event(0, { bootId: 'boot-b' }), receivedAt);
        expect(otherBoot).toMatchObject({ roomId: A, bootId: 'boot-b', seq: 0 });
        expect(await store.insertEvent(B, event(0), receivedAt)).toMatchObject({ roomId: B, seq: 0 });
        expect(await store.listEvents(A, 10)).toEqual([otherBoot, first]);
      });

      test('a replay arriving while the first copy is being stored is stored once', async () => {
        const receivedAt = new Date('2026-11-30T03:00:01.000Z');
        const results = await Promise.all([1, 2, 3, 4].map(() => store.insertEvent(A, event(7), receivedAt)));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect(await store.listEvents(A, 10)).toHaveLength(1);
      });

      test("lists a room's events newest first by arrival (not by the agent's clock), at most `limit`", async () => {
        // The agent's clock stepped back between the events: arrival order still decides.
        const stamps = ['2026-11-30T03:00:02.000Z', '2026-11-30T03:00:01.000Z', '2026-11-30T02:59:00.000Z'];
        const stored = [];
        for (const [seq, ts] of stamps.entries()) {
          stored.push(
            await store.insertEvent(A, event(seq, { ts }), new Date(`2026-11-30T03:01:0${seq}.000Z`)),
          );
          await store.insertEvent(B, event(seq, { ts }), new Date('2026-11-30T03:02:00.000Z'));
        }
        const listed = await store.listEvents(A, 10);
        expect(listed).toEqual([...stored].reverse());
        expect(listed.map((e) => e.seq)).toEqual([2, 1, 0]);
        expect(listed[0]!.id).toBeGreaterThan(listed[1]!.id);
        expect(await store.listEvents(A, 2)).toEqual(listed.slice(0, 2));
        expect(await store.listEvents('not-a-room', 10)).toEqual([]);
      });

      test('lists every room’s events after an id, lowest id first, at most `limit`; the last id stored', async () => {
        expect(await store.lastEventId()).toBe(0);
        expect(await store.listEventsAfter(0, 10)).toEqual([]);
        const receivedAt = new Date('2026-11-30T03:00:01.000Z');
        const stored = [];
        for (const [seq, room] of [A, B, A, VN].entries())
          stored.push((await store.insertEvent(room, event(seq), receivedAt))!);
        // A repeat is not a new event: no id of its own.
        expect(await store.insertEvent(A, event(0), receivedAt)).toBeNull();
        const ids = stored.map((e) => e.id);
        expect(ids).toEqual([...ids].sort((x, y) => x - y));
        expect(await store.listEventsAfter(0, 10)).toEqual(stored);
        expect(await store.listEventsAfter(ids[1]!, 10)).toEqual(stored.slice(2));
        expect(await store.listEventsAfter(ids[0]!, 2)).toEqual(stored.slice(1, 3));
        expect(await store.listEventsAfter(ids[3]!, 10)).toEqual([]);
        expect(await store.lastEventId()).toBe(ids[3]);
      });

      test('keeps sequence numbers past 32 bits and the data as sent: numbers, booleans, null, Vietnamese, emoji', async () => {
        const data = {
          metric: 'tempC',
          value: 34.5,
          limit: 32,
          small: 1e-7,
          large: 2 ** 52 + 1,
          negative: -0.125,
          crossed: true,
          cleared: false,
          detail: null,
          'ghi chú': 'Mất điện lưới — phòng họp tầng 3 😀',
        };
        const e = event(2 ** 40, { type: 'threshold.raised', severity: 'warning', data });
        const stored = await store.insertEvent(VN, e, new Date('2026-11-30T03:00:01.000Z'));
        expect(stored).toMatchObject({ roomId: VN, seq: 2 ** 40, data });
        expect(await store.listEvents(VN, 1)).toEqual([stored]);
      });
    });

    describe('telemetry samples', () => {
      test('keeps one sample per (room, ts): a repeat is ignored and the first is kept', async () => {
        const ts = '2026-03-01T00:00:00.000Z';
        await store.insertSample(A, telemetry(ts, undefined, 20));
        await store.insertSample(A, telemetry(ts, undefined, 30));
        const samples = await store.listSamples(A, new Date(ts), new Date('2026-03-02T00:00:00.000Z'), 10);
        expect(samples).toEqual([{ roomId: A, ts, telemetry: telemetry(ts, undefined, 20) }]);
      });

      test('keeps one sample per (room, bucket): what another hub kept of the same period is ignored', async () => {
        const period = '2026-03-01T00:01:00.000Z';
        const first = telemetry('2026-03-01T00:01:05.000Z', undefined, 20);
        // Another hub of the group missed the first message of the period and kept the next one.
        const other = telemetry('2026-03-01T00:01:10.000Z', undefined, 30);
        await Promise.all([store.insertSample(A, first, period), store.insertSample(A, other, period)]);
        await store.insertSample(A, other, period);
        await store.insertSample(B, other, period);
        const next = telemetry('2026-03-01T00:02:05.000Z', undefined, 40);
        await store.insertSample(A, next, '2026-03-01T00:02:00.000Z');
        const day = [new Date('2026-03-01T00:00:00.000Z'), new Date('2026-03-02T00:00:00.000Z')] as const;
        const samples = await store.listSamples(A, ...day, 10);
        expect(samples).toHaveLength(2);
        expect([first.ts, other.ts]).toContain(samples[0]!.ts);
        expect(samples[1]).toEqual({ roomId: A, ts: next.ts, telemetry: next });
        expect(await store.listSamples(B, ...day, 10)).toEqual([
          { roomId: B, ts: other.ts, telemetry: other },
        ]);
      });

      test("keeps a burst of many rooms' samples handed in at once, a repeat among them once", async () => {
        const period = '2026-03-01T00:01:00.000Z';
        const rooms = Array.from({ length: 700 }, (_, i) => `phòng-${i}`);
        const kept = (room: string) =>
          telemetry('2026-03-01T00:01:05.000Z', undefined, rooms.indexOf(room) % 40);
        // Each room's sample offered twice in the same burst, as two hubs of a group offer it.
        await Promise.all(
          rooms.flatMap((room) => [
            store.insertSample(room, kept(room), period),
            store.insertSample(room, kept(room), period),
          ]),
        );
        const day = [new Date('2026-03-01T00:00:00.000Z'), new Date('2026-03-02T00:00:00.000Z')] as const;
        for (const room of [rooms[0]!, rooms[350]!, rooms[699]!])
          expect(await store.listSamples(room, ...day, 10)).toEqual([
            { roomId: room, ts: kept(room).ts, telemetry: kept(room) },
          ]);
      });

      test('keeps every sample without a bucket (replayed) by its ts, beside the live one of its period', async () => {
        const period = '2026-03-01T00:01:00.000Z';
        const live = telemetry('2026-03-01T00:01:05.000Z', undefined, 20);
        const replayed = [10, 20].map((s) => ({
          ...telemetry(`2026-03-01T00:01:${s}.000Z`, undefined, s),
          replayed: true as const,
        }));
        await store.insertSample(A, live, period);
        for (const r of replayed) await store.insertSample(A, r);
        // The same replay, received by the group's other hub.
        for (const r of replayed) await store.insertSample(A, r);
        const samples = await store.listSamples(
          A,
          new Date('2026-03-01T00:00:00.000Z'),
          new Date('2026-03-02T00:00:00.000Z'),
          10,
        );
        expect(samples.map((s) => s.telemetry)).toEqual([live, ...replayed]);
      });

      test('lists samples with from <= ts < to, oldest first, the oldest `limit` of them', async () => {
        const at = (s: number) => `2026-03-01T00:00:0${s}.000Z`;
        for (const s of [3, 0, 4, 1, 2]) await store.insertSample(A, telemetry(at(s), undefined, 20 + s));
        await store.insertSample(B, telemetry(at(2)));
        const from = new Date(at(1));
        const to = new Date(at(4));
        const expected = [1, 2, 3].map((s) => ({
          roomId: A,
          ts: at(s),
          telemetry: telemetry(at(s), undefined, 20 + s),
        }));
        expect(await store.listSamples(A, from, to, 100)).toEqual(expected);
        expect(await store.listSamples(A, from, to, 2)).toEqual(expected.slice(0, 2));
        expect(await store.listSamples(A, to, new Date(at(9)), 100)).toEqual([
          { roomId: A, ts: at(4), telemetry: telemetry(at(4), undefined, 24) },
        ]);
        expect(await store.listSamples(A, from, from, 100)).toEqual([]);
        expect(await store.listSamples('not-a-room', from, to, 100)).toEqual([]);
      });

      test('keeps each time as the string it was given, and a sample in full (energy, unicode output names)', async () => {
        const bare = '2026-03-01T00:00:05Z';
        const fine = '2026-03-01T00:00:06.123456Z';
        const withEnergy = telemetry(bare, {
          sinceIso: '2026-02-28T23:00:00Z',
          usedWh: 12.25,
          alwaysOnWh: 40,
        });
        await store.insertSample(VN, withEnergy);
        await store.insertSample(VN, telemetry(fine));
        const samples = await store.listSamples(
          VN,
          new Date('2026-03-01T00:00:00.000Z'),
          new Date('2026-03-01T00:01:00.000Z'),
          10,
        );
        expect(samples).toEqual([
          { roomId: VN, ts: bare, telemetry: withEnergy },
          { roomId: VN, ts: fine, telemetry: telemetry(fine) },
        ]);
      });
    });

    describe('last heard', () => {
      test('is empty for an empty store', async () => {
        expect(await store.lastHeard()).toEqual([]);
      });

      test("is each room's latest stored event (by arrival) or sample (by its time), as a Date", async () => {
        // A: its latest sample is newer than its latest event's arrival; B: events only; VN: samples only.
        await store.insertEvent(A, event(0), new Date('2026-05-01T08:00:00.000Z'));
        await store.insertEvent(A, event(1), new Date('2026-05-01T07:00:00.000Z'));
        await store.insertSample(A, telemetry('2026-05-01T08:30:00.000Z'));
        await store.insertSample(A, telemetry('2026-05-01T08:15:00.000Z'));
        await store.insertEvent(B, event(0), new Date('2026-05-02T09:00:00.500Z'));
        await store.insertSample(B, telemetry('2026-05-02T08:00:00.000Z'));
        await store.insertSample(VN, telemetry('2026-05-03T10:00:00.000Z'));
        const heard = await store.lastHeard();
        expect([...heard].sort((x, y) => x.roomId.localeCompare(y.roomId))).toEqual(
          [
            { roomId: A, at: new Date('2026-05-01T08:30:00.000Z') },
            { roomId: B, at: new Date('2026-05-02T09:00:00.500Z') },
            { roomId: VN, at: new Date('2026-05-03T10:00:00.000Z') },
          ].sort((x, y) => x.roomId.localeCompare(y.roomId)),
        );
      });
    });

    describe('readiness transitions', () => {
      const from = '2026-01-01T00:00:00.000Z';
      const to = '2027-01-01T00:00:00.000Z';

      test("lists from <= at < to and each room's last one before `from`, by time", async () => {
        await store.insertTransition(transition(A, 'READY', '2025-12-20T00:00:00.000Z'));
        await store.insertTransition(transition(A, 'OFFLINE', '2026-03-10T01:00:00.000Z', ['mất kết nối']));
        await store.insertTransition(transition(A, 'READY', '2026-03-10T13:00:00.000Z'));
        await store.insertTransition(transition(A, 'OFFLINE', to));
        // B: only transitions before the range; its last one is the level it was at all year.
        await store.insertTransition(transition(B, 'READY', '2025-06-01T00:00:00.000Z'));
        await store.insertTransition(
          transition(B, 'NOT_READY', '2025-11-01T00:00:00.000Z', [
            'mains lost, on UPS 62 %',
            'codec unreachable',
          ]),
        );
        // VN: first seen within the range, exactly at its start.
        await store.insertTransition(transition(VN, 'DEGRADED', from, ['độ ẩm 81 %']));
        expect(await store.listTransitions(from, to)).toEqual([
          transition(B, 'NOT_READY', '2025-11-01T00:00:00.000Z', [
            'mains lost, on UPS 62 %',
            'codec unreachable',
          ]),
          transition(A, 'READY', '2025-12-20T00:00:00.000Z'),
          transition(VN, 'DEGRADED', from, ['độ ẩm 81 %']),
          transition(A, 'OFFLINE', '2026-03-10T01:00:00.000Z', ['mất kết nối']),
          transition(A, 'READY', '2026-03-10T13:00:00.000Z'),
        ]);
        expect(await store.listTransitions('2030-01-01T00:00:00.000Z', '2031-01-01T00:00:00.000Z')).toEqual([
          transition(B, 'NOT_READY', '2025-11-01T00:00:00.000Z', [
            'mains lost, on UPS 62 %',
            'codec unreachable',
          ]),
          transition(VN, 'DEGRADED', from, ['độ ẩm 81 %']),
          transition(A, 'OFFLINE', to),
        ]);
      });

      test('lists transitions at the same time in the order they were stored', async () => {
        const at = '2026-04-01T00:00:00.000Z';
        await store.insertTransition(transition(B, 'OFFLINE', at));
        await store.insertTransition(transition(A, 'NOT_READY', at, [], 'on'));
        // A row as a hub before health and power were apart stored it: no power state.
        await store.insertTransition(transition(A, 'POWERED_OFF', at, [], null));
        expect(await store.listTransitions(from, to)).toEqual([
          transition(B, 'OFFLINE', at),
          transition(A, 'NOT_READY', at, [], 'on'),
          transition(A, 'POWERED_OFF', at, [], null),
        ]);
      });

      test("takes a room's last transition before the range as the latest stored of those at the same time", async () => {
        const at = '2025-12-31T23:59:59.000Z';
        await store.insertTransition(transition(A, 'READY', at));
        await store.insertTransition(transition(A, 'OFFLINE', at, ['no news']));
        expect(await store.listTransitions(from, to)).toEqual([transition(A, 'OFFLINE', at, ['no news'])]);
      });

      test('is empty for an empty store', async () => {
        expect(await store.listTransitions(from, to)).toEqual([]);
      });

      test("keeps a burst of many rooms' transitions handed in at once, each room's in the order handed in", async () => {
        const rooms = Array.from({ length: 300 }, (_, i) => `phòng-${i}`);
        const at = (s: number) => `2026-04-01T00:00:${String(s).padStart(2, '0')}.000Z`;
        const burst = rooms.flatMap((room) => [
          transition(room, 'READY', at(1)),
          transition(room, 'NOT_READY', at(1), ['độ ẩm 81 %'], 'on'),
          transition(room, 'POWERED_OFF', at(2)),
        ]);
        await Promise.all(burst.map((t) => store.insertTransition(t)));
        const listed = await store.listTransitions(from, to);
        expect(listed).toHaveLength(burst.length);
        for (const room of [rooms[0]!, rooms[299]!])
          expect(listed.filter((t) => t.roomId === room)).toEqual(burst.filter((t) => t.roomId === room));
      });

      test("gives each named room's latest transition by time, the latest stored of those at the same time", async () => {
        const at = '2026-04-01T00:00:00.000Z';
        // Stored out of time order, as hubs of a group whose clocks differ a little may store them.
        await store.insertTransition(transition(A, 'OFFLINE', '2026-05-01T00:00:00.000Z', ['no news']));
        await store.insertTransition(transition(A, 'READY', '2026-04-15T00:00:00.000Z'));
        await store.insertTransition(transition(B, 'READY', at));
        await store.insertTransition(transition(B, 'NOT_READY', at, ['codec unreachable'], 'on'));
        await store.insertTransition(transition(VN, 'DEGRADED', at, ['độ ẩm 81 %']));
        expect(await store.lastTransitions([VN, A, B, 'never-stored'])).toEqual(
          [
            transition(A, 'OFFLINE', '2026-05-01T00:00:00.000Z', ['no news']),
            transition(B, 'NOT_READY', at, ['codec unreachable'], 'on'),
            transition(VN, 'DEGRADED', at, ['độ ẩm 81 %']),
          ].sort((x, y) => (x.roomId < y.roomId ? -1 : 1)),
        );
        // Only the rooms asked for.
        expect(await store.lastTransitions([B])).toEqual([
          transition(B, 'NOT_READY', at, ['codec unreachable'], 'on'),
        ]);
        expect(await store.lastTransitions([])).toEqual([]);
      });
    });

    describe('energy', () => {
      const from = '2026-01-01T00:00:00.000Z';
      const to = '2026-02-01T00:00:00.000Z';
      const s0 = '2025-12-30T00:00:00.000Z';
      // A Pi without a clock may boot believing it is 2025: the second period's start sorts first.
      const s1 = '2025-01-01T00:00:10.000Z';

      test('lists the last reading of each boot period in the range and the last one before it, by time', async () => {
        await store.insertSample(
          A,
          telemetry('2025-12-31T22:00:00.000Z', { sinceIso: s0, usedWh: 9, alwaysOnWh: 30 }),
        );
        await store.insertSample(
          A,
          telemetry('2025-12-31T23:00:00.000Z', { sinceIso: s0, usedWh: 10, alwaysOnWh: 33 }),
        );
        await store.insertSample(
          A,
          telemetry('2026-01-01T01:00:00.000Z', { sinceIso: s0, usedWh: 11, alwaysOnWh: 36 }),
        );
        await store.insertSample(
          A,
          telemetry('2026-01-01T02:00:00.000Z', { sinceIso: s0, usedWh: 12.5, alwaysOnWh: 39 }),
        );
        // Without energy (power control not answering): not a reading.
        await store.insertSample(A, telemetry('2026-01-01T02:30:00.000Z'));
        await store.insertSample(
          A,
          telemetry('2026-01-01T03:00:00.000Z', { sinceIso: s1, usedWh: 1, alwaysOnWh: 3 }),
        );
        await store.insertSample(
          A,
          telemetry('2026-01-01T04:00:00.000Z', { sinceIso: s1, usedWh: 2.25, alwaysOnWh: 6 }),
        );
        await store.insertSample(A, telemetry(to, { sinceIso: s1, usedWh: 99, alwaysOnWh: 99 }));
        await store.insertSample(
          B,
          telemetry('2026-01-05T00:00:00.000Z', { sinceIso: s0, usedWh: 50, alwaysOnWh: 60 }),
        );
        expect(await store.listEnergy(A, from, to)).toEqual([
          { roomId: A, ts: '2025-12-31T23:00:00.000Z', sinceIso: s0, usedWh: 10, alwaysOnWh: 33 },
          { roomId: A, ts: '2026-01-01T02:00:00.000Z', sinceIso: s0, usedWh: 12.5, alwaysOnWh: 39 },
          { roomId: A, ts: '2026-01-01T04:00:00.000Z', sinceIso: s1, usedWh: 2.25, alwaysOnWh: 6 },
        ]);
      });

      test('leaves out the sample before the range when it has no energy reading', async () => {
        await store.insertSample(
          VN,
          telemetry('2025-12-31T22:00:00.000Z', { sinceIso: s0, usedWh: 9, alwaysOnWh: 30 }),
        );
        await store.insertSample(VN, telemetry('2025-12-31T23:00:00.000Z'));
        await store.insertSample(
          VN,
          telemetry('2026-01-10T00:00:00.000Z', { sinceIso: s1, usedWh: 4, alwaysOnWh: 8 }),
        );
        expect(await store.listEnergy(VN, from, to)).toEqual([
          { roomId: VN, ts: '2026-01-10T00:00:00.000Z', sinceIso: s1, usedWh: 4, alwaysOnWh: 8 },
        ]);
        expect(await store.listEnergy(B, from, to)).toEqual([]);
      });
    });

    describe('life cycle', () => {
      test('counts the calls not yet answered in its backlog, with when the oldest was made', async () => {
        expect(store.backlog()).toEqual({ pending: 0, oldestSince: null });
        const before = Date.now();
        const inserting = store.insertEvent(A, event(0), new Date('2026-11-30T03:00:01.000Z'));
        const backlog = store.backlog();
        expect(backlog).toEqual({ pending: 1, oldestSince: expect.any(Date) });
        expect(backlog.oldestSince!.getTime()).toBeGreaterThanOrEqual(before);
        expect(backlog.oldestSince!.getTime()).toBeLessThanOrEqual(Date.now());
        await inserting;
        expect(store.backlog()).toEqual({ pending: 0, oldestSince: null });
      });

      test('closing waits for the calls handed over, which are answered', async () => {
        const inserting = store.insertEvent(A, event(0), new Date('2026-11-30T03:00:01.000Z'));
        const sampling = store.insertSample(A, telemetry('2026-11-30T03:00:00.000Z'));
        await store.close();
        await expect(inserting).resolves.toMatchObject({ roomId: A, seq: 0 });
        await expect(sampling).resolves.toBeUndefined();
        expect(store.backlog()).toEqual({ pending: 0, oldestSince: null });
      });
    });
  });
}
