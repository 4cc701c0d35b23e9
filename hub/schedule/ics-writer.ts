/**
 * iCalendar text (RFC 5545) with times in the province's time zone: every event's start and end as
 * `TZID=Asia/Ho_Chi_Minh` wall times, with the zone's VTIMEZONE (UTC+7, no daylight saving since
 * 1975), so a calendar program anywhere shows 08:00 for a meeting at 08:00 in Tuyên Quang. Written
 * here rather than through ical-generator, which formats a native Date in the process's own zone
 * once a time zone is set (and then drops the Z of DTSTAMP, which RFC 5545 §3.8.7.2 requires in UTC).
 */
import { PROVINCE_TIME_ZONE, PROVINCE_UTC_OFFSET, toProvinceWall } from '../../shared/province-time.js';

/** The offset as a VTIMEZONE writes it (`+0700`). */
const ICS_OFFSET = PROVINCE_UTC_OFFSET.replace(':', '');

export interface IcsEvent {
  uid: string;
  start: Date;
  end: Date;
  /** When this text was made (DTSTAMP). */
  stamp: Date;
  lastModified?: Date;
  summary: string;
  description?: string;
  location?: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `20270107T010000Z`. */
function utc(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`
  );
}

/** `20270107T080000`, the wall time in the province. */
function local(date: Date): string {
  return utc(toProvinceWall(date)).slice(0, -1);
}

/** RFC 5545 §3.3.11: backslash, semicolon and comma escaped, newlines as `\n`. */
export function icsText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** RFC 5545 §3.1: lines of at most 75 octets, continued with a space, never inside a character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${PROVINCE_TIME_ZONE}`,
  'BEGIN:STANDARD',
  'DTSTART:19700101T000000',
  `TZOFFSETFROM:${ICS_OFFSET}`,
  `TZOFFSETTO:${ICS_OFFSET}`,
  'TZNAME:ICT',
  'END:STANDARD',
  'END:VTIMEZONE',
];

export function icsCalendar(name: string, events: readonly IcsEvent[]): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//hnth//hnth-hub//VI',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(name)}`,
    `X-WR-TIMEZONE:${PROVINCE_TIME_ZONE}`,
    ...VTIMEZONE,
  ];
  for (const e of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${icsText(e.uid)}`,
      `DTSTAMP:${utc(e.stamp)}`,
      `DTSTART;TZID=${PROVINCE_TIME_ZONE}:${local(e.start)}`,
      `DTEND;TZID=${PROVINCE_TIME_ZONE}:${local(e.end)}`,
      ...(e.lastModified ? [`LAST-MODIFIED:${utc(e.lastModified)}`] : []),
      `SUMMARY:${icsText(e.summary)}`,
      ...(e.description ? [`DESCRIPTION:${icsText(e.description)}`] : []),
      ...(e.location ? [`LOCATION:${icsText(e.location)}`] : []),
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
