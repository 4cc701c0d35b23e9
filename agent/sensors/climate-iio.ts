/**
 * Climate from a Linux IIO device: DHT11/DHT22 (`dht11` driver), SHT3x/SHT4x, BME280 (`bmp280`),
 * HTU21/SI7021 (`htu21`, `si7020`). Per the kernel's sysfs-bus-iio ABI, `in_<ch>_input` is already
 * processed, and otherwise the value is (`_raw` + `_offset`) × `_scale`; temperature comes in milli
 * degrees Celsius and relative humidity in milli percent. Older kernels' drivers gave some humidity
 * in percent (the dht11 driver before Linux 4.x); a value of 100 or less cannot be milli percent in
 * a room (0.1 %RH), so it is taken as percent.
 *
 *   "climate": { "source": "iio", "device": "dht11" }   (driver name, or the folder iio:device0;
 *   a device-tree node name such as dht11@4 matches its driver name)
 */
import path from 'node:path';
import type { ClimateSensor } from '../adapters.js';
import { type ClimateAttempt, type ClimateReading, plausible, withRetries } from './climate-reading.js';
import { describeDevice, errorText, findDevice, type Sysfs } from './sysfs.js';

const IIO_DEVICES = 'bus/iio/devices';

type Channel = { value: number } | { missing: true } | { error: string };

/** Milli percent per the ABI; 0 < value ≤ 100 is an older driver's percent (see the header). */
function humidityPct(value: number): number {
  return value > 0 && value <= 100 ? value : value / 1000;
}

export class IioClimateSensor implements ClimateSensor {
  constructor(
    private readonly sysfs: Sysfs,
    private readonly device: string,
    /** A DHT22 misses about one read in ten (EIO); a retry usually gets it. */
    private readonly attempts = 3,
  ) {}

  read(): Promise<ClimateReading> {
    return withRetries(this.attempts, () => this.once());
  }

  /** The device the configured name picks, as `iio:device0 (dht11@4)`; null when none does. */
  describe(): Promise<string | null> {
    return describeDevice(this.sysfs, IIO_DEVICES, this.device);
  }

  private async once(): Promise<ClimateAttempt> {
    const dir = await findDevice(this.sysfs, IIO_DEVICES, this.device);
    if (!dir) {
      return {
        ok: false,
        fault: `no IIO device "${this.device}" in ${path.join(this.sysfs.root, IIO_DEVICES)}`,
        transient: false,
      };
    }
    const temp = await this.channel(dir, 'temp');
    if ('missing' in temp) {
      return { ok: false, fault: `no in_temp_input or in_temp_raw in ${dir}`, transient: false };
    }
    if ('error' in temp) return { ok: false, fault: temp.error, transient: true };
    // A temperature-only device (BMP280) has no humidity channel: that is no fault.
    const humidity = await this.channel(dir, 'humidityrelative');
    if ('error' in humidity) return { ok: false, fault: humidity.error, transient: true };
    return plausible(temp.value / 1000, 'missing' in humidity ? null : humidityPct(humidity.value));
  }

  private async channel(dir: string, name: string): Promise<Channel> {
    const file = (suffix: string) => path.join(dir, `in_${name}_${suffix}`);
    const number = async (suffix: string): Promise<number> => {
      const text = await this.sysfs.read(file(suffix));
      const n = Number(text);
      if (text === '' || !Number.isFinite(n))
        throw new Error(`${file(suffix)} holds "${text}", not a number`);
      return n;
    };
    try {
      if (await this.sysfs.exists(file('input'))) return { value: await number('input') };
      if (!(await this.sysfs.exists(file('raw')))) return { missing: true };
      const raw = await number('raw');
      const offset = (await this.sysfs.exists(file('offset'))) ? await number('offset') : 0;
      const scale = (await this.sysfs.exists(file('scale'))) ? await number('scale') : 1;
      return { value: (raw + offset) * scale };
    } catch (err) {
      return { error: `reading ${name} from ${dir}: ${errorText(err)}` };
    }
  }
}
