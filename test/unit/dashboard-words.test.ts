/**
 * What the dashboard writes for the hub's codes, without a browser: a rehearsal's run, who must act
 * on a failing room, a check's result with its figures, an event's details, an API refusal, the
 * person behind an acknowledgement. Codes never reach the page as they are.
 */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { telecomPartnerId } from '../../hub/schedule/notify-list.js';
import { setLang } from '../../hub/web/src/i18n/i18n.js';
import { slotText } from '../../hub/web/src/rehearsal-text.js';
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
    ).toBe('UBND huyện Na Hang: Đường truyền, cần Viễn thông Tuyên Quang (đường truyền) xử lý');
    expect(responsibleText({ kind: 'room-technician', roomId: 'ubnd-na-hang' }, roomName)).toBe(
      'cán bộ kỹ thuật của UBND huyện Na Hang',
    );
    expect(responsibleText({ kind: 'operator' }, roomName)).toBe('Sở TT&TT');
  });
});
