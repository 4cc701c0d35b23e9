/**
 * The calendar as iCalendar (RFC 5545), for the department's, the rooms' and each person's calendar
 * programs (art. 11.5), in the province's time zone (ics-writer.ts). Each meeting's rehearsals are
 * events too, so a technician's calendar shows when to be in the room (art. 9.3), but only those from
 * the booking on: a meeting booked a day ahead has no rehearsal in the past. A title the reader may
 * not see (art. 13.1c, meeting-visibility.ts) reads "Cuộc họp".
 */
import type { Fleet } from '../../shared/fleet.js';
import { type IcsEvent, icsCalendar } from './ics-writer.js';
import type { Meeting } from './meeting-rules.js';
import { maySeeTitle, type Reader, UNTITLED } from './meeting-visibility.js';
import { rehearsalSlots } from './rehearsals.js';

export interface IcsConfig {
  offsetsH: number[];
  rehearsalMin: number;
}

const kindNames: Record<Meeting['kind'], string> = {
  party: 'Tỉnh ủy',
  council: 'HĐND tỉnh',
  committee: 'UBND tỉnh',
  training: 'Tập huấn',
  conference: 'Hội nghị',
  'inter-agency': 'Liên ngành',
};

export function calendarIcs(
  name: string,
  meetings: readonly Meeting[],
  config: IcsConfig,
  fleet: Fleet,
  now: Date,
  reader: Reader | null,
): string {
  const nameOf = (roomId: string) => fleet.find(roomId)?.name ?? roomId;
  const events: IcsEvent[] = [];
  for (const m of meetings) {
    const title = maySeeTitle(m, reader) ? m.title : UNTITLED;
    const rooms = m.roomIds.map(nameOf).join(', ');
    events.push({
      uid: `${m.id}@hnth`,
      start: new Date(m.start),
      end: new Date(m.end),
      stamp: now,
      lastModified: new Date(m.updatedAt),
      summary: m.emergency ? `[KHẨN] ${title}` : title,
      description: [
        `Loại: ${kindNames[m.kind]}`,
        `Chủ trì: ${m.hostUnit}`,
        `Điểm cầu: ${rooms}`,
        ...(m.emergency ? [`Đột xuất (Điều 8.2): ${m.emergency.reason}`] : []),
      ].join('\n'),
      location: nameOf(m.hostRoomId),
    });
    const booked = Date.parse(m.registeredAt);
    for (const s of rehearsalSlots(new Date(m.start), config.offsetsH)) {
      if (s.at.getTime() < booked) continue;
      events.push({
        uid: `${m.id}-${s.slot}@hnth`,
        start: s.at,
        end: new Date(s.at.getTime() + config.rehearsalMin * 60_000),
        stamp: now,
        summary: `Chạy thử (${s.slot}): ${title}`,
        description: `Kiểm tra chạy thử thiết bị, đường truyền, âm thanh, hình ảnh (Điều 9.3)\nĐiểm cầu: ${rooms}`,
        location: nameOf(m.hostRoomId),
      });
    }
  }
  return icsCalendar(name, events);
}
