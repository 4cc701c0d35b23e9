/**
 * Who must act on a failing room (art. 11.1, 13), as the rehearsal and go/no-go name them: the
 * room's technician, the telecom partner for the line, the power partner for the mains, or the
 * department for a room it holds off.
 */
import type { Recipient } from '../../schedule/notify-list.js';
import { telecomPartnerId } from '../../schedule/notify-list.js';
import type { Failure } from '../../schedule/rehearsal-verdict.js';
import { t } from './i18n/i18n.js';

export function responsibleText(r: Recipient, roomName: (id: string) => string): string {
  if (r.kind === 'room-technician') return t('responsible.room-technician', { room: roomName(r.roomId) });
  if (r.kind === 'operator') return t('responsible.operator');
  return r.partnerId === telecomPartnerId ? t('responsible.telecom') : t('responsible.power');
}

/** `UBND huyện Na Hang: Đường truyền, cần Viễn thông Tuyên Quang (đường truyền) xử lý`. */
export function failureText(roomId: string, f: Failure, roomName: (id: string) => string): string {
  return t('rehearsals.escalationOf', {
    room: roomName(roomId),
    check: t(`check.${f.check}`),
    who: f.responsible.map((r) => responsibleText(r, roomName)).join(', '),
  });
}
