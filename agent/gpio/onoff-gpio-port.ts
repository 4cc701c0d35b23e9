/**
 * GPIO through the kernel's sysfs interface, by onoff (epoll for edges). onoff only knows
 * `/sys/class/gpio`; the line's number is resolved here from the chip's base first. Kept thin: the
 * logic (debounce, polarity, events) lives above the port and is tested on a fake line.
 *
 *   "gpio": { "backend": "sysfs" }
 */
import type { Sysfs } from '../sensors/sysfs.js';
import { gpioOpenError } from './gpio-error.js';
import { readGpioChips, sysfsNumber } from './gpio-numbering.js';
import type { GpioEdge, GpioLine, GpioPort, GpioValue } from './gpio-port.js';

export class OnoffGpioPort implements GpioPort {
  constructor(
    /** The real `/sys` (onoff writes there); only the numbering is read through it. */
    private readonly sysfs: Sysfs,
    private readonly chipLabel = '',
  ) {}

  async open(line: string, direction: 'in' | 'out', edge: GpioEdge = 'none'): Promise<GpioLine> {
    const number = sysfsNumber(line, await readGpioChips(this.sysfs), this.chipLabel);
    // Loaded on first use: a room without GPIO never pays for onoff and its native epoll module.
    const { Gpio } = await import('onoff');
    let gpio: InstanceType<typeof Gpio>;
    try {
      gpio = new Gpio(number, direction, edge);
    } catch (err) {
      throw gpioOpenError(line, `sysfs gpio${number}`, err);
    }
    return {
      read: async () => (await gpio.read()) as GpioValue,
      write: (value) => gpio.write(value),
      watch: (callback) => gpio.watch((err, value) => !err && callback(value as GpioValue)),
      close: async () => gpio.unexport(),
    };
  }
}
