/**
 * The room's speak button (art. 10.1c): a push button on a GPIO input, usually to ground with the
 * pull-up on (`activeLow`). Contacts bounce for a few milliseconds, so a press counts once the line
 * has held its level for `debounceMs`; holding the button is one press, not many.
 *
 * Example config: `{"speakButton": {"line": "GPIO27", "activeLow": true, "debounceMs": 50}}`.
 */
import { systemClock, type Timers } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { GpioLine, GpioPort } from '../gpio/gpio-port.js';

export interface SpeakButtonConfig {
  /** Board line name (`GPIO27`); empty: the room has no button. */
  line: string;
  activeLow: boolean;
  debounceMs: number;
}

export class SpeakButton {
  private line: GpioLine | null = null;
  private pending: unknown = null;
  private pressed = false;

  constructor(
    private readonly port: GpioPort,
    private readonly config: SpeakButtonConfig,
    private readonly log: Logger,
    private readonly timers: Timers = systemClock,
  ) {}

  /** Opens the line and calls `onPress` once per press. A line that cannot be opened is logged, not thrown. */
  async start(onPress: () => void): Promise<void> {
    try {
      this.line = await this.port.open(this.config.line, 'in', 'both');
    } catch (err) {
      this.log.error(
        { line: this.config.line, err: (err as Error).message },
        'speak button unavailable: check speakButton.line and that the agent’s user is in the gpio group',
      );
      return;
    }
    const line = this.line;
    this.pressed = this.isActive(await line.read());
    line.watch(() => {
      if (this.pending !== null) this.timers.clearTimeout(this.pending);
      this.pending = this.timers.setTimeout(() => {
        this.pending = null;
        void line.read().then((value) => {
          const active = this.isActive(value);
          if (active && !this.pressed) onPress();
          this.pressed = active;
        });
      }, this.config.debounceMs);
    });
  }

  async stop(): Promise<void> {
    if (this.pending !== null) this.timers.clearTimeout(this.pending);
    this.pending = null;
    await this.line?.close();
    this.line = null;
  }

  private isActive(value: 0 | 1): boolean {
    return this.config.activeLow ? value === 0 : value === 1;
  }
}
