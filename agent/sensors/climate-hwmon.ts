/**
 * Climate from a hwmon device: SHT3x/SHT4x (`sht3x`, `sht4x` drivers), HIH6130, the SoC's own
 * sensor as a last resort. `temp<N>_input` is in milli degrees Celsius and `humidity<N>_input` in
 * milli percent (Documentation/hwmon/sysfs-interface). hwmon numbers change between boots, so name
 * the device by its driver.
 *
 *   "climate": { "source": "hwmon", "device": "sht3x", "channel": 1 }
 */
import path from 'node:path';
import type { ClimateSensor } from '../adapters.js';
import { type ClimateAttempt, type ClimateReading, plausible, withRetries } from './climate-reading.js';
import { errorText, findDevice, type Sysfs } from './sysfs.js';

const HWMON = 'class/hwmon';

export class HwmonClimateSensor implements ClimateSensor {
  constructor(
    private readonly sysfs: Sysfs,
    private readonly device: string,
    private readonly channel = 1,
    private readonly attempts = 3,
  ) {}

  read(): Promise<ClimateReading> {
    return withRetries(this.attempts, () => this.once());
  }

  private async once(): Promise<ClimateAttempt> {
    const dir = await findDevice(this.sysfs, HWMON, this.device);
    if (!dir) {
      return {
        ok: false,
        fault: `no hwmon device "${this.device}" in ${path.join(this.sysfs.root, HWMON)}`,
        transient: false,
      };
    }
    const tempFile = path.join(dir, `temp${this.channel}_input`);
    const humidityFile = path.join(dir, `humidity${this.channel}_input`);
    if (!(await this.sysfs.exists(tempFile))) return { ok: false, fault: `no ${tempFile}`, transient: false };
    try {
      const tempC = Number(await this.sysfs.read(tempFile)) / 1000;
      const humidityPct = (await this.sysfs.exists(humidityFile))
        ? Number(await this.sysfs.read(humidityFile)) / 1000
        : null;
      return plausible(tempC, humidityPct);
    } catch (err) {
      return { ok: false, fault: `reading ${dir}: ${errorText(err)}`, transient: true };
    }
  }
}
