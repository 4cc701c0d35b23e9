import { describe, expect, test } from '@jest/globals';
import { AdapterSource } from '../../agent/adapter-source.js';

describe('readings from real adapters', () => {
  test('a room with no adapters reads as unknown, not as healthy', async () => {
    const r = await new AdapterSource({}, () => 'on').read();
    expect(r).toEqual({
      power: { mains: null, upsChargePct: null, state: 'on' },
      climate: { tempC: null, humidityPct: null, fault: 'no climate sensor configured' },
      codec: { state: 'unknown', inCall: false },
      link: { latencyMs: null, jitterMs: null, lossPct: null },
    });
  });

  test('an adapter that throws is reported as a fault while the others still read', async () => {
    const source = new AdapterSource(
      {
        ups: { read: async () => ({ mains: false, upsChargePct: 71 }) },
        climate: { read: async () => Promise.reject(new Error('EIO reading in_temp_input')) },
        codec: { read: async () => Promise.reject(new Error('socket hang up')) },
        link: { read: async () => ({ latencyMs: 20, jitterMs: 2, lossPct: 0 }) },
      },
      () => 'off',
    );
    const r = await source.read();
    expect(r.power).toEqual({ mains: false, upsChargePct: 71, state: 'off' });
    expect(r.climate).toEqual({ tempC: null, humidityPct: null, fault: 'EIO reading in_temp_input' });
    expect(r.codec).toEqual({ state: 'unreachable', inCall: false, detail: 'socket hang up' });
    expect(r.link.latencyMs).toBe(20);
  });
});
