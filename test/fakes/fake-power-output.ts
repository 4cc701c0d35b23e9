/** A power output that records what it was told into a journal shared with the test, and fails on demand. */
import type { PowerOutput, PowerState } from '../../agent/power/power-output.js';

export class FakePowerOutput implements PowerOutput {
  state: PowerState | 'unknown' = 'unknown';
  /** Set to make the next switches fail with this error. */
  failing: Error | null = null;

  constructor(
    readonly name: string,
    readonly ratedW: number,
    private readonly journal: string[] = [],
  ) {}

  async set(on: boolean): Promise<void> {
    this.journal.push(`${this.name} ${on ? 'on' : 'off'}`);
    if (this.failing) throw this.failing;
    this.state = on ? 'on' : 'off';
  }
}
