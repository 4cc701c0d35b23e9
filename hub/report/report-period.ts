/**
 * The period a report covers (art. 12.5): a calendar year in Asia/Ho_Chi_Minh, where the network
 * is, or a range given by `from` and `to`. Vietnam keeps UTC+7 all year (no daylight saving), so a
 * year is exactly `YYYY-01-01T00:00+07:00` to `(YYYY+1)-01-01T00:00+07:00`.
 */
import { fromProvinceWall, PROVINCE_UTC_OFFSET, toProvinceWall } from '../../shared/province-time.js';
import { parseTimeParam } from '../incidents/incidents-routes.js';

/** A report period: `from` included, `to` excluded, both UTC ISO. */
export interface ReportPeriod {
  from: string;
  to: string;
}

export interface PeriodError {
  error: string;
  field: 'year' | 'from' | 'to';
}

/** The longest range a report takes, in calendar years. */
export const MAX_RANGE_YEARS = 5;

/** The calendar year in Vietnam, as UTC instants. */
export function yearPeriod(year: number): ReportPeriod {
  const start = (y: number) => new Date(`${String(y).padStart(4, '0')}-01-01T00:00:00${PROVINCE_UTC_OFFSET}`);
  return { from: start(year).toISOString(), to: start(year + 1).toISOString() };
}

/**
 * The period asked for: the year, narrowed or moved by `from` and `to` (each a date, midnight in
 * Vietnam, or an ISO 8601 time; `to` is excluded). Failures are data naming the field.
 */
export function parsePeriod(
  rawYear: string,
  rawFrom?: string,
  rawTo?: string,
): { ok: true; period: ReportPeriod } | ({ ok: false } & PeriodError) {
  if (!/^\d{4}$/.test(rawYear) || Number(rawYear) < 2000 || Number(rawYear) > 2999)
    return { ok: false, field: 'year', error: 'year must be a 4-digit year from 2000 to 2999, e.g. 2026' };
  const year = yearPeriod(Number(rawYear));
  const from = rawFrom === undefined ? year.from : parseTimeParam(rawFrom);
  if (from === null)
    return { ok: false, field: 'from', error: 'from must be a date (2026-01-01) or an ISO 8601 time' };
  const to = rawTo === undefined ? year.to : parseTimeParam(rawTo);
  if (to === null)
    return { ok: false, field: 'to', error: 'to must be a date (2026-07-01) or an ISO 8601 time' };
  if (Date.parse(to) <= Date.parse(from)) return { ok: false, field: 'to', error: 'to must be after from' };
  if (Date.parse(to) > yearsLater(from, MAX_RANGE_YEARS))
    return {
      ok: false,
      field: 'to',
      error: `a report covers at most ${MAX_RANGE_YEARS} years; ask for a shorter range`,
    };
  return { ok: true, period: { from, to } };
}

/** The same time of day and date `years` later on the Vietnamese clock, as epoch ms. */
function yearsLater(iso: string, years: number): number {
  const local = toProvinceWall(Date.parse(iso));
  local.setUTCFullYear(local.getUTCFullYear() + years);
  return fromProvinceWall(local).getTime();
}
