/**
 * One switchable supply of the room's equipment (art. 6.5: cut the power when not in use): a relay
 * on the mains of the display or the amplifier, or the codec's own standby. Each output has the
 * power it draws when on, so the energy the policy saves can be counted.
 */
export type PowerState = 'on' | 'off';

export interface PowerOutput {
  /** Name used by the sequences and the commands (`mains`, `display`, `codec`). */
  readonly name: string;
  /** What the equipment behind the output draws when on, in watts; what switching it off saves. */
  readonly ratedW: number;
  /** The state last driven; `unknown` until the first switch (a relay is not read back). */
  readonly state: PowerState | 'unknown';
  /** Switches the output; throws a PowerError that says what to check when it could not. */
  set(on: boolean): Promise<void>;
  /** Releases what the output holds (a GPIO line) without switching it. */
  close?(): Promise<void>;
}

export type PowerErrorCode = 'gpio' | 'codec' | 'shutdown';

/** An output that could not be switched; the message tells the technician what to check. */
export class PowerError extends Error {
  constructor(
    readonly code: PowerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PowerError';
  }
}
