/**
 * The codec's own standby as an output: the codec stays powered but sleeps (display signal off,
 * camera parked), and wakes in seconds. The codec adapter (Cisco xAPI `Standby Activate` /
 * `Standby Deactivate`, Poly REST) provides the small `CodecStandby` port.
 *
 * Example config (`power.outputs[]`):
 *   { "name": "codec", "kind": "codec-standby", "ratedW": 60 }
 */
import { CommandError } from '../commands/command-router.js';
import { PowerError, type PowerOutput, type PowerState } from './power-output.js';

/** What power control needs from a codec adapter. */
export interface CodecStandby {
  /** `true` puts the codec in standby, `false` wakes it. */
  standby(on: boolean): Promise<void>;
}

/** Why a room with a codec standby port has no output using it. */
export const NO_STANDBY_OUTPUT = 'no codec-standby output in power.outputs';

/**
 * The refusal of a standby or a wake in a room without a codec standby output, `why` saying what is
 * missing; the dashboard knows it by its start, `no codec standby`, and tells the operator in words.
 */
export function noStandby(why: string): CommandError {
  return new CommandError('refused', `no codec standby: ${why}`);
}

export class CodecStandbyOutput implements PowerOutput {
  private current: PowerState | 'unknown' = 'unknown';

  constructor(
    readonly name: string,
    /** The difference between awake and standby, which is what standby saves. */
    readonly ratedW: number,
    private readonly codec: CodecStandby,
  ) {}

  get state(): PowerState | 'unknown' {
    return this.current;
  }

  async set(on: boolean): Promise<void> {
    try {
      await this.codec.standby(!on);
    } catch (err) {
      throw new PowerError(
        'codec',
        `codec ${this.name}: ${on ? 'waking' : 'standby'} failed (${(err as Error).message}); check that the codec is reachable and its API account is valid`,
      );
    }
    this.current = on ? 'on' : 'off';
  }
}
