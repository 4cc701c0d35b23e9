import { describe, expect, test } from '@jest/globals';
import { callChecks, defaultCallLimits, type ExpectedPeripherals } from '../../hub/schedule/call-checks.js';
import { callPlan, freezeRefusal } from '../../hub/schedule/call-plan.js';
import type { Freeze } from '../../hub/schedule/change-freeze.js';
import type { CallChannel, LineTestResult, RehearseResult, TestCallResult } from '../../shared/schemas.js';

const expected: ExpectedPeripherals = { cameras: 1, microphones: 1, touchPanels: 1, displays: 1 };

const channel = (
  media: 'audio' | 'video',
  direction: 'incoming' | 'outgoing',
  patch: Partial<CallChannel> = {},
): CallChannel => ({
  media,
  direction,
  lossPct: 0,
  jitterMs: 3,
  codec: media === 'audio' ? 'AACLD' : 'H264',
  rateKbps: media === 'audio' ? 64 : 1920,
  ...(media === 'video' ? { widthPx: 1280, heightPx: 720, frameRate: 30 } : {}),
  ...patch,
});

const connected: TestCallResult = {
  dialled: 'test@mcu.hnth.example',
  outcome: 'connected',
  detail: 'connected in 2 s, measured 20 s',
  connectSec: 2,
  measuredSec: 20,
  channels: [
    channel('audio', 'incoming'),
    channel('audio', 'outgoing'),
    channel('video', 'incoming'),
    channel('video', 'outgoing'),
  ],
  microphones: [{ name: 'Microphone 1', connected: true, muted: false }],
  speaker: { muted: false, volumePct: 50 },
};
const failedCall = (outcome: TestCallResult['outcome'], detail: string): TestCallResult => ({
  ...connected,
  outcome,
  detail,
  connectSec: null,
  measuredSec: 0,
  channels: [],
  microphones: [],
  speaker: null,
});
const line = (patch: Partial<LineTestResult> = {}): LineTestResult => ({
  target: 'sip:9999@10.0.0.5:5060',
  outcome: 'answered',
  detail: 'answered 200 OK',
  sent: 500,
  received: 500,
  lossPct: 0,
  jitterMs: 2,
  rttMs: 40,
  ...patch,
});
const inventory: NonNullable<RehearseResult['peripherals']> = {
  reported: ['camera', 'microphone', 'touch-panel', 'display'],
  devices: [
    { kind: 'camera', name: 'Integrated Camera', connected: true, integrated: true },
    { kind: 'microphone', name: 'Microphone 1', connected: true },
    { kind: 'touch-panel', name: 'Room Navigator', connected: true },
    { kind: 'display', name: 'DELL P2417H', connected: true },
    { kind: 'display', name: 'Output 2', connected: false },
  ],
};
const healthy = { testCall: connected, lineTest: line(), peripherals: inventory };

function judged(facts: Parameters<typeof callChecks>[0], name: string, notAsked: string | null = null) {
  return callChecks(facts, defaultCallLimits, expected, notAsked).find((c) => c.check === name)!;
}

