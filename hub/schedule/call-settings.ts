/**
 * The rehearsal's test call and line test (art. 9.3), the limits they are judged by and the
 * peripherals every room must have (art. 5.1): settings of hub/schedule/call-checks.ts and
 * call-plan.ts.
 *
 * Sources of the limits: loss and jitter as the link's (hub/readiness-settings.ts: 1 % and 5 % from
 * the usual H.323/SIP video guidance, 30 ms from Cisco's video QoS design), the fail for jitter where
 * a codec's jitter buffer no longer hides it (50 ms); round trip twice ITU-T G.114's 150 ms one way
 * (fail at twice its 400 ms limit); picture: HD (720 lines, 25 frames, the PAL rate) expected of a
 * room system, and below 360 lines or 15 frames faces and gestures are lost in a hall.
 */
import {
  allProblems,
  between,
  type CrossCheck,
  defaultsOf,
  isPlainObject,
  positive,
  type SettingsOf,
  wholeBetween,
} from '../../shared/settings.js';

/** What a room or the MCU is dialled with: a SIP URI or number, as a codec's Dial takes it. */
const DIAL_STRING = /^[A-Za-z0-9@.:+_*#-]{1,255}$/;

const over = (what: string, unit: string, marginal: number, fail: number, range: [number, number]) => ({
  marginal: {
    doc: `${what} above this (${unit}) is marginal.`,
    format: between(...range),
    default: marginal,
  },
  fail: { doc: `${what} above this (${unit}) fails.`, format: between(...range), default: fail },
});
const under = (what: string, unit: string, marginal: number, fail: number, range: [number, number]) => ({
  marginal: {
    doc: `${what} below this (${unit}) is marginal.`,
    format: between(...range),
    default: marginal,
  },
  fail: { doc: `${what} below this (${unit}) fails.`, format: between(...range), default: fail },
});

const callLimitSettings = {
  lossPct: over('Packet loss', '%', 1, 5, [0, 100]),
  jitterMs: over('Jitter', 'ms', 30, 50, [0, 60_000]),
  rttMs: over('Round trip', 'ms', 300, 800, [0, 60_000]),
  heightPx: under('The picture’s lines (its height; 720 is HD)', 'px', 720, 360, [0, 4320]),
  frameRate: under('The picture’s frame rate', 'frames/s', 25, 15, [0, 120]),
};

export type CallLimits = SettingsOf<typeof callLimitSettings>;
export const defaultCallLimits: CallLimits = defaultsOf(callLimitSettings);

const peripheralKinds = ['cameras', 'microphones', 'touchPanels', 'displays'] as const;

const count = (what: string, n: number) => ({
  doc: `${what} connected.`,
  format: wholeBetween(0, 16),
  default: n,
});

const expectedPeripheralSettings = {
  cameras: count('Cameras (integrated ones count)', 1),
  microphones: count('Microphones', 1),
  touchPanels: count('Touch panels', 0),
  displays: count('Displays', 1),
};

/** How many of each kind the room must have connected (art. 5.1: picture and sound clear). */
export type ExpectedPeripherals = SettingsOf<typeof expectedPeripheralSettings>;

/** Every problem of one room's counts, each named `"room".kind`. */
function countProblems(room: string, counts: unknown): string[] {
  if (!isPlainObject(counts)) return [`"${room}": must be {cameras, microphones, touchPanels, displays}`];
  return Object.entries(counts).flatMap(([kind, n]) => {
    if (!(peripheralKinds as readonly string[]).includes(kind))
      return [`"${room}".${kind}: not one of ${peripheralKinds.join(', ')}`];
    return Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 16
      ? []
      : [`"${room}".${kind}: ${JSON.stringify(n)} is not a whole number from 0 to 16`];
  });
}

export const testCallSettings = {
  dialString: {
    doc: 'Art. 9.3: the MCU’s test conference each room’s codec dials in a rehearsal (SIP URI or number); empty: no test call unless the room has its own below.',
    format: (value: unknown) => {
      if (value !== '' && (typeof value !== 'string' || !DIAL_STRING.test(value)))
        throw new Error('must be empty or a SIP URI or number to dial (letters, digits and @ . : + _ * # -)');
    },
    default: '',
    env: 'HNTH_TEST_CALL_DIAL',
  },
  roomDialStrings: {
    doc: 'A room’s own test conference, room id to dial string, where it differs from dialString.',
    format: allProblems((value) =>
      isPlainObject(value)
        ? Object.entries(value)
            .filter(([, dial]) => typeof dial !== 'string' || !DIAL_STRING.test(dial))
            .map(([room, dial]) => `"${room}": ${JSON.stringify(dial)} is not a SIP URI or number to dial`)
        : ['must be an object of room ids to dial strings'],
    ),
    default: {} as Record<string, string>,
  },
  connectTimeoutSec: {
    doc: 'Seconds the test call has to connect before it counts as not connecting.',
    format: positive,
    default: 30,
  },
  measureSec: {
    doc: 'Seconds the test call’s media statistics are read once connected.',
    format: positive,
    default: 20,
  },
  lineTestUri: {
    doc: 'The MCU’s test number the room controllers call themselves, sip:number@host[:port], and which echoes RTP; empty: no line test.',
    format: (value: unknown) => {
      if (value !== '' && (typeof value !== 'string' || !/^sip:[^@\s]+@[^\s:;]+(:\d{1,5})?$/.test(value)))
        throw new Error('must be empty or the MCU’s test number as sip:number@host[:port]');
    },
    default: '',
    env: 'HNTH_LINE_TEST_URI',
  },
  lineTestSec: {
    doc: 'Seconds of RTP the line test sends.',
    format: positive,
    default: 10,
  },
  limits: callLimitSettings,
};

export type TestCallSettings = SettingsOf<typeof testCallSettings>;

export const peripheralSettings = {
  expected: expectedPeripheralSettings,
  rooms: {
    doc: 'A room’s own expected peripherals where they differ, room id to {cameras, microphones, touchPanels, displays} (missing kinds as peripherals.expected).',
    format: allProblems((value) =>
      isPlainObject(value)
        ? Object.entries(value).flatMap(([room, counts]) => countProblems(room, counts))
        : ['must be an object of room ids to expected peripherals'],
    ),
    default: {} as Record<string, Partial<ExpectedPeripherals>>,
  },
};

export type PeripheralSettings = SettingsOf<typeof peripheralSettings>;

/** An upper limit's fail lies above its marginal, a lower limit's below. */
export const callLimitChecks: CrossCheck<{ testCall: TestCallSettings }>[] = (
  Object.keys(callLimitSettings) as (keyof CallLimits)[]
).map((key) => ({
  keys: [`testCall.limits.${key}`],
  check: ({ testCall }) => {
    const { marginal, fail } = testCall.limits[key];
    const lower = key === 'heightPx' || key === 'frameRate';
    return (lower ? fail > marginal : fail < marginal)
      ? [`testCall.limits.${key}: fail (${fail}) must be ${lower ? 'below' : 'above'} marginal (${marginal})`]
      : [];
  },
}));
