/**
 * Why the room page's orders were refused, in the reader's words (hub/web/src/order-refusal-text.ts),
 * without a browser: the room's English forms (a call, a freeze, the UPS, a codec that cannot sleep on
 * command) become Vietnamese; a Poly room's standby is told apart from a room not set up for one.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import type { CommandError } from '../../agent/commands/command-router.js';
import { NO_STANDBY_OUTPUT, noStandby } from '../../agent/power/codec-standby-output.js';
import { POLY_NO_STANDBY } from '../../agent/probes/codec-poly.js';
import { setLang } from '../../hub/web/src/i18n/i18n.js';
import { refusalText } from '../../hub/web/src/order-refusal-text.js';

/** The hub's answer to a refused action, as room-order.ts passes the room's refusal on. */
const refused = (err: CommandError) => ({ code: err.code, error: err.message });

afterEach(() => setLang('vi'));

describe('a refused order in words', () => {
  test('a Poly room’s standby or wake: its codec has no such command, and sleeps on its own', () => {
    expect(refusalText(refused(noStandby(POLY_NO_STANDBY)), 'action')).toBe(
      'Điểm cầu từ chối: codec Poly không nhận lệnh chờ hay đánh thức từ xa (giao diện REST của Poly không có lệnh này); codec tự chuyển sang chờ theo thời gian chờ cài trên thiết bị và thức dậy khi được dùng',
    );
  });

  test('a room not set up for standby says what it lacks', () => {
    expect(refusalText(refused(noStandby(NO_STANDBY_OUTPUT)), 'action')).toBe(
      'Điểm cầu từ chối: phòng này chưa được cấu hình để cho codec chờ hay đánh thức từ xa (cần khai báo đầu ra chờ của codec trên bộ điều khiển)',
    );
  });

  test('a controller older than the action says it needs updating, not the room’s English', () => {
    const text = refusalText(
      { code: 'unknown-command', error: 'this agent has no command "standby"' },
      'action',
    );
    expect(text).toBe('Điểm cầu từ chối: bộ điều khiển chưa hỗ trợ thao tác này (cần cập nhật phần mềm)');
  });

  test('a call in progress is worded for the order', () => {
    const busy = {
      code: 'refused',
      error: 'a call is in progress; send force: true to put the codec in standby',
    };
    expect(refusalText(busy, 'action')).toBe(
      'Điểm cầu từ chối: phòng đang họp, không thực hiện giữa cuộc họp',
    );
  });

  test('in English on request', () => {
    setLang('en');
    expect(refusalText(refused(noStandby(POLY_NO_STANDBY)), 'action')).toMatch(
      /a Poly codec takes no standby or wake from afar/,
    );
  });
});
