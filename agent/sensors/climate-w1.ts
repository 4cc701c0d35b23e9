/**
 * Temperature from a 1-wire DS18B20 (`w1_therm`): `w1_slave` holds the scratchpad twice, the first
 * line ending in the kernel's CRC verdict (`crc=57 YES`), the second in `t=<milli °C>`. The CRC is
 * checked again here, and a failed read is retried: long cables in a meeting room pick up noise.
 *
 *   "climate": { "source": "w1", "device": "28-0316a2792aff" }
 */
import path from 'node:path';
import type { ClimateSensor } from '../adapters.js';
import { type ClimateAttempt, type ClimateReading, plausible, withRetries } from './climate-reading.js';
import { errorText, type Sysfs } from './sysfs.js';

const W1_DEVICES = 'bus/w1/devices';

/** Dallas/Maxim CRC-8 (polynomial x^8 + x^5 + x^4 + 1, reflected 0x8C), as in the DS18B20 datasheet. */
export function dallasCrc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    let b = byte;
    for (let i = 0; i < 8; i++) {
      const mix = (crc ^ b) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      b >>= 1;
    }
  }
  return crc;
}

/** Parses `w1_slave`; a CRC failure is transient (read again), a malformed file is not. */
export function parseW1Slave(text: string): ClimateAttempt {
  const [first = '', second = ''] = text.split('\n');
  const crcLine = /^((?:[0-9a-f]{2} ){9}): crc=([0-9a-f]{2}) (YES|NO)$/i.exec(first.trim());
  const tLine = /t=(-?\d+)$/.exec(second.trim());
  if (!crcLine || !tLine)
    return { ok: false, fault: 'w1_slave is not a DS18B20 scratchpad', transient: false };
  const bytes = crcLine[1]!
    .trim()
    .split(' ')
    .map((h) => Number.parseInt(h, 16));
  if (crcLine[3]!.toUpperCase() !== 'YES' || dallasCrc8(bytes.slice(0, 8)) !== bytes[8]) {
    return { ok: false, fault: 'CRC check failed', transient: true };
  }
  // Nine zero bytes pass the CRC (the CRC of zeros is zero) and read 0 °C: a sensor that lost its
  // power or has its data line held low, seen on long 1-wire runs. A DS18B20 scratchpad always
  // has its configuration register (byte 4) set, so all zeros is never a temperature.
  if (bytes.every((b) => b === 0)) {
    return {
      ok: false,
      fault: 'DS18B20 answered nine zero bytes (00 … 00, crc=00 YES): no power or data line held low',
      transient: true,
    };
  }
  const milli = Number(tLine[1]);
  // 85 °C is the DS18B20's power-on value: the conversion did not run (weak parasite power).
  if (milli === 85000)
    return {
      ok: false,
      fault: 'DS18B20 answered its power-on value 85 °C (t=85000): no conversion ran',
      transient: true,
    };
  return plausible(milli / 1000, null);
}

export class W1ClimateSensor implements ClimateSensor {
  constructor(
    private readonly sysfs: Sysfs,
    private readonly device: string,
    private readonly attempts = 3,
  ) {}

  read(): Promise<ClimateReading> {
    return withRetries(this.attempts, () => this.once());
  }

  private async once(): Promise<ClimateAttempt> {
    const file = path.join(W1_DEVICES, this.device, 'w1_slave');
    if (!(await this.sysfs.exists(path.join(W1_DEVICES, this.device)))) {
      return {
        ok: false,
        fault: `no 1-wire device "${this.device}" in ${path.join(this.sysfs.root, W1_DEVICES)}`,
        transient: false,
      };
    }
    try {
      const parsed = parseW1Slave(await this.sysfs.read(file));
      return parsed.ok || parsed.transient ? parsed : { ...parsed, fault: `${file}: ${parsed.fault}` };
    } catch (err) {
      return { ok: false, fault: `reading ${file}: ${errorText(err)}`, transient: true };
    }
  }
}
