import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  causeOfReadinessCode,
  causeSeverity,
  causesOfChecks,
  decideIncidents,
  edgeOfEvent,
  FORGET_AFTER_MS,
  type IncidentDecision,
  type McuReach,
  type RoomCause,
  type RoomSignals,
  type Shown,
  type Track,
} from '../../hub/incidents/incident-rules.js';
import { rooms } from '../../shared/fleet.js';
import type { RehearsalCheck } from '../../shared/schemas.js';

const t0 = Date.parse('2026-11-30T03:00:00.000Z');
const at = (sec: number) => new Date(t0 + sec * 1000);
const config = { raiseAfterSec: 10, clearAfterSec: 60, networkOfflineFraction: 0.5 };

/** What one room shows at one moment; every other room is online and well. */
interface Step {
  t: number;
  room?: string;
  offline?: boolean;
  readiness?: RoomCause[] | null;
  events?: RoomCause[];
  /** Causes the room's latest rehearsal attempt found. */
  rehearsal?: RoomCause[];
  /** Rooms offline besides `room`, by count (from the end of the fleet). */
  othersOffline?: number;
  mcu?: McuReach;
}

const shown = (causes: readonly RoomCause[]) =>
  new Map(causes.map((c): [RoomCause, Shown] => [c, { severity: causeSeverity[c] }]));

function signals(step: Step): RoomSignals[] {
  const room = step.room ?? 'tinh-uy';
  const down = new Set(rooms.slice(rooms.length - (step.othersOffline ?? 0)).map((r) => r.id));
  return rooms.map((r) => {
    if (r.id === room) {
      const offline = step.offline ?? false;
      return {
        roomId: r.id,
        offline,
        fromReadiness: offline ? null : step.readiness === null ? null : shown(step.readiness ?? []),
        fromEvents: shown(step.events ?? []),
        fromRehearsal: new Set(step.rehearsal ?? []),
      };
    }
    const offline = down.has(r.id);
    return { roomId: r.id, offline, fromReadiness: offline ? null : new Map(), fromEvents: new Map() };
  });
}

function describeDecision(d: IncidentDecision): string {
  const when = (Date.parse(d.kind === 'open' ? d.openedAt : d.closedAt) - t0) / 1000;
  return `${d.kind} ${d.roomId ?? 'network'} ${d.cause} @${when}`;
}

function run(steps: Step[]): { decisions: string[]; state: Map<string, Track>; raw: IncidentDecision[] } {
  let state = new Map<string, Track>();
  const raw: IncidentDecision[] = [];
  for (const step of steps) {
    const next = decideIncidents(
      state,
      { now: at(step.t), rooms: signals(step), mcu: step.mcu ?? 'up' },
      config,
    );
    state = next.state;
    raw.push(...next.decisions);
  }
  return { decisions: raw.map(describeDecision), state, raw };
}

