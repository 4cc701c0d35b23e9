/**
 * A relay on a GPIO line switching the mains of part of the room's equipment (display, amplifier,
 * the whole rack). Most relay boards sold for the Pi close on a low level, hence `activeLow`.
 *
 * Example config (`power.outputs[]`):
 *   { "name": "display", "kind": "relay", "line": "GPIO17", "activeLow": true, "ratedW": 180 }
 */
import type { GpioLine, GpioPort } from '../gpio/gpio-port.js';
import { PowerError, type PowerOutput, type PowerState } from './power-output.js';

export interface RelayConfig {
  name: string;
  /** The line as named on the board, BCM numbering (`GPIO17`). */
  line: string;
  activeLow: boolean;
  ratedW: number;
}

export class RelayOutput implements PowerOutput {
  private lineHandle: GpioLine | null = null;
  private current: PowerState | 'unknown' = 'unknown';

  constructor(
    private readonly config: RelayConfig,
    private readonly gpio: GpioPort,
  ) {}

  get name(): string {
    return this.config.name;
  }

  get ratedW(): number {
    return this.config.ratedW;
  }

  get state(): PowerState | 'unknown' {
    return this.current;
  }

  async set(on: boolean): Promise<void> {
    const line = await this.open();
    const level = on !== this.config.activeLow ? 1 : 0;
    try {
      await line.write(level);
    } catch (err) {
      throw new PowerError(
        'gpio',
        `relay ${this.name}: writing ${level} to ${this.config.line} failed (${(err as Error).message}); check the wiring and the line name`,
      );
    }
    this.current = on ? 'on' : 'off';
  }

  /** Releases the line; the relay keeps its level, so stopping the agent never switches the room. */
  async close(): Promise<void> {
    const line = this.lineHandle;
    this.lineHandle = null;
    await line?.close();
  }

  private async open(): Promise<GpioLine> {
    if (this.lineHandle) return this.lineHandle;
    try {
      this.lineHandle = await this.gpio.open(this.config.line, 'out');
      return this.lineHandle;
    } catch (err) {
      throw new PowerError(
        'gpio',
        `relay ${this.name}: cannot open ${this.config.line} (${(err as Error).message}); check the line name and that the agent's user is in the gpio group`,
      );
    }
  }
}
