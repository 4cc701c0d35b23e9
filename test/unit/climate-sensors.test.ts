import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { ClimateSensor } from '../../agent/adapters.js';
import { HwmonClimateSensor } from '../../agent/sensors/climate-hwmon.js';
import { IioClimateSensor } from '../../agent/sensors/climate-iio.js';
import { dallasCrc8, W1ClimateSensor } from '../../agent/sensors/climate-w1.js';
import { type Sysfs, sysfsAt } from '../../agent/sensors/sysfs.js';

const fixtures = path.join(import.meta.dirname, '../fixtures/sysfs/climate');
/** Trees holding real captures (test/fixtures/real/SOURCES.md). */
const realFixtures = path.join(import.meta.dirname, '../fixtures/real/sysfs');

interface Case {
  source: 'iio' | 'hwmon' | 'w1';
  device: string;
  expected: { tempC: number | null; humidityPct: number | null; fault?: string };
}

function sensor(source: Case['source'], sysfs: Sysfs, device: string): ClimateSensor {
  if (source === 'iio') return new IioClimateSensor(sysfs, device);
  if (source === 'hwmon') return new HwmonClimateSensor(sysfs, device);
  return new W1ClimateSensor(sysfs, device);
}

describe.each([
  ['golden sysfs trees', fixtures],
  ['real captures', realFixtures],
])('climate sources on %s', (_what, dir) => {
  const cases = readdirSync(dir).sort();
  test.each(cases)('%s', async (name) => {
    const c = JSON.parse(readFileSync(path.join(dir, name, 'case.json'), 'utf8')) as Case;
    const root = path.join(dir, name, 'sys');
    const reading = await sensor(c.source, sysfsAt(root), c.device).read();
    const expected = { ...c.expected };
    if (expected.fault) expected.fault = expected.fault.replace('<root>', root);
    expect(reading).toEqual(expected);
  });
});

describe('golden sysfs trees', () => {
  test('every source has a good, a missing and a broken case', () => {
    const cases = readdirSync(fixtures);
    for (const source of ['iio', 'hwmon', 'w1']) {
      expect(cases.filter((c) => c.startsWith(`${source}-`)).length).toBeGreaterThanOrEqual(4);
    }
  });

  test('the IIO device the name picked is described for doctor', async () => {
    const root = path.join(fixtures, 'iio-dht11-overlay-node-name', 'sys');
    await expect(new IioClimateSensor(sysfsAt(root), 'dht11').describe()).resolves.toBe(
      'iio:device0 (dht11@4)',
    );
    await expect(new IioClimateSensor(sysfsAt(root), 'bme280').describe()).resolves.toBeNull();
  });
});

/** A sysfs whose file answers each read from a list, as a sensor that fails and then recovers. */
function flakySysfs(file: string, answers: (string | Error)[]): Sysfs & { reads: number } {
  const state = { reads: 0 };
  return {
    root: '/fake',
    get reads() {
      return state.reads;
    },
    read: async (rel) => {
      if (rel !== file) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      const answer = answers[Math.min(state.reads++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    list: async () => [],
    exists: async (rel) => file.startsWith(rel),
  };
}

describe('transient failures are retried', () => {
  const w1File = 'bus/w1/devices/28-0316a2792aff/w1_slave';
  const good = '72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125';
  const bad = '72 01 4b 46 7f ff 0e 10 ff : crc=57 NO\n72 01 4b 46 7f ff 0e 10 ff t=23125';

  test('a 1-wire CRC failure followed by a good read gives the good read', async () => {
    const sysfs = flakySysfs(w1File, [bad, good]);
    await expect(new W1ClimateSensor(sysfs, '28-0316a2792aff').read()).resolves.toEqual({
      tempC: 23.13,
      humidityPct: null,
    });
    expect(sysfs.reads).toBe(2);
  });

  test('three CRC failures in a row are a fault, after exactly three reads', async () => {
    const sysfs = flakySysfs(w1File, [bad]);
    const r = await new W1ClimateSensor(sysfs, '28-0316a2792aff', 3).read();
    expect(r).toEqual({ tempC: null, humidityPct: null, fault: 'CRC check failed' });
    expect(sysfs.reads).toBe(3);
  });

  test('an EIO from a DHT22 is retried; a second EIO-free read wins', async () => {
    const file = 'bus/iio/devices/iio:device0/in_temp_input';
    const eio = Object.assign(new Error('EIO'), { code: 'EIO' });
    const sysfs: Sysfs = {
      root: '/fake',
      read: (() => {
        let n = 0;
        return async (rel: string) => {
          if (rel === file && n++ === 0) throw eio;
          return rel === file ? '22500' : '40000';
        };
      })(),
      list: async () => ['iio:device0'],
      exists: async (rel) => rel.endsWith('_input'),
    };
    await expect(new IioClimateSensor(sysfs, 'iio:device0').read()).resolves.toEqual({
      tempC: 22.5,
      humidityPct: 40,
    });
  });

  test('an impossible value is not retried: it is a broken sensor', async () => {
    const file = 'class/hwmon/hwmon0/temp1_input';
    let reads = 0;
    const sysfs: Sysfs = {
      root: '/fake',
      read: async () => {
        reads++;
        return '-60000';
      },
      list: async () => ['hwmon0'],
      exists: async (rel) => rel === file || rel === 'class/hwmon/hwmon0',
    };
    const r = await new HwmonClimateSensor(sysfs, 'hwmon0').read();
    expect(r.fault).toBe('impossible temperature -60 °C');
    expect(reads).toBe(1);
  });
});

describe('Dallas CRC-8', () => {
  test.each([
    // Scratchpads as printed by w1_therm, ninth byte the CRC of the first eight.
    ['72 01 4b 46 7f ff 0e 10', 0x57],
    ['50 05 4b 46 7f ff 0c 10', 0x1c],
    ['00 00 00 00 00 00 00 00', 0x00],
  ])('%s -> %s', (hex, crc) => {
    expect(dallasCrc8(hex.split(' ').map((h) => Number.parseInt(h, 16)))).toBe(crc);
  });
});
