/**
 * The rehearsal matrix's test-call figures (hub/web/src/call-figures.ts) and a room history's details
 * of the same call, channel by channel (hub/web/src/call-details.ts), without a browser: the hub's
 * own judge (call-checks.ts) decides, and each measured value stands beside its limit in Vietnamese
 * (English on request), with who must act on a failure.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { callChecks, defaultCallLimits } from '../../hub/schedule/call-checks.js';
import { callDetails } from '../../hub/web/src/call-details.js';
import { callFigures } from '../../hub/web/src/call-figures.js';
import { setLang } from '../../hub/web/src/i18n/i18n.js';
import type { RehearsalCheck, RehearseResult, TestCallResult } from '../../shared/schemas.js';

const expected = { cameras: 2, microphones: 1, touchPanels: 1, displays: 1 };

const call: TestCallResult = {
  dialled: 'test@mcu.hnth.example',
  outcome: 'connected',
  detail: 'connected in 3 s, measured 20 s',
  connectSec: 3,
  measuredSec: 20,
  channels: [
    { media: 'audio', direction: 'incoming', lossPct: 0, jitterMs: 4, codec: 'G722', rateKbps: 64 },
    { media: 'audio', direction: 'outgoing', lossPct: 0.5, jitterMs: 2, codec: 'G722', rateKbps: 64 },
    {
      media: 'video',
      direction: 'incoming',
      lossPct: 1.5,
      jitterMs: 12,
      codec: 'H264',
      rateKbps: 1920,
      widthPx: 1280,
      heightPx: 720,
      frameRate: 30,
    },
    {
      media: 'video',
      direction: 'outgoing',
      lossPct: 0,
      jitterMs: 3,
      codec: 'H264',
      rateKbps: 768,
      widthPx: 640,
      heightPx: 360,
      frameRate: 15,
    },
  ],
  microphones: [
    { name: 'Microphone 1', connected: true, muted: true },
    { name: 'Microphone 2', connected: true, muted: true },
  ],
  speaker: { muted: false, volumePct: 70 },
};

const facts: Pick<RehearseResult, 'testCall' | 'lineTest' | 'peripherals'> = {
  testCall: call,
  lineTest: {
    target: 'sip:9999@10.0.0.5:5060',
    outcome: 'answered',
    detail: 'answered 200 OK',
    sent: 500,
    received: 460,
    lossPct: 8,
    jitterMs: 2.5,
    rttMs: 42,
  },
  peripherals: {
    reported: ['camera', 'microphone', 'touch-panel', 'display'],
    devices: [
      { kind: 'camera', name: 'Integrated Camera', connected: true, integrated: true },
      { kind: 'microphone', name: 'Microphone 1', connected: true },
      { kind: 'touch-panel', name: 'Room Navigator', connected: true },
      { kind: 'display', name: 'Output 1', connected: true },
    ],
  },
};

const judged = (name: RehearsalCheck['check'], f = facts) =>
  callChecks(f, defaultCallLimits, expected).find((c) => c.check === name)!;

afterEach(() => setLang('vi'));

describe('a rehearsal cell’s test-call figures', () => {
  test.each<[RehearsalCheck['check'], string[]]>([
    [
      'line',
      [
        'Đo đường truyền: mất gói 8 % (≤ 5 %), jitter 2,5 ms (≤ 50 ms), trễ khứ hồi 42 ms (≤ 800 ms)',
        'Cuộc gọi thử: mất gói 1,5 % (≤ 5 %), jitter 12 ms (≤ 50 ms)',
        '→ Báo đối tác viễn thông',
      ],
    ],
    ['sip', ['Kết nối sau 3 giây']],
    [
      'sound',
      ['Mã hóa G722', '2 micro', 'micro đang tắt tiếng', 'âm lượng 70 %', '→ Báo kỹ thuật viên của phòng'],
    ],
    [
      'picture',
      ['640×360 (tối thiểu 720 dòng)', '15 hình/giây (tối thiểu 25)', '→ Báo kỹ thuật viên của phòng'],
    ],
    [
      'peripherals',
      [
        'Camera 1 (cần 2)',
        'Micro 1 (cần 1)',
        'Bảng điều khiển cảm ứng 1 (cần 1)',
        'Màn hình 1 (cần 1)',
        '→ Báo kỹ thuật viên của phòng',
      ],
    ],
  ])('%s: each value beside its limit, in Vietnamese', (name, lines) => {
    expect(callFigures(judged(name))).toEqual(lines);
  });

  test('in English on request', () => {
    setLang('en');
    expect(callFigures(judged('line'))).toEqual([
      'Line test: loss 8 % (≤ 5 %), jitter 2.5 ms (≤ 50 ms), round trip 42 ms (≤ 800 ms)',
      'Test call: loss 1.5 % (≤ 5 %), jitter 12 ms (≤ 50 ms)',
      '→ For the telecom partner',
    ]);
  });

  test('a call that never connected says why; a line that never answered says so, for the telecom partner', () => {
    const silent = {
      ...facts,
      testCall: { ...call, outcome: 'timeout' as const, connectSec: null, channels: [], microphones: [] },
      lineTest: {
        ...facts.lineTest!,
        outcome: 'timeout' as const,
        detail: 'no answer in 5 s',
        received: 0,
        lossPct: null,
        jitterMs: null,
        rttMs: null,
      },
    };
    expect(callFigures(judged('sip', silent))).toEqual([
      'Không kết nối được trong thời hạn',
      '→ Báo đối tác viễn thông',
    ]);
    expect(callFigures(judged('line', silent))).toEqual([
      'Đo đường truyền: MCU không trả lời',
      '→ Báo đối tác viễn thông',
    ]);
    expect(callFigures(judged('sound', silent))).toEqual([]);
  });

  test('checks without call figures show none', () => {
    expect(
      callFigures({
        check: 'climate',
        status: 'fail',
        detail: '35 °C',
        evidence: { tempC: 35 },
        fault: 'equipment',
      }),
    ).toEqual([]);
  });
});

describe('a room history’s test call, channel by channel', () => {
  const checks = callChecks(facts, defaultCallLimits, expected);

  test('the outcome, each channel, the microphones, the speaker and the line test, each beside its limit', () => {
    expect(callDetails({ calls: facts, checks })).toEqual({
      testCall: 'Cuộc gọi thử tới test@mcu.hnth.example: Kết nối sau 3 giây, đo trong 20 giây',
      channels: [
        'Âm thanh nhận về: Mã hóa G722, mất gói 0 % (≤ 5 %), jitter 4 ms (≤ 50 ms)',
        'Âm thanh gửi đi: Mã hóa G722, mất gói 0,5 % (≤ 5 %), jitter 2 ms (≤ 50 ms)',
        'Hình ảnh nhận về: Mã hóa H264, 1280×720 (tối thiểu 720 dòng), 30 hình/giây (tối thiểu 25), mất gói 1,5 % (≤ 5 %), jitter 12 ms (≤ 50 ms)',
        'Hình ảnh gửi đi: Mã hóa H264, 640×360 (tối thiểu 720 dòng), 15 hình/giây (tối thiểu 25), mất gói 0 % (≤ 5 %), jitter 3 ms (≤ 50 ms)',
      ],
      microphones: ['Microphone 1: đã kết nối, đang tắt tiếng', 'Microphone 2: đã kết nối, đang tắt tiếng'],
      speaker: 'Loa: âm lượng 70 %',
      lineTest:
        'Đo đường truyền tới sip:9999@10.0.0.5:5060: MCU trả lời; mất gói 8 % (≤ 5 %), jitter 2,5 ms (≤ 50 ms), trễ khứ hồi 42 ms (≤ 800 ms), nhận lại 460/500 gói',
    });
  });

  test('the limits are the ones the run was judged against, not today’s', () => {
    const strict = { ...defaultCallLimits, lossPct: { marginal: 0.5, fail: 2 } };
    const details = callDetails({ calls: facts, checks: callChecks(facts, strict, expected) });
    expect(details?.channels[2]).toContain('mất gói 1,5 % (≤ 2 %)');
    expect(details?.lineTest).toContain('mất gói 8 % (≤ 2 %)');
  });

  test('a call that was rejected names the cause and measured nothing; a muted speaker says so', () => {
    const rejected = {
      ...facts,
      testCall: {
        ...call,
        outcome: 'rejected' as const,
        connectSec: null,
        channels: [],
        microphones: [{ name: 'Ceiling', connected: false, muted: null }],
        speaker: { muted: true, volumePct: null },
      },
      lineTest: undefined,
    };
    expect(
      callDetails({ calls: rejected, checks: callChecks(rejected, defaultCallLimits, expected) }),
    ).toEqual({
      testCall: 'Cuộc gọi thử tới test@mcu.hnth.example: MCU từ chối',
      channels: [],
      microphones: ['Ceiling: mất kết nối'],
      speaker: 'Loa: đang tắt tiếng',
      lineTest: null,
    });
  });

  test('in English on request', () => {
    setLang('en');
    const details = callDetails({ calls: facts, checks });
    expect(details?.testCall).toBe('Test call to test@mcu.hnth.example: Connected in 3 s, measured for 20 s');
    expect(details?.channels[0]).toBe('Sound received: Codec G722, loss 0 % (≤ 5 %), jitter 4 ms (≤ 50 ms)');
  });

  test('a room that placed neither call has no details', () => {
    expect(callDetails({ calls: { peripherals: facts.peripherals }, checks })).toBeNull();
    expect(callDetails({ checks: [] })).toBeNull();
  });
});
