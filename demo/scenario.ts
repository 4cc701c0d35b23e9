/**
 * `npm start -- --scenario`: a short morning played on the demo, so a newcomer watching the
 * dashboard sees the product work in a few minutes. The rooms idle off (art. 6.5); the operator
 * books a meeting three days ahead (art. 8.1); its rooms are rehearsed now, each powered on from off,
 * its codec waited for and checked, and put back off (art. 9.3); a district room loses its mains
 * (an incident, its notices) and gets it back (the incident closes with its time to recover). Each
 * step is narrated, in Vietnamese with the English after it, as the hub confirms it.
 */

import { formatTime } from '../shared/format-time.js';
import { fromProvinceWall, toProvinceWall } from '../shared/province-time.js';
import type { Demo } from './demo.js';

/** The meeting's rooms: the host, the Party office, two districts, two departments. */
export const MORNING_ROOMS = [
  'ubnd-tinh',
  'tinh-uy',
  'ubnd-ham-yen',
  'ubnd-na-hang',
  'so-y-te',
  'so-tai-chinh',
];
/** The district room whose mains fail. */
export const FAULT_ROOM = 'ubnd-ham-yen';

export interface ScenarioOptions {
  say(line: string): void;
  /** A pause after each step, for a person to look at the dashboard; 0 in tests. */
  pauseMs: number;
  /** How long each step may take before the scenario gives up, naming it. */
  stepTimeoutMs: number;
}

interface RoomState {
  id: string;
  name: string;
  readiness: { level: string; power: { state: string } };
}

interface RehearsalRow {
  roomId: string;
  verdict: string | null;
  latest: { powerOn: { detail: string } } | null;
}

const words: Record<string, string> = {
  go: 'Đạt / go',
  'at-risk': 'Có rủi ro / at risk',
  'no-go': 'Không đạt / no-go',
};

/** The demo's dashboard API as its operator: the session cookie and CSRF token on every call. */
async function operatorClient(demo: Demo) {
  const res = await fetch(`${demo.httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(demo.operator),
  });
  if (res.status !== 200) throw new Error(`the demo operator's login was refused: HTTP ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const answer = await fetch(`${demo.httpUrl}${path}`, {
      method,
      headers: {
        cookie,
        ...(method === 'POST' ? { 'x-csrf-token': csrfToken } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!answer.ok) throw new Error(`${method} ${path}: HTTP ${answer.status} ${await answer.text()}`);
    return (await answer.json()) as T;
  };
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
  };
}

