/**
 * What the dashboard writes for the hub's codes, without a browser: a rehearsal's run, who must act
 * on a failing room, a check's result with its figures, an event's details, an API refusal, the
 * person behind an acknowledgement. Codes never reach the page as they are.
 */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { parseActorLabel } from '../../hub/api/actor.js';
import { telecomPartnerId } from '../../hub/schedule/notify-list.js';
import { actorText } from '../../hub/web/src/actor-text.js';
import { errorText } from '../../hub/web/src/api-error-text.js';
import { eventDetailText, eventTypeText } from '../../hub/web/src/event-text.js';
import { setLang } from '../../hub/web/src/i18n/i18n.js';
import { attemptErrorText, slotText } from '../../hub/web/src/rehearsal-text.js';
import { failureText, responsibleText } from '../../hub/web/src/responsible-text.js';

const names: Record<string, string> = { 'ubnd-na-hang': 'UBND huyện Na Hang' };
const roomName = (id: string) => names[id] ?? id;

beforeEach(() => setLang('vi'));

describe('a rehearsal’s run', () => {
  test.each([
    ['T-24h', 'Chạy thử trước 24 giờ'],
    ['T-2h', 'Chạy thử trước 2 giờ'],
    ['now', 'Chạy thử theo yêu cầu'],
    ['inspection', 'Kiểm tra định kỳ'],
  ])('%s is "%s"', (slot, text) => {
    expect(slotText(slot)).toBe(text);
  });

  test('in English too', () => {
    setLang('en');
    expect(slotText('T-2h')).toBe('Rehearsal 2 h before');
  });
});

describe('who must act (art. 11.1, 13)', () => {
  test('the line is the telecom partner’s, the equipment the room’s technician’s', () => {
    expect(
      failureText(
        'ubnd-na-hang',
        {
          check: 'link',
          status: 'fail',
          detail: 'loss 8 % to MCU over 5 %',
          responsible: [{ kind: 'partner', partnerId: telecomPartnerId }],
        },
        roomName,
      ),
    ).toBe('UBND huyện Na Hang: Kết nối tới MCU, cần Viễn thông Tuyên Quang (đường truyền) xử lý');
    expect(responsibleText({ kind: 'room-technician', roomId: 'ubnd-na-hang' }, roomName)).toBe(
      'cán bộ kỹ thuật của UBND huyện Na Hang',
    );
    expect(responsibleText({ kind: 'operator' }, roomName)).toBe('Sở TT&TT');
  });
});

describe('why a room gave no rehearsal result', () => {
  test.each([
    ['no rehearsal result: timeout: no reply from x within 1000 ms', 'không trả lời trong thời hạn'],
    ['no rehearsal result: not-sent: broker refused the command: closed', 'không gửi được lệnh tới điểm cầu'],
    ['no rehearsal result: unknown-command: rehearse', 'bộ điều khiển chưa hỗ trợ chạy thử (cần cập nhật)'],
    ['reply is not a rehearsal result: Required', 'trả lời không đúng dạng'],
    ['something new', 'lỗi khác'],
    [null, 'lỗi khác'],
  ])('%j', (error, text) => {
    expect(attemptErrorText(error)).toBe(text);
  });
});

describe('a refusal from the hub, never in its English', () => {
  test.each([
    [
      { status: 409, body: { error: 'incident 3 is already acknowledged', code: 'already-acknowledged' } },
      'Sự cố đã có người tiếp nhận.',
    ],
    [{ status: 400, body: { error: 'x', rule: 'notice-48h' } }, 'Thông tin gửi đi chưa hợp lệ.'],
    [
      { status: 400, body: { error: 'x', rule: 'rooms-exist' } },
      'Có điểm cầu không thuộc hệ thống (Điều 2.2).',
    ],
    [
      { status: 400, body: { error: 'phone must be …', field: 'phone' } },
      'Thông tin chưa hợp lệ: điện thoại.',
    ],
    [{ status: 400, body: { error: 'weird', field: 'frobnicate' } }, 'Thông tin chưa hợp lệ: một trường.'],
    [{ status: 403, body: { error: 'forbidden: role' } }, 'Tài khoản này không có quyền làm việc này.'],
    [{ status: 404, body: { error: 'no room "x"' } }, 'Không tìm thấy (có thể đã bị xóa).'],
    [
      { status: 502, body: 'Bad Gateway' },
      'Máy chủ gặp lỗi (mã 502); thử lại sau hoặc báo quản trị hệ thống.',
    ],
    [
      { status: 0, body: { error: 'Failed to fetch' } },
      'Không liên lạc được với máy chủ; kiểm tra mạng rồi thử lại.',
    ],
  ])('%j', (answer, text) => {
    const shown = errorText(answer);
    if (text) expect(shown).toBe(text);
    // No English from the hub's `error` ever reaches the page.
    expect(shown).not.toContain((answer.body as { error?: string }).error ?? '\u0000');
  });
});

describe('who acknowledged', () => {
  test('labels the hub stores read back as people, in words', () => {
    expect(parseActorLabel('operator demo')).toEqual({ role: 'operator', name: 'demo' });
    expect(parseActorLabel('an (ubnd-na-hang)')).toEqual({
      role: 'technician',
      name: 'an',
      roomId: 'ubnd-na-hang',
    });
    expect(actorText('operator demo', roomName)).toBe('demo (Sở TT&TT)');
    expect(actorText('an (ubnd-na-hang)', roomName)).toBe('an, cán bộ kỹ thuật của UBND huyện Na Hang');
    expect(actorText('system', roomName)).toBe('system');
  });
});

describe('an event in words, from its codes', () => {
  test.each([
    [
      { type: 'threshold.raised', data: { metric: 'tempC', side: 'max', value: 40.5, limit: 32 } },
      'Nhiệt độ 40,5 °C, ngưỡng 32 °C',
    ],
    [{ type: 'mains.lost', data: { upsChargePct: 62.5 } }, 'UPS 62,5 %'],
    [
      {
        type: 'power.off',
        data: { reason: 'quiet for 2 min', steps: 'codec standby done', decision: 'idle' },
      },
      'lý do: không sử dụng',
    ],
    [
      { type: 'codec.down', data: { state: 'unreachable', detail: 'ECONNREFUSED 10.0.0.9:443' } },
      'Không liên lạc được',
    ],
    [
      { type: 'ups.shutdown', data: { trigger: 'runtime', upsChargePct: 12 } },
      'thời gian lưu điện còn lại tới hạn, UPS 12 %',
    ],
    [
      { type: 'config.drift', data: { changed: 2, keys: 'Audio/DefaultVolume' } },
      '2 giá trị cấu hình khác bản đã duyệt',
    ],
    [{ type: 'call.started', data: {} }, ''],
  ])('%j is "%s"', (event, text) => {
    expect(eventDetailText(event as Parameters<typeof eventDetailText>[0])).toBe(text);
  });

  test('an unknown type is not shown by its code', () => {
    expect(eventTypeText('something.new')).toBe('Sự kiện khác');
  });
});
