/**
 * Mains and UPS from GPIO lines: a UPS HAT's power-good and low-battery outputs, or a UPS's dry
 * contacts (AC fail, battery low) wired to the header with a pull-up. Edges become an immediate
 * sample (so `mains.lost` leaves at once); the levels go into every telemetry message. Charge is
 * unknown over contacts: only the low-battery flag is.
 *
 *   "ups": { "source": "gpio",
 *            "gpio": { "mainsLine": "GPIO17", "mainsActiveLow": true,
 *                      "lowBatteryLine": "GPIO27", "lowBatteryActiveLow": true, "debounceMs": 50 } }
 */

import { systemClock, type Timers } from '../../shared/clock.js';
import type { UpsSensor } from '../adapters.js';
import type { GpioPort } from '../gpio/gpio-port.js';
import { DebouncedInput } from './debounced-input.js';

export interface UpsGpioOptions {
  /** Active when mains is present. */
  mains: { line: string; activeLow: boolean };
  /** Active when the battery is low; absent when the UPS gives no such line. */
  lowBattery?: { line: string; activeLow: boolean };
  debounceMs: number;
}

type UpsReading = Awaited<ReturnType<UpsSensor['read']>>;

export class UpsGpioSensor implements UpsSensor {
  private inputs: { mains: DebouncedInput; low: DebouncedInput | null } | null = null;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly port: GpioPort,
    private readonly options: UpsGpioOptions,
    private readonly timers: Timers = systemClock,
  ) {}

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The levels; a line that cannot be opened is a fault, and opening is tried again at the next read. */
  async read(): Promise<UpsReading> {
    try {
      const inputs = await this.open();
      await Promise.all([inputs.mains.refresh(), inputs.low?.refresh()]);
      return {
        mains: inputs.mains.active,
        upsChargePct: null,
        upsLowBattery: inputs.low ? inputs.low.active : null,
      };
    } catch (err) {
      // Release what is open: the next read opens the lines afresh (a restarted gpiomon, a freed line).
      await this.close().catch(() => {});
      return { mains: null, upsChargePct: null, upsLowBattery: null, fault: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    const inputs = this.inputs;
    this.inputs = null;
    await Promise.all([inputs?.mains.close(), inputs?.low?.close()]);
  }

  private async open(): Promise<NonNullable<typeof this.inputs>> {
    if (this.inputs) return this.inputs;
    const changed = () => {
      for (const listener of this.listeners) listener();
    };
    const input = async (spec: { line: string; activeLow: boolean }) =>
      new DebouncedInput(
        await this.port.open(spec.line, 'in', 'both'),
        spec.activeLow,
        this.options.debounceMs,
        this.timers,
        changed,
      );
    const mains = await input(this.options.mains);
    let low: DebouncedInput | null = null;
    try {
      low = this.options.lowBattery ? await input(this.options.lowBattery) : null;
      await mains.start();
      await low?.start();
    } catch (err) {
      await mains.close().catch(() => {});
      await low?.close().catch(() => {});
      throw err;
    }
    this.inputs = { mains, low };
    return this.inputs;
  }
}
