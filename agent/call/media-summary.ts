/**
 * A test call's media statistics over the measurement, per channel: pure, so it is tested with the
 * readings captured from real codecs. Loss is counted over the whole measurement where the codec
 * gives packet counts (lost of lost + received, summed over the intervals read), else it is the mean
 * of the shares the codec computed; jitter is the worst reading (a meeting feels the worst moment,
 * not the average); the codec and resolution are the last negotiated; the frame rate the mean.
 */
import type { CallChannel } from '../../shared/schemas.js';
import type { ChannelSample } from './test-call-codec.js';

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function present<T>(values: (T | null | undefined)[]): T[] {
  return values.filter((v): v is T => v !== null && v !== undefined);
}

/** Loss over the readings of one channel, or null when the codec reported none. */
export function channelLossPct(readings: readonly ChannelSample[]): number | null {
  const counted = readings.filter((r) => r.lost !== undefined && r.received !== undefined);
  const lost = counted.reduce((s, r) => s + (r.lost ?? 0), 0);
  const total = counted.reduce((s, r) => s + (r.lost ?? 0) + (r.received ?? 0), 0);
  if (total > 0) return round((lost / total) * 100);
  const shares = present(readings.map((r) => r.lossPct));
  const m = mean(shares);
  return m === null ? (counted.length > 0 ? 0 : null) : round(m);
}

/** Every channel read during the measurement, in the order first seen. */
export function summariseMedia(readings: readonly (readonly ChannelSample[])[]): CallChannel[] {
  const byId = new Map<string, ChannelSample[]>();
  for (const sample of readings.flat()) {
    const list = byId.get(sample.id) ?? [];
    list.push(sample);
    byId.set(sample.id, list);
  }
  return [...byId.values()].map((list) => {
    const last = list.at(-1)!;
    const jitters = present(list.map((r) => r.jitterMs));
    const rates = present(list.map((r) => r.rateKbps));
    const channel: CallChannel = {
      media: last.media,
      direction: last.direction,
      lossPct: channelLossPct(list),
      jitterMs: jitters.length > 0 ? Math.max(...jitters) : null,
      codec: last.codec,
      rateKbps: rates.length > 0 ? round(mean(rates)!, 0) : null,
    };
    if (last.media === 'video') {
      const frameRate = mean(present(list.map((r) => r.frameRate)));
      channel.widthPx = last.widthPx ?? null;
      channel.heightPx = last.heightPx ?? null;
      channel.frameRate = frameRate === null ? null : round(frameRate, 1);
    }
    return channel;
  });
}
