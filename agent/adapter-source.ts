/**
 * Readings from a room's real adapters, read in parallel. An adapter that is missing reads as
 * unknown; one that throws despite its contract is caught here and reported as a fault, so one
 * broken sensor never stops the others.
 */
import type { Readings } from '../shared/schemas.js';
import type { RoomAdapters } from './adapters.js';
import type { ReadingSource } from './reading-source.js';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class AdapterSource implements ReadingSource {
  constructor(
    private readonly adapters: RoomAdapters,
    /** Whether the room's equipment is switched on (the power control's state). */
    private readonly powerState: () => Readings['power']['state'],
  ) {}

  async read(): Promise<Readings> {
    const { ups, climate, codec, link, host } = this.adapters;
    const [u, c, k, l, h] = await Promise.all([
      ups
        ? ups.read().catch((err: unknown) => ({ mains: null, upsChargePct: null, fault: message(err) }))
        : { mains: null, upsChargePct: null },
      climate
        ? climate.read().catch((err: unknown) => ({ tempC: null, humidityPct: null, fault: message(err) }))
        : // A room built without a climate sensor is not a room with a faulty one.
          { tempC: null, humidityPct: null },
      codec
        ? codec
            .read()
            .catch((err: unknown) => ({ state: 'unreachable' as const, inCall: false, detail: message(err) }))
        : { state: 'unknown' as const, inCall: false },
      link
        ? link.read().catch(() => ({ latencyMs: null, jitterMs: null, lossPct: null }))
        : { latencyMs: null, jitterMs: null, lossPct: null },
      host?.read().catch(() => undefined),
    ]);
    const readings: Readings = { power: { ...u, state: this.powerState() }, climate: c, codec: k, link: l };
    return h ? { ...readings, host: h } : readings;
  }

  /** Lets the agent sample at once when an adapter sees a change between reads. */
  onChange(listener: () => void): void {
    this.adapters.ups?.onChange?.(listener);
  }

  async close(): Promise<void> {
    await this.adapters.ups?.close?.();
  }
}
