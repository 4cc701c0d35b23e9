import type { Readings } from '../shared/schemas.js';

/**
 * Where the agent gets a room's readings. The simulated backend implements it today; the real
 * sensors and probes (UPS, climate, codec, link) are composed behind the same interface.
 */
export interface ReadingSource {
  read(): Promise<Readings>;
  /** Present when the source can tell of a change between reads (a GPIO edge): the agent then samples at once. */
  onChange?(listener: () => void): void;
  /** Releases what the source holds (GPIO lines, connections) when the agent stops. */
  close?(): Promise<void>;
}
