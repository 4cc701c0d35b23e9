import { type Logger, pino } from 'pino';

export type { Logger };

/** pino JSON to stdout (journald keeps it as is); `silent` for tests that assert on data, not logs. */
export function createLogger(name: string, level = process.env.HNTH_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level });
}
