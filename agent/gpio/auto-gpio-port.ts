/**
 * The GPIO backend named in the configuration: sysfs through onoff where the kernel still has
 * `class/gpio/export`, libgpiod's tools where it does not (`auto` decides at the first open).
 */
import type { ProcessRunner } from '../../shared/probes/process-runner.js';
import type { Sysfs } from '../sensors/sysfs.js';
import type { GpioEdge, GpioLine, GpioPort } from './gpio-port.js';
import { GpiodToolsPort } from './gpiod-tools-port.js';
import { OnoffGpioPort } from './onoff-gpio-port.js';

export type GpioBackend = 'auto' | 'sysfs' | 'gpiod';

export class AutoGpioPort implements GpioPort {
  private chosen: Promise<GpioPort> | null = null;

  constructor(
    private readonly backend: GpioBackend,
    private readonly sysfs: Sysfs,
    private readonly runner: ProcessRunner,
    private readonly chipLabel = '',
  ) {}

  /** Which backend serves the lines, once decided (for `doctor`). */
  async which(): Promise<'sysfs' | 'gpiod'> {
    return (await this.port()) instanceof OnoffGpioPort ? 'sysfs' : 'gpiod';
  }

  async open(line: string, direction: 'in' | 'out', edge?: GpioEdge): Promise<GpioLine> {
    return (await this.port()).open(line, direction, edge);
  }

  private port(): Promise<GpioPort> {
    this.chosen ??= (async () => {
      const sysfs =
        this.backend === 'sysfs' ||
        (this.backend === 'auto' && (await this.sysfs.exists('class/gpio/export')));
      return sysfs ? new OnoffGpioPort(this.sysfs, this.chipLabel) : new GpiodToolsPort(this.runner);
    })();
    return this.chosen;
  }
}
