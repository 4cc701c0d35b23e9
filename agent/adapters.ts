/**
 * The kinds of hardware adapter the agent composes into its readings, one small interface each.
 * Every adapter has a real implementation and a simulated one; a failing adapter reports its
 * failure in the reading (a fault, `unreachable`, null values) and never throws.
 */
import type { Readings } from '../shared/schemas.js';

/** Mains and UPS: GPIO lines from a UPS HAT or dry contacts, or a NUT server. */
export interface UpsSensor {
  read(): Promise<Omit<Readings['power'], 'state'>>;
  /** Called at once on a change the sensor sees between reads (a GPIO edge), so it is not held to the next tick. */
  onChange?(listener: () => void): void;
  /** Releases lines, processes and connections. */
  close?(): Promise<void>;
}

/** Temperature and humidity: IIO, hwmon, 1-wire. */
export interface ClimateSensor {
  read(): Promise<Readings['climate']>;
  /** Which device the configured name picked (`iio:device0 (dht11@4)`), for `doctor`. */
  describe?(): Promise<string | null>;
}

/** The room's codec: SIP OPTIONS, Cisco xAPI, Poly REST, or plain reachability. */
export interface CodecProbe {
  read(): Promise<Readings['codec']>;
}

/** The line to the MCU: latency, jitter and loss. */
export interface LinkProbe {
  read(): Promise<Readings['link']>;
}

/** The controller itself: temperature, load, memory, disk, throttling, clock sync. */
export interface HostSensor {
  read(): Promise<NonNullable<Readings['host']>>;
}

/** The adapters one room has; a kind the room lacks is left out and reads as unknown. */
export interface RoomAdapters {
  ups?: UpsSensor;
  climate?: ClimateSensor;
  host?: HostSensor;
  codec?: CodecProbe;
  link?: LinkProbe;
}