describe('the rehearsal’s call checks, as a table', () => {
  test('a healthy room passes all five, naming what it measured', () => {
    const checks = callChecks(healthy, defaultCallLimits, expected);
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['peripherals', 'pass'],
      ['sip', 'pass'],
      ['line', 'pass'],
      ['sound', 'pass'],
      ['picture', 'pass'],
    ]);
    expect(checks[4]!.detail).toBe('picture both ways, 1280x720 at 30 frames/s');
    expect(checks[2]!.evidence).toMatchObject({ lineLossPct: 0, callLossPct: 0, limitLossPct: 5 });
  });

  test.each([
    // [name, facts, check, status, fault, detail]
    [
      'camera unplugged',
      {
        ...healthy,
        peripherals: {
          ...inventory,
          devices: inventory.devices.map((d) => (d.kind === 'camera' ? { ...d, connected: false } : d)),
        },
      },
      'peripherals',
      'fail',
      'equipment',
      /^missing: cameras 0 of 1 connected/,
    ],
    [
      'no touch panel at all',
      {
        ...healthy,
        peripherals: { ...inventory, devices: inventory.devices.filter((d) => d.kind !== 'touch-panel') },
      },
      'peripherals',
      'fail',
      'equipment',
      /touchPanels 0 of 1/,
    ],
    [
      'a second camera lost, one required',
      {
        ...healthy,
        peripherals: {
          ...inventory,
          devices: [...inventory.devices, { kind: 'camera' as const, name: 'Quad Camera', connected: false }],
        },
      },
      'peripherals',
      'marginal',
      'equipment',
      /^Quad Camera lost/,
    ],
    [
      'a Poly that reports no displays',
      {
        ...healthy,
        peripherals: {
          reported: ['camera', 'microphone', 'touch-panel'] as const,
          devices: inventory.devices.filter((d) => d.kind !== 'display'),
        },
      },
      'peripherals',
      'pass',
      undefined,
      /displays not reported by this codec/,
    ],
    [
      'no inventory',
      { ...healthy, peripherals: undefined },
      'peripherals',
      'not-run',
      undefined,
      /listed no peripherals/,
    ],
    [
      'the MCU’s test conference busy',
      { ...healthy, testCall: failedCall('busy', 'RemoteBusy (Busy Here 486)') },
      'sip',
      'fail',
      'operator',
      /test call busy.*the MCU’s test conference/,
    ],
    [
      'rejected with a good line',
      { ...healthy, testCall: failedCall('rejected', 'RemoteRejected (Decline 603)') },
      'sip',
      'fail',
      'operator',
      /rejected/,
    ],
    [
      'never connects, the line good: the codec’s',
      { ...healthy, testCall: failedCall('timeout', 'not connected within 30 s') },
      'sip',
      'fail',
      'equipment',
      /the line test passed: the codec’s$/,
    ],
    [
      'never connects, the line test silent too: the line’s',
      {
        ...healthy,
        testCall: failedCall('timeout', 'not connected within 30 s'),
        lineTest: line({
          outcome: 'timeout',
          detail: 'no answer',
          lossPct: null,
          jitterMs: null,
          rttMs: null,
        }),
      },
      'sip',
      'fail',
      'line',
      /the line test failed too/,
    ],
    [
      'the codec could not dial',
      { ...healthy, testCall: failedCall('codec-error', 'codec refused the command') },
      'sip',
      'fail',
      'equipment',
      /codec-error/,
    ],
    [
      'not placed in a meeting’s freeze',
      { ...healthy, testCall: failedCall('not-placed', 'change freeze of meeting m-1') },
      'sip',
      'not-run',
      undefined,
      /^no test call: change freeze/,
    ],
    [
      'loss 8 % in the line test',
      { ...healthy, lineTest: line({ lossPct: 8 }) },
      'line',
      'fail',
      'line',
      /^loss 8 % over 5 % \(line test\)/,
    ],
    [
      'loss 9 % in the call’s video only',
      {
        ...healthy,
        testCall: {
          ...connected,
          channels: [
            ...connected.channels.slice(0, 2),
            channel('video', 'incoming', { lossPct: 9.08 }),
            channel('video', 'outgoing'),
          ],
        },
      },
      'line',
      'fail',
      'line',
      /^loss 9.08 % over 5 % \(test call\)/,
    ],
    [
      'jitter 35 ms',
      { ...healthy, lineTest: line({ jitterMs: 35 }) },
      'line',
      'marginal',
      'line',
      /^jitter 35 ms over 30 ms/,
    ],
    [
      'round trip 900 ms',
      { ...healthy, lineTest: line({ rttMs: 900 }) },
      'line',
      'fail',
      'line',
      /round trip 900 ms over 800 ms/,
    ],
    [
      'the test number silent',
      {
        ...healthy,
        lineTest: line({
          outcome: 'timeout',
          detail: 'no answer from sip:9999@10.0.0.5:5060 within 10000 ms',
          lossPct: null,
          jitterMs: null,
          rttMs: null,
        }),
      },
      'line',
      'fail',
      'line',
      /^line test timeout/,
    ],
    [
      'the test number refuses, no call media',
      {
        testCall: failedCall('not-placed', 'a call is in progress'),
        lineTest: line({
          outcome: 'rejected',
          detail: '404 Not Found',
          lossPct: null,
          jitterMs: null,
          rttMs: null,
        }),
      },
      'line',
      'marginal',
      'operator',
      /refused the line test: 404/,
    ],
    [
      'neither measured',
      {},
      'line',
      'not-run',
      undefined,
      /^no line test \(none asked\) and no test call media$/,
    ],
    [
      'no sound sent',
      {
        ...healthy,
        testCall: {
          ...connected,
          channels: connected.channels.filter((c) => !(c.media === 'audio' && c.direction === 'outgoing')),
        },
      },
      'sound',
      'fail',
      'equipment',
      /sent no sound/,
    ],
    [
      'microphones muted',
      {
        ...healthy,
        testCall: { ...connected, microphones: [{ name: 'Microphone 1', connected: true, muted: true }] },
      },
      'sound',
      'marginal',
      'equipment',
      /microphones muted/,
    ],
    [
      'no microphone connected (the SX20’s inputs)',
      {
        ...healthy,
        testCall: {
          ...connected,
          microphones: [
            { name: 'Microphone 1', connected: false, muted: true },
            { name: 'Microphone 2', connected: false, muted: true },
          ],
        },
      },
      'sound',
      'fail',
      'equipment',
      /no microphone connected/,
    ],
    [
      'speaker at 0',
      { ...healthy, testCall: { ...connected, speaker: { muted: false, volumePct: 0 } } },
      'sound',
      'marginal',
      'equipment',
      /speaker volume 0/,
    ],
    [
      'the call did not connect',
      { ...healthy, testCall: failedCall('busy', 'busy') },
      'sound',
      'not-run',
      undefined,
      /did not connect \(busy\)/,
    ],
    [
      'picture at 360 lines',
      {
        ...healthy,
        testCall: {
          ...connected,
          channels: [
            ...connected.channels.slice(0, 3),
            channel('video', 'outgoing', { widthPx: 640, heightPx: 360 }),
          ],
        },
      },
      'picture',
      'marginal',
      'equipment',
      /^360 lines below 720/,
    ],
    [
      'picture at 10 frames',
      {
        ...healthy,
        testCall: {
          ...connected,
          channels: [...connected.channels.slice(0, 3), channel('video', 'outgoing', { frameRate: 10 })],
        },
      },
      'picture',
      'fail',
      'equipment',
      /10 frames\/s below 15/,
    ],
    [
      'no picture sent',
      { ...healthy, testCall: { ...connected, channels: connected.channels.slice(0, 3) } },
      'picture',
      'fail',
      'equipment',
      /sent no picture/,
    ],
  ] as const)('%s: %s', (_name, facts, name, status, fault, detail) => {
    const c = judged(facts as Parameters<typeof callChecks>[0], name);
    expect(c.status).toBe(status);
    expect(c.fault).toBe(fault);
    expect(c.detail).toMatch(detail);
  });

  test('no test call asked: sip, sound and picture say why, never pass', () => {
    const checks = callChecks(
      { lineTest: line() },
      defaultCallLimits,
      expected,
      'no test conference is set (testCall.dialString)',
    );
    expect(
      checks.filter((c) => ['sip', 'sound', 'picture'].includes(c.check)).map((c) => [c.status, c.detail]),
    ).toEqual([
      ['not-run', 'no test conference is set (testCall.dialString)'],
      ['not-run', 'no test conference is set (testCall.dialString)'],
      ['not-run', 'no test conference is set (testCall.dialString)'],
    ]);
  });
});

