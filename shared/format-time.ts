/**
 * Times as the department reads them: dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh, whatever the browser's
 * own zone and locale. Vietnam keeps UTC+7 all year (no summer time), so a wall time typed in a
 * form is that time at +07:00.
 */
import {
  fromProvinceWall,
  PROVINCE_TIME_ZONE,
  PROVINCE_UTC_OFFSET,
  toProvinceWall,
} from './province-time.js';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: PROVINCE_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function fields(date: Date): Record<string, string> {
  return Object.fromEntries(parts.formatToParts(date).map((p) => [p.type, p.value]));
}

export function formatTime(value: Date | string): string {
  const p = fields(typeof value === 'string' ? new Date(value) : value);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

export function formatDate(value: Date | string): string {
  const p = fields(typeof value === 'string' ? new Date(value) : value);
  return `${p.day}/${p.month}/${p.year}`;
}

export function formatClock(value: Date | string): string {
  const p = fields(typeof value === 'string' ? new Date(value) : value);
  return `${p.hour}:${p.minute}`;
}

/** How a time is typed in a form: the way it is shown. */
export const WALL_TIME_FORMAT = 'dd/MM/yyyy HH:mm';

/** `01/12/2026 09:30` (typed, Vietnam wall time) as an ISO time with its offset; null if it is no such time. */
export function wallTimeToIso(text: string): string | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) return null;
  const [day, month, year, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute);
  const back = new Date(utc);
  // 31/02 or 25:00 roll over in Date.UTC: refuse them instead of booking another day.
  if (back.getUTCDate() !== day || back.getUTCMonth() !== month - 1 || hour > 23) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:00${PROVINCE_UTC_OFFSET}`;
}

/** Midnight (Vietnam) of the day holding `date`, as an instant. */
export function startOfDay(date: Date): Date {
  const wall = toProvinceWall(date).getTime();
  return fromProvinceWall(wall - (wall % 86_400_000));
}

/** Day of week in Vietnam, Monday = 0. */
export function weekday(date: Date): number {
  return (toProvinceWall(date).getUTCDay() + 6) % 7;
}

/** Year, month (1-12) and day of an instant in Vietnam. */
export function civil(date: Date): { year: number; month: number; day: number } {
  const d = toProvinceWall(date);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Midnight (Vietnam) of a civil date. */
export function dayStart(year: number, month: number, day: number): Date {
  return fromProvinceWall(Date.UTC(year, month - 1, day));
}

export function formatDuration(ms: number, units: { h: string; min: string; s: string }): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours} ${units.h} ${String(minutes).padStart(2, '0')} ${units.min}`;
  if (minutes > 0) return `${minutes} ${units.min} ${String(seconds).padStart(2, '0')} ${units.s}`;
  return `${seconds} ${units.s}`;
}
