/**
 * Whether the system clock has been synchronised since boot. A Pi has no RTC: until NTP answers,
 * its clock may be hours or years off, and scheduled switching would follow the wrong time.
 * systemd-timesyncd (the default on Raspberry Pi OS) creates this file on its first sync; a
 * controller that uses chrony instead reads as unsynchronised, which only holds the power as it is.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function timesyncdSynced(runRoot = '/run'): () => boolean {
  const flag = path.join(runRoot, 'systemd', 'timesync', 'synchronized');
  return () => existsSync(flag);
}
