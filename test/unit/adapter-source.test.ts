import { describe, expect, test } from '@jest/globals';
import { AdapterSource } from '../../agent/adapter-source.js';

describe('readings from real adapters', () => {
  test('a room with no adapters reads as unknown, not as healthy', async () => {
    const r = await new AdapterSource({}, () => 'on').read();
    expect(r).toEqual({
      power: { mains: null, upsChargePct: null, state: 'on' },
      // A room built without a climate sensor has no reading, and no fault either.
      climate: { tempC: null, humidityPct: null },
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

  test('a UPS adapter that throws is a UPS fault; a host adapter adds the host section', async () => {
    const host = {
      cpuTempC: 50,
      load1: 0.1,
      memUsedPct: 20,
      diskFreeMb: 100,
      uptimeSec: 5,
      throttled: null,
      clockSynced: true,
    };
    const r = await new AdapterSource(
      {
        ups: { read: async () => Promise.reject(new Error('ECONNRESET')) },
        host: { read: async () => host },
      },
      () => 'on',
    ).read();
    expect(r.power).toEqual({ mains: null, upsChargePct: null, fault: 'ECONNRESET', state: 'on' });
    expect(r.host).toEqual(host);
  });

  test('without a host adapter there is no host section (as from a simulated room)', async () => {
    expect(await new AdapterSource({}, () => 'on').read()).not.toHaveProperty('host');
  });
});
