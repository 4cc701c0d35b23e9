/** Weekday names, Monday first (0) as `weekday()` counts them, in the reader's language. */
import { t } from './i18n/i18n.js';

const long = [
  'weekday.0',
  'weekday.1',
  'weekday.2',
  'weekday.3',
  'weekday.4',
  'weekday.5',
  'weekday.6',
] as const;
const short = [
  'weekdayShort.0',
  'weekdayShort.1',
  'weekdayShort.2',
  'weekdayShort.3',
  'weekdayShort.4',
  'weekdayShort.5',
  'weekdayShort.6',
] as const;

export const weekdayName = (day: number) => t(long[day]!);
export const weekdayShort = (day: number) => t(short[day]!);