describe('incident rules: lifecycle and hysteresis', () => {
  const cases: [string, Step[], string[]][] = [
    ['all well: nothing', [{ t: 0 }, { t: 100 }], []],
    [
      'codec down for less than the raise wait: no incident',
      [{ t: 0, readiness: ['codec.down'] }, { t: 9, readiness: ['codec.down'] }, { t: 12 }, { t: 200 }],
      [],
    ],
    [
      'codec down long enough: opens at its first sign',
      [{ t: 0 }, { t: 5, readiness: ['codec.down'] }, { t: 15, readiness: ['codec.down'] }],
      ['open tinh-uy codec.down @5'],
    ],
    [
      'recovery closes after the clear wait, dated at the recovery',
      [
        { t: 0, readiness: ['codec.down'] },
        { t: 10, readiness: ['codec.down'] },
        { t: 40 },
        { t: 99 },
        { t: 100 },
      ],
      ['open tinh-uy codec.down @0', 'close tinh-uy codec.down @40'],
    ],
    [
      'flapping while open stays one incident',
      [
        { t: 0, readiness: ['link.degraded'] },
        { t: 10, readiness: ['link.degraded'] },
        { t: 20 },
        { t: 30, readiness: ['link.degraded'] },
        { t: 40 },
        { t: 50, readiness: ['link.degraded'] },
        { t: 60 },
        { t: 70, readiness: ['link.degraded'] },
        { t: 80 },
        { t: 139 },
        { t: 140 },
      ],
      ['open tinh-uy link.degraded @0', 'close tinh-uy link.degraded @80'],
    ],
    [
      'a second fault after a full recovery is a second incident',
      [
        { t: 0, readiness: ['mains.lost'] },
        { t: 10, readiness: ['mains.lost'] },
        { t: 20 },
        { t: 80 },
        { t: 100, readiness: ['mains.lost'] },
        { t: 110, readiness: ['mains.lost'] },
      ],
      ['open tinh-uy mains.lost @0', 'close tinh-uy mains.lost @20', 'open tinh-uy mains.lost @100'],
    ],
    [
      'two causes in one room are two incidents',
      [
        { t: 0, readiness: ['climate.out-of-range', 'codec.down'] },
        { t: 10, readiness: ['climate.out-of-range', 'codec.down'] },
      ],
      ['open tinh-uy codec.down @0', 'open tinh-uy climate.out-of-range @0'],
    ],
    [
      'a room offline opens its own incident',
      [{ t: 0, offline: true }, { t: 10, offline: true }, { t: 30 }, { t: 90 }],
      ['open tinh-uy room.offline @0', 'close tinh-uy room.offline @30'],
    ],
    [
      'an open codec incident is held while the room is offline (its codec is unknown then)',
      [
        { t: 0, readiness: ['codec.down'] },
        { t: 10, readiness: ['codec.down'] },
        { t: 20, offline: true },
        { t: 200, offline: true },
      ],
      ['open tinh-uy codec.down @0', 'open tinh-uy room.offline @20'],
    ],
    [
      'mains lost by event keeps the incident open while the room is offline',
      [
        { t: 0, events: ['mains.lost'] },
        { t: 10, offline: true, events: ['mains.lost'] },
        { t: 100, offline: true, events: ['mains.lost'] },
      ],
      ['open tinh-uy mains.lost @0', 'open tinh-uy room.offline @10'],
    ],
    [
      'config drift from an event alone',
      [{ t: 0, events: ['config.drift'] }, { t: 10, events: ['config.drift'] }, { t: 20 }, { t: 80 }],
      ['open tinh-uy config.drift @0', 'close tinh-uy config.drift @20'],
    ],
    [
      'a line that failed the rehearsal’s calls stands until a later attempt passes',
      [
        { t: 0, rehearsal: ['link.degraded'] },
        { t: 10, rehearsal: ['link.degraded'] },
        { t: 300, rehearsal: ['link.degraded'] },
        { t: 600 },
        { t: 660 },
      ],
      ['open tinh-uy link.degraded @0', 'close tinh-uy link.degraded @600'],
    ],
    [
      'no telemetry yet (readiness unknown) neither raises nor clears',
      [
        { t: 0, readiness: ['codec.down'] },
        { t: 10, readiness: null },
        { t: 200, readiness: null },
      ],
      ['open tinh-uy codec.down @0'],
    ],
  ];

  test.each(cases)('%s', (_name, steps, expected) => {
    expect(run(steps).decisions).toEqual(expected);
  });

  test('the state keeps only the tracks with something going on or closed, not every room’s every cause', () => {
    expect(run([{ t: 0 }, { t: 100 }]).state.size).toBe(0);
    const { state } = run([
      { t: 0, readiness: ['codec.down'] },
      { t: 10, readiness: ['codec.down'] },
      { t: 40 },
      { t: 100, room: 'so-tttt', readiness: ['climate.out-of-range'] },
    ]);
    // The closed incident's track (for late edges), the room now showing a fault; nothing else.
    expect([...state.keys()].sort()).toEqual(['so-tttt|climate.out-of-range', 'tinh-uy|codec.down']);
    expect(state.get('tinh-uy|codec.down')).toMatchObject({
      active: false,
      open: false,
      closedAt: at(40).toISOString(),
    });
    expect(state.get('so-tttt|climate.out-of-range')).toMatchObject({ active: true, open: false });
    // An hour after it closed, the closed incident's track is forgotten; the fault going on is not.
    const later = run([
      { t: 0, readiness: ['codec.down'] },
      { t: 10, readiness: ['codec.down'] },
      { t: 40 },
      { t: 100, room: 'so-tttt', readiness: ['climate.out-of-range'] },
      { t: 40 + FORGET_AFTER_MS / 1000 + 1, room: 'so-tttt', readiness: ['climate.out-of-range'] },
    ]);
    expect([...later.state.keys()]).toEqual(['so-tttt|climate.out-of-range']);
    expect(later.decisions).toEqual([
      'open tinh-uy codec.down @0',
      'close tinh-uy codec.down @40',
      'open so-tttt climate.out-of-range @100',
    ]);
  });

  test('property: for any signal, opens and closes alternate, each open lasts from its first sign, and incidents are spaced by the clear wait', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 1, max: 90 }), active: fc.boolean() }), { maxLength: 80 }),
        (changes) => {
          let t = 0;
          const steps: Step[] = changes.map((c) => {
            t += c.dt;
            return { t, readiness: c.active ? ['link.degraded'] : [] };
          });
          const { raw } = run(steps);
          expect(raw.map((d) => d.kind)).toEqual(raw.map((_d, i) => (i % 2 === 0 ? 'open' : 'close')));
          for (let i = 0; i + 1 < raw.length; i += 2) {
            const open = raw[i]!;
            const close = raw[i + 1]!;
            if (open.kind !== 'open' || close.kind !== 'close') throw new Error('not alternating');
            expect(Date.parse(close.closedAt)).toBeGreaterThanOrEqual(Date.parse(open.openedAt));
            const next = raw[i + 2];
            // The next incident cannot start before the previous one's recovery held for the clear wait.
            if (next?.kind === 'open') {
              expect(Date.parse(next.openedAt) - Date.parse(close.closedAt)).toBeGreaterThanOrEqual(
                config.clearAfterSec * 1000,
              );
            }
          }
        },
      ),
    );
  });
});

