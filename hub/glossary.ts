/**
 * The regulation's vocabulary (Decision 345, seed/REGULATION.md): one Vietnamese word for each idea
 * the product names, with its English, and the synonyms that must not stand in for it. The
 * dashboard's catalogue (hub/web/src/i18n/) and the yearly report take their words from here, so an
 * operator never reads "chạy thử" on one page and "diễn tập" on the next; a test holds every text to
 * it (test/unit/glossary.test.ts).
 *
 * @pure: the dashboard bundles it, so it imports only shared/ and other @pure modules (types aside).
 */

import type { RehearsalCheckName } from '../shared/schemas.js';
import type { IncidentCause } from './incidents/incident-rules.js';
import type { Level } from './readiness.js';
import type { Verdict } from './schedule/rehearsal-verdict.js';
import type { Role } from './security/user-store.js';

export interface Term {
  vi: string;
  en: string;
  /** Words that mean the same and must not be used instead (lower case, Vietnamese). */
  avoid?: readonly string[];
}

/** The regulation's own words (REGULATION.md, "Vocabulary used everywhere in the product"). */
export const glossary = {
  room: { vi: 'điểm cầu', en: 'room' },
  hostRoom: { vi: 'điểm cầu chính', en: 'host room' },
  mcu: { vi: 'máy chủ trung tâm (MCU)', en: 'central server (MCU)' },
  operator: { vi: 'Sở TT&TT', en: 'the department' },
  technician: { vi: 'cán bộ kỹ thuật', en: 'technician' },
  rehearsal: { vi: 'chạy thử', en: 'rehearsal', avoid: ['diễn tập'] },
  inspection: { vi: 'kiểm tra định kỳ', en: 'inspection' },
  speakRequest: { vi: 'đăng ký phát biểu', en: 'speak request' },
  emergencyMeeting: { vi: 'họp đột xuất, khẩn cấp', en: 'emergency meeting' },
  telecomPartner: { vi: 'Viễn thông Tuyên Quang', en: 'telecom partner' },
  powerPartner: { vi: 'Công ty Điện lực', en: 'power partner' },
  incident: { vi: 'sự cố', en: 'incident' },
  /** The codec (đầu cuối of "điểm cầu (đầu cuối)"). */
  terminal: { vi: 'thiết bị đầu cuối', en: 'codec', avoid: ['thiết bị codec'] },
} as const satisfies Record<string, Term>;

/** Each incident cause, named the same on the dashboard, in the report and (as they adopt it) the notices. */
export const causeNames: Record<IncidentCause, Term> = {
  'mains.lost': { vi: 'Mất điện lưới', en: 'Mains lost' },
  'room.offline': { vi: 'Điểm cầu mất kết nối', en: 'Room offline' },
  'codec.down': { vi: 'Thiết bị đầu cuối hỏng', en: 'Codec down', avoid: ['thiết bị hỏng'] },
  'link.degraded': { vi: 'Đường truyền suy giảm', en: 'Line degraded', avoid: ['đường truyền kém'] },
  'climate.out-of-range': { vi: 'Nhiệt độ, độ ẩm ngoài ngưỡng', en: 'Temperature or humidity out of range' },
  'config.drift': { vi: 'Cấu hình bị thay đổi', en: 'Configuration changed', avoid: ['cấu hình sai lệch'] },
  'room.flooding': { vi: 'Gửi tin bất thường, đã bị ngắt', en: 'Room flooding the network, cut off' },
  'network.unreachable': { vi: 'Mất kết nối toàn mạng', en: 'Whole network unreachable' },
};

/** What a rehearsal checks (art. 9.3: terminals, line, sound and picture). */
export const checkNames: Record<RehearsalCheckName, Term> = {
  power: { vi: 'Nguồn điện', en: 'Power' },
  climate: { vi: 'Nhiệt độ, độ ẩm', en: 'Temperature, humidity' },
  codec: { vi: 'Thiết bị đầu cuối', en: 'Codec' },
  peripherals: { vi: 'Thiết bị ngoại vi', en: 'Peripherals' },
  sip: { vi: 'Cuộc gọi thử', en: 'Test call' },
  // The link is the room's ping to the MCU; the line is the test of the call's own line (issue 19).
  link: { vi: 'Kết nối tới MCU', en: 'Link to the MCU' },
  line: { vi: 'Đường truyền', en: 'Line' },
  sound: { vi: 'Âm thanh', en: 'Sound' },
  picture: { vi: 'Hình ảnh', en: 'Picture' },
};

/**
 * A check's result and a verdict share their words: a marginal check is what makes a room at risk,
 * so both are "có rủi ro" (never "sát ngưỡng", which read as fine for a room at 40 °C).
 */
export const verdictNames: Record<Verdict, Term> = {
  go: { vi: 'Đạt', en: 'Go' },
  'at-risk': { vi: 'Có rủi ro', en: 'At risk', avoid: ['sát ngưỡng'] },
  'no-go': { vi: 'Không đạt', en: 'No go' },
};

export const checkStatusNames: Record<'pass' | 'marginal' | 'fail' | 'not-run', Term> = {
  pass: verdictNames.go,
  marginal: verdictNames['at-risk'],
  fail: verdictNames['no-go'],
  'not-run': { vi: 'Không kiểm tra được', en: 'Not run' },
};

/** A room's health (hub/readiness.ts). */
export const levelNames: Record<Level, Term> = {
  READY: { vi: 'Sẵn sàng', en: 'Ready' },
  DEGRADED: { vi: 'Suy giảm', en: 'Degraded' },
  NOT_READY: { vi: 'Chưa sẵn sàng', en: 'Not ready' },
  OFFLINE: { vi: 'Mất kết nối', en: 'Offline' },
};

/** Who a dashboard user is (hub/security/user-store.ts). */
export const roleNames: Record<Role, Term> = {
  operator: { vi: 'Điều hành (Sở TT&TT)', en: 'Operator (the department)' },
  technician: { vi: 'Cán bộ kỹ thuật', en: 'Technician' },
  viewer: { vi: 'Chỉ xem', en: 'Viewer' },
};

/** Every term of the lists above, for the test that holds texts to them. */
export function allTerms(): Term[] {
  return [
    ...Object.values(glossary),
    ...Object.values(causeNames),
    ...Object.values(checkNames),
    ...Object.values(verdictNames),
    ...Object.values(checkStatusNames),
    ...Object.values(levelNames),
    ...Object.values(roleNames),
  ];
}

/** The words a text must not use, each with the word it should use instead. */
export function avoidedWords(): { avoid: string; use: string }[] {
  return allTerms().flatMap((t) => (t.avoid ?? []).map((avoid) => ({ avoid, use: t.vi })));
}

/** A term at the start of a sentence. */
export const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
