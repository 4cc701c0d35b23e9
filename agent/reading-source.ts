import type { Readings } from '../shared/schemas.js';

/**
 * Where the agent gets a room's readings. The simulated backend implements it today; the real
 * sensors and probes (UPS, climate, codec, link) are composed behind the same interface.
 */
export interface ReadingSource {
  read(): Promise<Readings>;
}