describe('incident rules: grouping by dependency', () => {
  test('the MCU down opens one network incident, not one per room', () => {
    const { decisions } = run([
      { t: 0, mcu: 'down', offline: true, othersOffline: 27 },
      { t: 15, mcu: 'down', offline: true, othersOffline: 27 },
      { t: 60, mcu: 'down', offline: true, othersOffline: 27 },
    ]);
    expect(decisions).toEqual(['open network network.unreachable @0']);
  });

  test('the MCU down alone, rooms still online: one network incident, no link incidents', () => {
    const { decisions } = run([
      { t: 0, mcu: 'down', readiness: ['link.degraded'] },
      { t: 15, mcu: 'down', readiness: ['link.degraded'] },
    ]);
    expect(decisions).toEqual(['open network network.unreachable @0']);
  });

  test('most of the fleet offline at once (the uplink) is one network incident naming the rooms', () => {
    const { decisions, raw } = run([
      { t: 0, mcu: 'unknown', offline: true, othersOffline: 14 },
      { t: 15, mcu: 'unknown', offline: true, othersOffline: 14 },
    ]);
    expect(decisions).toEqual(['open network network.unreachable @0']);
    const open = raw[0];
    expect(open?.kind === 'open' && open.rooms).toHaveLength(15);
  });

  test('fewer than half offline are room incidents', () => {
    const { decisions } = run([
      { t: 0, offline: true, othersOffline: 12 },
      { t: 15, offline: true, othersOffline: 12 },
    ]);
    expect(decisions.filter((d) => d.endsWith('room.offline @0'))).toHaveLength(13);
    expect(decisions.some((d) => d.includes('network'))).toBe(false);
  });

  test("when the network is back, a room still down opens its own incident, dated from the network's return", () => {
    const { decisions } = run([
      { t: 0, mcu: 'down', offline: true, othersOffline: 27 },
      { t: 15, mcu: 'down', offline: true, othersOffline: 27 },
      { t: 100, mcu: 'up', offline: true },
      { t: 160, mcu: 'up', offline: true },
    ]);
    // The network closes at 160 (60 s of calm), dated 100; the room still down is counted from 100.
    expect(decisions).toEqual([
      'open network network.unreachable @0',
      'close network network.unreachable @100',
      'open tinh-uy room.offline @100',
    ]);
  });

  test('a room incident opened before the outage stays its own and closes on its recovery', () => {
    const { decisions } = run([
      { t: 0, offline: true },
      { t: 10, offline: true },
      { t: 20, mcu: 'down', offline: true, othersOffline: 27 },
      { t: 30, mcu: 'down', offline: true, othersOffline: 27 },
      { t: 40, mcu: 'up' },
      { t: 100, mcu: 'up' },
    ]);
    expect(decisions).toEqual([
      'open tinh-uy room.offline @0',
      'open network network.unreachable @20',
      'close network network.unreachable @40',
      'close tinh-uy room.offline @40',
    ]);
  });
});

