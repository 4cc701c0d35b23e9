/** The words of a notification: Vietnamese first, English second, times in Asia/Ho_Chi_Minh. */
import type { Room } from '../../shared/fleet.js';
import type { Notice } from './notify-routing.js';

const causeWords: Record<string, [string, string]> = {
  'mains.lost': ['Mất điện lưới', 'Mains lost'],
  'room.offline': ['Mất kết nối điểm cầu', 'Room offline'],
  'codec.down': ['Thiết bị đầu cuối lỗi', 'Codec or peripheral down'],
  'link.degraded': ['Đường truyền kém', 'Link degraded'],
  'climate.out-of-range': ['Nhiệt độ / độ ẩm ngoài ngưỡng', 'Climate out of range'],
  'config.drift': ['Cấu hình bị thay đổi', 'Configuration drift'],
  'network.unreachable': [
    'Mất kết nối toàn mạng (MCU / đường truyền trung tâm)',
    'Network unreachable (MCU or uplink)',
  ],
};

export function vnTime(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')}`;
}

/** `room`: the notice's room in the fleet; a room no longer in it is named by its id. */
export function noticeText(n: Notice, room: Room | undefined): { subject: string; text: string } {
  const [vi, en] = causeWords[n.cause] ?? [n.cause, n.cause];
  const where = room?.name ?? n.roomId ?? 'Toàn mạng';
  const whereEn = room?.nameEn ?? n.roomId ?? 'whole network';
  const opened = n.event === 'opened';
  const subject = `[HNTH] ${opened ? 'Sự cố' : 'Đã khắc phục'}: ${vi} — ${where}`;
  const recovered =
    n.recoverSec !== null
      ? `Thời gian khắc phục / time to recover: ${Math.round(n.recoverSec / 60)} phút (min)\n`
      : '';
  const text =
    `${opened ? 'Sự cố' : 'Đã khắc phục'}: ${vi} tại ${where}, lúc ${vnTime(n.at)}.\n` +
    `${opened ? 'Incident' : 'Recovered'}: ${en} at ${whereEn}, ${vnTime(n.at)} (Asia/Ho_Chi_Minh).\n` +
    recovered +
    `Mức độ / severity: ${n.severity}. Mã sự cố / incident #${n.incidentId}.\n`;
  return { subject, text };
}
