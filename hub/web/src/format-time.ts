/**
 * Times as the department reads them: dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh, whatever the browser's
 * own zone and locale. Vietnam keeps UTC+7 all year (no summer time), so a wall time typed in a
 * form is that time at +07:00.
 */
export const ZONE = 'Asia/Ho_Chi_Minh';
const OFFSET = '+07:00';
const OFFSET_MS = 7 * 3_600_000;

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
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

/** `2026-12-01T09:30` (a datetime-local input, Vietnam wall time) as an ISO time with its offset. */
export function wallTimeToIso(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return null;
  return `${local}:00${OFFSET}`;
}

/** The Vietnam wall time of an instant, as a datetime-local input's value. */
export function isoToWallTime(value: Date | string): string {
  const d = new Date(new Date(value).getTime() + OFFSET_MS);
  return d.toISOString().slice(0, 16);
}

/** Midnight (Vietnam) of the day holding `date`, as an instant. */
export function startOfDay(date: Date): Date {
  const shifted = date.getTime() + OFFSET_MS;
  return new Date(shifted - (shifted % 86_400_000) - OFFSET_MS);
}

/** Day of week in Vietnam, Monday = 0. */
export function weekday(date: Date): number {
  return (new Date(date.getTime() + OFFSET_MS).getUTCDay() + 6) % 7;
}

/** Year, month (1-12) and day of an instant in Vietnam. */
export function civil(date: Date): { year: number; month: number; day: number } {
  const d = new Date(date.getTime() + OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Midnight (Vietnam) of a civil date. */
export function dayStart(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - OFFSET_MS);
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
