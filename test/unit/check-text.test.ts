/**
 * Every check the agent's rehearsal really produces, said in Vietnamese with its figures and the
 * limit it was held to: the agent's own `rehearsalChecks` feeds the table, so a change in how it
 * writes its details shows here.
 */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { type PowerContext, rehearsalChecks } from '../../agent/rehearsal/rehearse-handler.js';
import { checkText } from '../../hub/web/src/check-text.js';
import { setLang } from '../../hub/web/src/i18n/i18n.js';
import type { Readings, RehearsalCheckName } from '../../shared/schemas.js';

const healthy: Readings = {
  power: { mains: true, upsChargePct: 100, state: 'on' },
  climate: { tempC: 24, humidityPct: 55 },
  codec: { state: 'up', inCall: false },
  link: { latencyMs: 30, jitterMs: 3, lossPct: 0.1 },
};

function with_(patch: { [K in keyof Readings]?: Partial<Readings[K]> }): Readings {
  return {
    power: { ...healthy.power, ...patch.power },
    climate: { ...healthy.climate, ...patch.climate },
    codec: { ...healthy.codec, ...patch.codec },
    link: { ...healthy.link, ...patch.link },
  };
}

beforeEach(() => setLang('vi'));

describe('a rehearsal check in words', () => {
  test.each<[string, Readings, RehearsalCheckName, string, PowerContext?]>([
    ['healthy power', healthy, 'power', 'Có điện lưới, thiết bị đã bật'],
    [
      'mains lost',
      with_({ power: { mains: false, upsChargePct: 62.5 } }),
      'power',
      'Mất điện lưới, UPS 62,5 %',
    ],
    [
      'UPS low on mains',
      with_({ power: { upsChargePct: 20 } }),
      'power',
      'Có điện lưới nhưng UPS chỉ còn 20 % (ngưỡng 30 %)',
    ],
    ['did not switch on', with_({ power: { state: 'off' } }), 'power', 'Thiết bị không bật lên'],
    [
      'refused on battery',
      healthy,
      'power',
      'Không bật được vì đang chạy bằng UPS',
      { refused: { by: 'mains', reason: 'on battery' } },
    ],
    [
      'held off',
      healthy,
      'power',
      'Không bật: Sở TT&TT đang giữ điểm cầu tắt',
      { refused: { by: 'operator', reason: 'off until 20:00' } },
    ],
    [
      'no UPS sensor',
      with_({ power: { mains: null, upsChargePct: null } }),
      'power',
      'Không có cảm biến điện lưới, UPS',
    ],
    ['climate in range', healthy, 'climate', 'Nhiệt độ 24 °C, độ ẩm 55 % (trong ngưỡng)'],
    ['a hot room', with_({ climate: { tempC: 40 } }), 'climate', 'Nhiệt độ 40 °C, ngoài ngưỡng 16–32 °C'],
    [
      'hot and humid',
      with_({ climate: { tempC: 33.5, humidityPct: 81 } }),
      'climate',
      'Nhiệt độ 33,5 °C, ngoài ngưỡng 16–32 °C; Độ ẩm 81 %, ngoài ngưỡng 30–75 %',
    ],
    [
      'climate sensor fault',
      with_({ climate: { fault: 'i2c timeout' } }),
      'climate',
      'Cảm biến nhiệt độ, độ ẩm bị lỗi',
    ],
    ['codec up', healthy, 'codec', 'Thiết bị đầu cuối trả lời và hoạt động'],
    ['codec down', with_({ codec: { state: 'down' } }), 'codec', 'Thiết bị đầu cuối hỏng'],
    [
      'codec unreachable',
      with_({ codec: { state: 'unreachable' } }),
      'codec',
      'Không liên lạc được thiết bị đầu cuối',
    ],
    [
      'codec never booted',
      with_({ codec: { state: 'unchecked' } }),
      'codec',
      'Thiết bị đầu cuối không trả lời trong 180 giây sau khi bật nguồn',
    ],
    ['equipment off', with_({ power: { state: 'off' } }), 'codec', 'Thiết bị đang tắt, không kiểm tra được'],
    ['link in range', healthy, 'link', 'Mất gói 0,1 %, trễ 30 ms, dao động 3 ms (trong ngưỡng)'],
    ['loss 8 %', with_({ link: { lossPct: 8 } }), 'link', 'Mất gói 8 %, vượt ngưỡng 5 %'],
    [
      'latency and jitter',
      with_({ link: { latencyMs: 500, jitterMs: 150 } }),
      'link',
      'Độ trễ tới MCU 500 ms, vượt ngưỡng 400 ms; Dao động trễ 150 ms, vượt ngưỡng 100 ms',
    ],
    [
      'no link probe',
      with_({ link: { lossPct: null, latencyMs: null, jitterMs: null } }),
      'link',
      'Chưa cấu hình đo đường truyền tới MCU',
    ],
  ])('%s', (_name, readings, check, text, ...context) => {
    // Rows without a power context give none (a rest parameter: jest would take a fifth for `done`).
    const c = rehearsalChecks(readings, undefined, context[0] ?? {}).find((x) => x.check === check)!;
    expect(checkText(c)).toBe(text);
  });

  // Peripherals and the test call are the rehearsal's own (agent/call/), not judged from readings.
  test.each([
    ['peripherals', 'Bộ điều khiển chưa báo camera, micro, màn hình'],
    ['sip', 'Chưa thực hiện cuộc gọi thử tới MCU'],
  ] as const)('%s not run', (check, text) => {
    expect(checkText({ check, status: 'not-run', detail: 'no codec API', evidence: {} })).toBe(text);
  });

  test('no English detail ever comes through', () => {
    const c = rehearsalChecks(with_({ climate: { tempC: 40 } })).find((x) => x.check === 'climate')!;
    expect(checkText(c)).not.toMatch(/temperature|outside/);
  });
});