describe('microphones a codec does not report on (CE 8 lists its inputs without a connection state)', () => {
  const unreported = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ name: `Microphone ${i + 1}`, connected: null, muted: false }));

  test('neither fail the sound nor count as connected: the evidence says how many were not reported', () => {
    const sound = judged({ ...healthy, testCall: { ...connected, microphones: unreported(8) } }, 'sound');
    expect(sound.status).toBe('pass');
    expect(sound.evidence).toMatchObject({ microphones: 0, microphonesNotReported: 8 });
  });

  test('beside one reported connected, it is that one that counts', () => {
    const sound = judged(
      {
        ...healthy,
        testCall: {
          ...connected,
          microphones: [{ name: 'Microphone 1', connected: true, muted: false }, ...unreported(2)],
        },
      },
      'sound',
    );
    expect(sound.evidence).toMatchObject({ microphones: 1, microphonesNotReported: 2 });
  });

  test('beside ones reported disconnected, the sound is not failed for lack of a microphone', () => {
    const sound = judged(
      {
        ...healthy,
        testCall: {
          ...connected,
          microphones: [{ name: 'Microphone 1', connected: false, muted: false }, ...unreported(1)],
        },
      },
      'sound',
    );
    expect(sound.status).toBe('pass');
  });
});

describe('what a rehearsal asks of a room', () => {
  const freeze = (window: string, meetingId = 'm-1'): Freeze => ({
    meetingId,
    title: 'Họp UBND tỉnh',
    window,
    from: '2027-01-07T00:30:00.000Z',
    to: '2027-01-07T04:00:00.000Z',
  });

  test.each([
    ['no freeze', null, 'm-1', null],
    ['its own meeting’s rehearsal window', freeze('T-2h'), 'm-1', null],
    [
      'its meeting’s warm-up or the meeting',
      freeze('meeting'),
      'm-1',
      /^change freeze of the meeting m-1 from 2027-01-07T00:30:00.000Z to 2027-01-07T04:00:00.000Z: no test call$/,
    ],
    [
      'another meeting’s rehearsal',
      freeze('T-24h', 'm-2'),
      'm-1',
      /^change freeze of the T-24h rehearsal of meeting m-2 from /,
    ],
    ['an inspection inside a rehearsal window', freeze('T-24h'), null, /no test call$/],
  ] as const)('%s', (_name, f, meetingId, refusal) => {
    const r = freezeRefusal(f, meetingId);
    if (refusal === null) expect(r).toBeNull();
    else expect(r).toMatch(refusal);
  });

  const settings = {
    testCall: {
      dialString: 'test@mcu.hnth.example',
      roomDialStrings: { 'ubnd-lam-binh': '8888@mcu.hnth.example' },
      connectTimeoutSec: 30,
      measureSec: 20,
      lineTestUri: 'sip:9999@10.0.0.5:5060',
      lineTestSec: 10,
      limits: defaultCallLimits,
    },
    peripherals: { expected, rooms: { 'ubnd-lam-binh': { touchPanels: 0 } } },
  };

  test('the fleet’s test conference, a room’s own, and the line test asked of every room', async () => {
    const plan = callPlan(settings, async () => null);
    expect(await plan.ask('ubnd-yen-son', 'm-1')).toEqual({
      args: {
        testCall: { number: 'test@mcu.hnth.example', connectTimeoutSec: 30, measureSec: 20 },
        lineTest: { target: 'sip:9999@10.0.0.5:5060', durationSec: 10 },
      },
      notAsked: null,
      lineNotAsked: null,
    });
    expect((await plan.ask('ubnd-lam-binh', 'm-1')).args.testCall).toMatchObject({
      number: '8888@mcu.hnth.example',
    });
    expect(plan.expected('ubnd-lam-binh')).toEqual({ ...expected, touchPanels: 0 });
  });

  test('inside a meeting’s freeze: neither the test call nor the line test (a call on the meeting’s line), and why', async () => {
    const plan = callPlan(settings, async () => freeze('meeting'));
    const ask = await plan.ask('ubnd-yen-son', 'm-1');
    expect(ask.args).toEqual({});
    expect(ask.notAsked).toMatch(/^change freeze of the meeting m-1 from .*: no test call$/);
    expect(ask.lineNotAsked).toMatch(/^change freeze of the meeting m-1 from .*: no line test$/);
    // The title stays out: any viewer reads the rehearsal (art. 13.1c).
    expect(ask.notAsked).not.toContain('Họp UBND tỉnh');
    const line = callChecks({}, defaultCallLimits, expected, ask.notAsked, ask.lineNotAsked).find(
      (c) => c.check === 'line',
    )!;
    expect(line.status).toBe('not-run');
    expect(line.detail).toMatch(
      /^no line test \(change freeze of .*: no line test\) and no test call media$/,
    );
  });

  test('its own rehearsal window: both', async () => {
    const ask = await callPlan(settings, async () => freeze('T-2h')).ask('ubnd-yen-son', 'm-1');
    expect(Object.keys(ask.args)).toEqual(['testCall', 'lineTest']);
  });

  test('no test conference set: nothing dialled', async () => {
    const plan = callPlan(
      {
        ...settings,
        testCall: { ...settings.testCall, dialString: '', roomDialStrings: {}, lineTestUri: '' },
      },
      async () => null,
    );
    expect(await plan.ask('ubnd-yen-son', null)).toEqual({
      args: {},
      notAsked: 'no test conference is set (testCall.dialString)',
      lineNotAsked: 'no line test number is set (testCall.lineTestUri)',
    });
  });
});