/** Asks the hub once a second until `probe` gives something, or gives up naming `what`. */
async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`the scenario waited ${timeoutMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Three days ahead at 08:00 in Vietnam: always past the 48 hours' notice of art. 8.1. */
function meetingStart(now: Date): Date {
  const vietnam = toProvinceWall(now);
  return fromProvinceWall(
    Date.UTC(vietnam.getUTCFullYear(), vietnam.getUTCMonth(), vietnam.getUTCDate() + 3, 8),
  );
}

export async function playMorning(demo: Demo, options: ScenarioOptions): Promise<void> {
  const { say, pauseMs, stepTimeoutMs } = options;
  const pause = () => new Promise((r) => setTimeout(r, pauseMs));
  const api = await operatorClient(demo);
  const rooms = async () => new Map((await api.get<RoomState[]>('/api/rooms')).map((r) => [r.id, r]));
  const name = async (id: string) => (await rooms()).get(id)?.name ?? id;
  const allOff = async () => {
    const now = await rooms();
    return MORNING_ROOMS.every((id) => now.get(id)?.readiness.power.state === 'off') ? true : undefined;
  };

  say('▶ Kịch bản một buổi sáng / a short morning');
  say('1. Các điểm cầu không có lịch tự tắt nguồn (Điều 6.5) / idle rooms switch themselves off…');
  await until('the rooms to idle off', stepTimeoutMs, allOff);
  say('   ✓ 6 điểm cầu của cuộc họp đang tắt, vẫn "Sẵn sàng" / the meeting’s rooms are off, and ready');
  await pause();

  const start = meetingStart(new Date());
  const meeting = await api.post<{ id: string; title: string }>('/api/meetings', {
    title: 'Giao ban trực tuyến (kịch bản)',
    kind: 'committee',
    hostRoomId: MORNING_ROOMS[0],
    roomIds: MORNING_ROOMS,
    start: start.toISOString(),
    end: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
    emergency: null,
  });
  say(
    `2. Sở TT&TT đăng ký cuộc họp "${meeting.title}" lúc ${formatTime(start)} (trước 3 ngày, Điều 8.1) / a meeting is booked`,
  );
  say(`   Xem: ${demo.httpUrl}/#/meeting/${meeting.id}`);
  await pause();

  say(
    '3. Chạy thử ngay các điểm cầu (Điều 9.3): bật từ trạng thái tắt, chờ thiết bị khởi động, kiểm tra / rehearsal from off…',
  );
  const run = await api.post<{ id: string }>('/api/rehearsals', { meetingId: meeting.id });
  const rows = await until('every room’s rehearsal verdict', stepTimeoutMs, async () => {
    const report = await api.get<{ rooms: RehearsalRow[] }>(`/api/rehearsals/${run.id}`);
    return report.rooms.every((r) => r.verdict !== null) ? report.rooms : undefined;
  });
  for (const row of rows) {
    const power = /"bootSec":(\d+(?:\.\d+)?)/.exec(row.latest?.powerOn.detail ?? '');
    const boot = power
      ? `, thiết bị khởi động ${Math.round(Number(power[1]))} giây / booted in ${Math.round(Number(power[1]))} s`
      : '';
    say(
      `   ${row.verdict === 'go' ? '✓' : '✗'} ${await name(row.roomId)}: ${words[row.verdict ?? ''] ?? row.verdict}${boot}`,
    );
  }
  await until('the rooms to go back off', stepTimeoutMs, allOff);
  say('   ✓ Chạy thử xong, các điểm cầu trở lại trạng thái tắt như trước / the rooms are back off, as found');
  await pause();

  const faultRoom = await name(FAULT_ROOM);
  say(`4. Mất điện lưới tại ${faultRoom} / the mains fail in a district room…`);
  await api.post(`/api/rooms/${FAULT_ROOM}/simulate`, { fault: 'mains-lost' });
  const incident = await until('the incident to open', stepTimeoutMs, async () => {
    const open = await api.get<{ id: number; roomId: string; cause: string }[]>(
      `/api/incidents?state=open&room=${FAULT_ROOM}`,
    );
    return open.find((i) => i.cause === 'mains.lost');
  });
  // What became of its notices, as the log has them: the demo has no mail relay and no contacts, so
  // they are not sent, and saying "sent" would be the one untrue line of the morning.
  const notices = await until('the incident’s notices to be recorded', stepTimeoutMs, async () => {
    const { notifications } = await api.get<{
      notifications: { incidentId: number | null; event: string; status: string }[];
    }>('/api/notifications?limit=1000');
    const mine = notifications.filter((n) => n.incidentId === incident.id && n.event === 'opened');
    return mine.length > 0 ? mine : undefined;
  });
  const sent = notices.filter((n) => n.status === 'sent').length;
  const waiting = notices.filter((n) => n.status === 'postponed').length;
  const notSent = notices.length - sent - waiting;
  say(
    `   ✓ Sự cố #${incident.id} "Mất điện lưới" đã mở; thông báo: ${sent} đã gửi, ${waiting} chờ hết giờ nghỉ, ` +
      `${notSent} không gửi được (xem Nhật ký thông báo) / incident opened; notices: ${sent} sent, ` +
      `${waiting} held for quiet hours, ${notSent} not sent`,
  );
  await pause();

  say('5. Có điện lưới trở lại / the mains return…');
  await api.post(`/api/rooms/${FAULT_ROOM}/simulate`, { fault: 'mains-back' });
  const closed = await until('the incident to close', stepTimeoutMs, async () => {
    const all = await api.get<{ id: number; closedAt: string | null; recoverSec: number | null }[]>(
      `/api/incidents?state=closed&room=${FAULT_ROOM}`,
    );
    return all.find((i) => i.id === incident.id);
  });
  say(`   ✓ Sự cố #${closed.id} đã khắc phục sau ${closed.recoverSec ?? '?'} giây / recovered`);
  say('■ Hết kịch bản; bảng điều khiển vẫn chạy / end of the scenario; the dashboard keeps running.');
}
