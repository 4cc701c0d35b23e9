/**
 * The one way the agent touches GPIO lines (UPS contacts, speak button, power relays). Lines are
 * named as on the board (`GPIO17`, BCM numbering); a backend (sysfs through onoff, libgpiod tools)
 * resolves the name to the kernel's numbering. Tests use a fake port.
 */
export type GpioValue = 0 | 1;
export type GpioEdge = 'none' | 'rising' | 'falling' | 'both';

export interface GpioLine {
  /** The raw electrical level; polarity (active-low) is the caller's business. */
  read(): Promise<GpioValue>;
  write(value: GpioValue): Promise<void>;
  /** Calls back on every edge of an input opened with an edge other than `none`. */
  watch(callback: (value: GpioValue) => void): void;
  close(): Promise<void>;
}

export interface GpioPort {
  open(line: string, direction: 'in' | 'out', edge?: GpioEdge): Promise<GpioLine>;
}