describe('incident rules: a rehearsal’s calls tell the line from the codec', () => {
  const check = (
    name: RehearsalCheck['check'],
    status: RehearsalCheck['status'],
    fault?: RehearsalCheck['fault'],
  ): RehearsalCheck => ({ check: name, status, detail: '', evidence: {}, ...(fault ? { fault } : {}) });
  test.each([
    ['the line failed', [check('line', 'fail', 'line')], ['link.degraded']],
    ['the test call failed as the codec’s', [check('sip', 'fail', 'equipment')], ['codec.down']],
    ['a camera missing', [check('peripherals', 'fail', 'equipment')], ['codec.down']],
    [
      'no picture, the line bad too',
      [check('picture', 'fail', 'equipment'), check('line', 'fail', 'line')],
      ['codec.down', 'link.degraded'],
    ],
    [
      'the MCU’s test conference busy: the operator’s, no room incident',
      [check('sip', 'fail', 'operator')],
      [],
    ],
    [
      'a test call failed with the line: only the line',
      [check('sip', 'fail', 'line'), check('line', 'fail', 'line')],
      ['link.degraded'],
    ],
    ['marginal sound is no incident', [check('sound', 'marginal', 'equipment')], []],
    [
      'the agent’s own checks have live signals of their own',
      [check('codec', 'fail', 'equipment'), check('link', 'fail', 'line')],
      [],
    ],
  ] as const)('%s', (_name, checks, causes) => {
    expect([...causesOfChecks(checks)].sort()).toEqual([...causes].sort());
  });
});

describe('incident rules: mapping', () => {
  test.each([
    ['mains.lost', 'mains.lost'],
    ['codec.unreachable', 'codec.down'],
    ['codec.down', 'codec.down'],
    ['peripheral.camera', 'codec.down'],
    ['link.loss', 'link.degraded'],
    ['temperature.high', 'climate.out-of-range'],
    ['humidity.low', 'climate.out-of-range'],
    ['config.drift', 'config.drift'],
    ['codec.unknown', null],
    ['telemetry.stale', null],
    ['climate.fault', null],
  ])('readiness code %s is %s', (code, cause) => {
    expect(causeOfReadinessCode(code)).toBe(cause);
  });

  test.each([
    ['mains.lost', {}, { flag: 'mains', cause: 'mains.lost', raised: true }],
    ['mains.restored', {}, { flag: 'mains', cause: 'mains.lost', raised: false }],
    [
      'threshold.raised',
      { metric: 'lossPct', side: 'max' },
      { flag: 'lossPct:max', cause: 'link.degraded', raised: true },
    ],
    [
      'threshold.cleared',
      { metric: 'tempC', side: 'max' },
      { flag: 'tempC:max', cause: 'climate.out-of-range', raised: false },
    ],
    ['config.drift', { key: 'sip.proxy' }, { flag: 'config', cause: 'config.drift', raised: true }],
    // Raised and cleared by the hub's flood guard, not sent by a room.
    ['mqtt.flood', { broker: 'external' }, { flag: 'flood', cause: 'room.flooding', raised: true }],
    ['mqtt.flood-over', {}, { flag: 'flood', cause: 'room.flooding', raised: false }],
    ['config.restored', {}, { flag: 'config', cause: 'config.drift', raised: false }],
    ['call.started', {}, null],
    ['threshold.raised', { metric: 'rpm' }, null],
  ])('event %s %j', (type, data, edge) => {
    expect(edgeOfEvent(type, data)).toEqual(edge);
  });
});

