/**
 * A GPIO input seen through polarity and debounce: a relay contact or a UPS HAT's opto-coupler
 * bounces for a few milliseconds, so an edge is believed only once the line has held its level for
 * `debounceMs`; every new edge restarts the wait.
 */

import type { Timers } from '../../shared/clock.js';
import type { GpioLine, GpioValue } from '../gpio/gpio-port.js';

/** Whether the line is active: high, or low when wired active-low (a contact closing to ground). */
export function isActive(level: GpioValue, activeLow: boolean): boolean {
  return activeLow ? level === 0 : level === 1;
}

export class DebouncedInput {
  private stable: boolean | null = null;
  private pending: unknown = null;

  constructor(
    private readonly line: GpioLine,
    private readonly activeLow: boolean,
    private readonly debounceMs: number,
    private readonly timers: Timers,
    private readonly onChange: (active: boolean) => void,
  ) {}

  /** Reads the level now and starts following edges. */
  async start(): Promise<void> {
    this.stable = isActive(await this.line.read(), this.activeLow);
    this.line.watch(() => this.edge());
  }

  get active(): boolean | null {
    return this.stable;
  }

  /** Catches up with the line when no edge is pending (an edge the kernel coalesced); silent. */
  async refresh(): Promise<void> {
    if (this.pending === null) this.stable = isActive(await this.line.read(), this.activeLow);
  }

  async close(): Promise<void> {
    if (this.pending !== null) this.timers.clearTimeout(this.pending);
    this.pending = null;
    await this.line.close();
  }

  private edge(): void {
    if (this.pending !== null) this.timers.clearTimeout(this.pending);
    if (this.debounceMs === 0) {
      void this.settle();
      return;
    }
    this.pending = this.timers.setTimeout(() => {
      this.pending = null;
      void this.settle();
    }, this.debounceMs);
  }

  private async settle(): Promise<void> {
    const active = isActive(await this.line.read(), this.activeLow);
    if (active === this.stable) return;
    this.stable = active;
    this.onChange(active);
  }
}
