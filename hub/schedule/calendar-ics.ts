/**
 * The calendar as iCalendar (RFC 5545), for the department's and the rooms' calendar programs
 * (art. 11.5). Times are in UTC; calendar programs show them in their own zone. Each meeting's
 * rehearsals are events too, so a technician's calendar shows when to be in the room (art. 9.3).
 */
import ical from 'ical-generator';
import type { Fleet } from '../../shared/fleet.js';
import type { Meeting } from './meeting-rules.js';
import { rehearsalSlots } from './rehearsals.js';

export interface IcsConfig {
  offsetsH: number[];
  rehearsalMin: number;
}

const kindNames: Record<Meeting['kind'], string> = {
  party: 'Tỉnh ủy (Party Committee)',
  council: 'HĐND tỉnh (People’s Council)',
  committee: 'UBND tỉnh (People’s Committee)',
  training: 'Tập huấn (training)',
  conference: 'Hội nghị (conference)',
  'inter-agency': 'Liên ngành (inter-agency)',
};

export function calendarIcs(
  name: string,
  meetings: readonly Meeting[],
  config: IcsConfig,
  fleet: Fleet,
  now: Date,
): string {
  const nameOf = (roomId: string) => fleet.find(roomId)?.name ?? roomId;
  const cal = ical({ name, prodId: { company: 'hnth', product: 'hnth-hub', language: 'VI' } });
  for (const m of meetings) {
    const rooms = m.roomIds.map(nameOf).join(', ');
    cal.createEvent({
      id: `${m.id}@hnth`,
      start: new Date(m.start),
      end: new Date(m.end),
      stamp: now,
      lastModified: new Date(m.updatedAt),
      summary: m.emergency ? `[KHẨN] ${m.title}` : m.title,
      description: [
        `Loại: ${kindNames[m.kind]}`,
        `Chủ trì: ${m.hostUnit}`,
        `Điểm cầu: ${rooms}`,
        ...(m.emergency ? [`Đột xuất (Điều 8.2): ${m.emergency.reason}`] : []),
      ].join('\n'),
      location: nameOf(m.hostRoomId),
    });
    for (const s of rehearsalSlots(new Date(m.start), config.offsetsH)) {
      cal.createEvent({
        id: `${m.id}-${s.slot}@hnth`,
        start: s.at,
        end: new Date(s.at.getTime() + config.rehearsalMin * 60_000),
        stamp: now,
        summary: `Chạy thử (${s.slot}): ${m.title}`,
        description: `Kiểm tra chạy thử thiết bị, đường truyền, âm thanh, hình ảnh (Điều 9.3)\nĐiểm cầu: ${rooms}`,
        location: nameOf(m.hostRoomId),
      });
    }
  }
  return cal.toString();
}
