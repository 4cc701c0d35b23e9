/**
 * The days a calendar view shows, in Vietnam's days: a week from Monday, or a month as whole weeks
 * (Monday first). Pure, so the views are tested without a browser.
 */
import { civil, dayStart, weekday } from '../../../shared/format-time.js';

export type CalendarView = 'week' | 'month';

export interface CalendarDay {
  /** Midnight in Vietnam. */
  start: Date;
  /** Day of the month, in Vietnam. */
  day: number;
  /** False for the days of the month before or after, shown to fill the first and last weeks. */
  inMonth: boolean;
}

const DAY_MS = 86_400_000;

function mondayOf(date: Date): Date {
  const { year, month, day } = civil(date);
  return new Date(dayStart(year, month, day).getTime() - weekday(date) * DAY_MS);
}

/**
 * A day as the calendar's address says it (`#/meetings/2026-12-07`, a day in Vietnam), so a link
 * (a meeting's "back to the calendar") opens the week that holds it; null for no such day.
 */
export function dayFromParam(text: string | undefined): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
  if (!m) return null;
  const [year, month, day] = m.slice(1).map(Number) as [number, number, number];
  const start = dayStart(year, month, day);
  const back = civil(start);
  // 2026-02-31 rolls over to March in Date.UTC: not a day.
  return back.month === month && back.day === day ? start : null;
}

/** The calendar's address of the day (in Vietnam) holding `date`: what dayFromParam reads. */
export function dayParam(date: Date): string {
  const { year, month, day } = civil(date);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${year}-${pad(month)}-${pad(day)}`;
}

export function calendarDays(view: CalendarView, anchor: Date): CalendarDay[] {
  const { month } = civil(anchor);
  if (view === 'week') {
    const monday = mondayOf(anchor);
    return Array.from({ length: 7 }, (_, i) => {
      const start = new Date(monday.getTime() + i * DAY_MS);
      return { start, day: civil(start).day, inMonth: true };
    });
  }
  const { year } = civil(anchor);
  const first = dayStart(year, month, 1);
  const next = month === 12 ? dayStart(year + 1, 1, 1) : dayStart(year, month + 1, 1);
  const gridStart = mondayOf(first);
  const days: CalendarDay[] = [];
  for (let at = gridStart.getTime(); at < next.getTime() || days.length % 7 !== 0; at += DAY_MS) {
    const start = new Date(at);
    days.push({ start, day: civil(start).day, inMonth: civil(start).month === month });
  }
  return days;
}

/** The anchor one view earlier or later: a week, or a month (to the first of that month). */
export function shiftAnchor(view: CalendarView, anchor: Date, step: -1 | 1): Date {
  if (view === 'week') return new Date(anchor.getTime() + step * 7 * DAY_MS);
  const { year, month } = civil(anchor);
  const m = month - 1 + step;
  return dayStart(year + Math.floor(m / 12), (((m % 12) + 12) % 12) + 1, 1);
}
