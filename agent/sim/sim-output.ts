/** A simulated power output: switches at once and never fails, for `--simulate` and the demo. */
import type { PowerOutput, PowerState } from '../power/power-output.js';

export class SimOutput implements PowerOutput {
  private current: PowerState | 'unknown' = 'unknown';

  constructor(
    readonly name: string,
    readonly ratedW: number,
  ) {}

  get state(): PowerState | 'unknown' {
    return this.current;
  }

  async set(on: boolean): Promise<void> {
    this.current = on ? 'on' : 'off';
  }
}