describe('incidents tell the truth after an outage', () => {
  const quiet = (id: string): RoomSignals => ({
    roomId: id,
    offline: false,
    fromReadiness: new Map(),
    fromEvents: new Map(),
  });
  const fleetWith = (room: RoomSignals) => rooms.map((r) => (r.id === room.roomId ? room : quiet(r.id)));

  test('a fault replayed from the outbox opens at its own time, not at the replay', () => {
    const lost = at(-600).toISOString();
    const { decisions } = decideIncidents(
      new Map(),
      {
        now: at(0),
        rooms: fleetWith({
          ...quiet('so-y-te'),
          fromEvents: new Map([['mains.lost', { at: lost, severity: 'critical' }]]),
        }),
        mcu: 'up',
      },
      config,
    );
    expect(decisions).toEqual([
      { kind: 'open', roomId: 'so-y-te', cause: 'mains.lost', severity: 'critical', openedAt: lost },
    ]);
  });

  test('a fault seen live and closed is one incident: its cleared episode is not recorded again afterwards', () => {
    const lost = at(-900).toISOString();
    const back = at(-300).toISOString();
    const raised: RoomSignals = {
      ...quiet('so-y-te'),
      fromEvents: new Map([['mains.lost', { at: lost, severity: 'critical' }]]),
    };
    const ended: RoomSignals = {
      ...quiet('so-y-te'),
      cleared: new Map([['mains.lost', { began: lost, ended: back }]]),
    };
    let state: ReturnType<typeof decideIncidents>['state'] = new Map();
    const seen: string[] = [];
    // Open while it lasts; readiness still shows it a while after the events cleared; then each
    // later evaluation sees the same cleared episode.
    for (const [now, room] of [
      [-600, raised],
      [-280, { ...ended, fromReadiness: new Map([['mains.lost', { severity: 'critical' }]]) } as RoomSignals],
      [-200, ended],
      [0, ended],
      [600, ended],
    ] as [number, RoomSignals][]) {
      const result = decideIncidents(state, { now: at(now), rooms: fleetWith(room), mcu: 'up' }, config);
      state = result.state;
      seen.push(...result.decisions.map(describeDecision));
    }
    // Closed at the room's own time of recovery.
    expect(seen).toEqual(['open so-y-te mains.lost @-900', 'close so-y-te mains.lost @-300']);
  });

  test('a fault the readiness opened and closed is one incident, when the room’s events about it are recorded only afterwards', () => {
    const lost = at(-610).toISOString();
    const back = at(-260).toISOString();
    let state: ReturnType<typeof decideIncidents>['state'] = new Map();
    const seen: string[] = [];
    for (const [now, room] of [
      [-600, { ...quiet('so-y-te'), fromReadiness: new Map([['mains.lost', { severity: 'critical' }]]) }],
      [-580, { ...quiet('so-y-te'), fromReadiness: new Map([['mains.lost', { severity: 'critical' }]]) }],
      [-250, quiet('so-y-te')],
      [-180, quiet('so-y-te')],
      // The lost and restored edges, stored late behind a busy store, arrive together.
      [-100, { ...quiet('so-y-te'), cleared: new Map([['mains.lost', { began: lost, ended: back }]]) }],
      [0, { ...quiet('so-y-te'), cleared: new Map([['mains.lost', { began: lost, ended: back }]]) }],
    ] as [number, RoomSignals][]) {
      const result = decideIncidents(state, { now: at(now), rooms: fleetWith(room), mcu: 'up' }, config);
      state = result.state;
      seen.push(...result.decisions.map(describeDecision));
    }
    expect(seen).toEqual(['open so-y-te mains.lost @-600', 'close so-y-te mains.lost @-250']);
  });

  test('an episode the events report after an incident closed, begun after it closed, is an incident of its own', () => {
    let state: ReturnType<typeof decideIncidents>['state'] = new Map();
    const seen: string[] = [];
    for (const [now, room] of [
      [-1200, { ...quiet('so-y-te'), fromReadiness: new Map([['mains.lost', { severity: 'critical' }]]) }],
      [-1180, { ...quiet('so-y-te'), fromReadiness: new Map([['mains.lost', { severity: 'critical' }]]) }],
      [-1000, quiet('so-y-te')],
      [-930, quiet('so-y-te')],
      [
        0,
        {
          ...quiet('so-y-te'),
          cleared: new Map([
            ['mains.lost', { began: at(-900).toISOString(), ended: at(-300).toISOString() }],
          ]),
        },
      ],
    ] as [number, RoomSignals][]) {
      const result = decideIncidents(state, { now: at(now), rooms: fleetWith(room), mcu: 'up' }, config);
      state = result.state;
      seen.push(...result.decisions.map(describeDecision));
    }
    expect(seen).toEqual([
      'open so-y-te mains.lost @-1200',
      'close so-y-te mains.lost @-1000',
      'open so-y-te mains.lost @-900',
      'close so-y-te mains.lost @-300',
    ]);
  });

  test('a fault that began and ended while the hub was down is an incident that recovered before the hub saw it', () => {
    const lost = at(-900).toISOString();
    const back = at(-300).toISOString();
    const first = decideIncidents(
      new Map(),
      {
        now: at(0),
        rooms: fleetWith({
          ...quiet('so-y-te'),
          fromEvents: new Map([['mains.lost', { at: lost, severity: 'critical' }]]),
        }),
        mcu: 'up',
      },
      config,
    );
    const second = decideIncidents(
      first.state,
      {
        now: at(0),
        rooms: fleetWith({
          ...quiet('so-y-te'),
          cleared: new Map([['mains.lost', { began: lost, ended: back }]]),
        }),
        mcu: 'up',
      },
      config,
    );
    expect([...first.decisions, ...second.decisions].map(describeDecision)).toEqual([
      'open so-y-te mains.lost @-900',
      'close so-y-te mains.lost @-300',
    ]);
  });

  test('judged together (raised and cleared in one replay): long enough, an incident; a flap, none', () => {
    const judge = (beganSec: number, endedSec: number) => {
      const room: RoomSignals = {
        ...quiet('so-y-te'),
        cleared: new Map([
          ['mains.lost', { began: at(beganSec).toISOString(), ended: at(endedSec).toISOString() }],
        ]),
      };
      const first = decideIncidents(new Map(), { now: at(0), rooms: fleetWith(room), mcu: 'up' }, config);
      const again = decideIncidents(first.state, { now: at(120), rooms: fleetWith(room), mcu: 'up' }, config);
      return [...first.decisions, ...again.decisions].map(describeDecision);
    };
    expect(judge(-900, -300)).toEqual(['open so-y-te mains.lost @-900', 'close so-y-te mains.lost @-300']);
    expect(judge(-300, -297)).toEqual([]);
  });

  test('a cause past its not-ready limit opens as critical (40 °C), one past the degraded limit as a warning', () => {
    const room = (severity: 'warning' | 'critical'): RoomSignals => ({
      ...quiet('so-y-te'),
      fromReadiness: new Map([['climate.out-of-range', { severity }]]),
    });
    const open = (severity: 'warning' | 'critical') => {
      const first = decideIncidents(
        new Map(),
        { now: at(0), rooms: fleetWith(room(severity)), mcu: 'up' },
        config,
      );
      return decideIncidents(
        first.state,
        { now: at(20), rooms: fleetWith(room(severity)), mcu: 'up' },
        config,
      ).decisions;
    };
    expect(open('critical')).toEqual([
      expect.objectContaining({ cause: 'climate.out-of-range', severity: 'critical' }),
    ]);
    expect(open('warning')).toEqual([
      expect.objectContaining({ cause: 'climate.out-of-range', severity: 'warning' }),
    ]);
  });

  test('a restarted hub keeps open what it cannot judge yet: rooms not heard from, the fleet not settled', () => {
    const open: Track = { active: true, since: at(-3600).toISOString(), open: true };
    const state = new Map<string, Track>([
      ['so-y-te|room.offline', open],
      ['so-y-te|codec.down', open],
      ['*|network.unreachable', open],
    ]);
    const unheard = rooms.map(
      (r): RoomSignals => ({ roomId: r.id, offline: undefined, fromReadiness: null, fromEvents: new Map() }),
    );
    const later = decideIncidents(
      state,
      { now: at(300), rooms: unheard, mcu: 'unknown', settled: false },
      config,
    );
    expect(later.decisions).toEqual([]);
    for (const key of state.keys()) expect(later.state.get(key)).toEqual(open);
  });
});
