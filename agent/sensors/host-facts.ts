/**
 * Pure readers of what the host's tools print: Raspberry Pi firmware throttling and clock sync.
 * Tested as tables against the tools' documented output.
 */
import type { Readings } from '../../shared/schemas.js';

export type Throttled = NonNullable<NonNullable<Readings['host']>['throttled']>;

/**
 * `vcgencmd get_throttled` → `throttled=0x50005`. Bits (Raspberry Pi documentation, "vcgencmd"):
 * 0 under-voltage, 1 ARM frequency capped, 2 throttled, 3 soft temperature limit; 16-19 the same
 * since boot.
 */
export function parseThrottled(stdout: string): Throttled | null {
  const m = /throttled=(0x[0-9a-f]+)/i.exec(stdout);
  if (!m) return null;
  const bits = Number.parseInt(m[1]!, 16);
  const bit = (n: number) => (bits & (1 << n)) !== 0;
  return {
    underVoltage: bit(0),
    freqCapped: bit(1),
    throttled: bit(2),
    softTempLimit: bit(3),
    underVoltageOccurred: bit(16),
    freqCappedOccurred: bit(17),
    throttledOccurred: bit(18),
    softTempLimitOccurred: bit(19),
  };
}

/** `timedatectl show -p NTPSynchronized --value` → `yes` / `no`. */
export function parseTimedatectl(stdout: string): boolean | null {
  const v = stdout.trim();
  return v === 'yes' ? true : v === 'no' ? false : null;
}

/** `chronyc tracking`: "Leap status : Normal" once synchronised, "Not synchronised" before. */
export function parseChronyTracking(stdout: string): boolean | null {
  const m = /^Leap status\s*:\s*(.+)$/m.exec(stdout);
  if (!m) return null;
  return m[1]!.trim() !== 'Not synchronised';
}
