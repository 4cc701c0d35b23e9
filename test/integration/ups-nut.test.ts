import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { NutClient, NutError } from '../../agent/sensors/nut-client.js';
import { UpsNutSensor } from '../../agent/sensors/ups-nut.js';
import {
  NUT_UPS,
  NUT_USER,
  type RunningNut,
  type RunningNutDumps,
  startNut,
  startNutDumps,
} from '../helpers/nut.js';
import { REAL_NUT_SEQ_DIR, realDumps } from '../helpers/nut-dump.js';
import { waitFor } from '../helpers/wait.js';

const online = {
  'ups.status': 'OL',
  'battery.charge': '100',
  'battery.runtime': '1800',
  'input.voltage': '229.5',
  'ups.load': '23',
};

describe('NUT client against a real upsd with the dummy-ups driver', () => {
  let nut: RunningNut;
  let sensor: UpsNutSensor;
  const options = () => ({ host: '127.0.0.1', port: nut.port, timeoutMs: 2000, ups: NUT_UPS, ...NUT_USER });

  beforeAll(async () => {
    nut = await startNut(online);
    sensor = new UpsNutSensor(options());
  });
  afterAll(async () => {
    await sensor?.close();
    await nut?.stop();
  });

  test('LIST UPS, LIST VAR and GET VAR as upsd answers them', async () => {
    const client = await NutClient.connect({ host: '127.0.0.1', port: nut.port, timeoutMs: 2000 });
    try {
      await client.login(NUT_USER.username, NUT_USER.password);
      expect(await client.listUps()).toEqual(new Map([[NUT_UPS, 'test room UPS']]));
      const vars = await client.listVar(NUT_UPS);
      expect(vars.get('ups.status')).toBe('OL');
      expect(vars.get('input.voltage')).toBe('229.5');
      expect(await client.getVar(NUT_UPS, 'battery.runtime')).toBe('1800');
      await expect(client.getVar(NUT_UPS, 'no.such.var')).rejects.toMatchObject({
        code: 'VAR-NOT-SUPPORTED',
      });
      await expect(client.listVar('other')).rejects.toMatchObject({ code: 'UNKNOWN-UPS' });
      // The connection is still usable after an ERR.
      expect(await client.getVar(NUT_UPS, 'ups.load')).toBe('23');
    } finally {
      await client.close();
    }
  });

  test('on line: every value read', async () => {
    await expect(sensor.read()).resolves.toEqual({
      mains: true,
      upsChargePct: 100,
      upsRuntimeSec: 1800,
      upsLowBattery: false,
      upsForcedShutdown: false,
      inputVoltageV: 229.5,
      upsLoadPct: 23,
    });
  });

  test('mains lost, then low battery, then mains back: each status change is seen', async () => {
    nut.setUps({ ...online, 'ups.status': 'OB DISCHRG', 'battery.charge': '64', 'input.voltage': '0' });
    const lost = await waitFor('mains lost', async () => {
      const r = await sensor.read();
      return r.mains === false && r;
    });
    expect(lost).toMatchObject({ upsChargePct: 64, upsLowBattery: false, inputVoltageV: 0 });

    nut.setUps({ ...online, 'ups.status': 'OB LB', 'battery.charge': '9', 'battery.runtime': '120' });
    const low = await waitFor('low battery', async () => {
      const r = await sensor.read();
      return r.upsLowBattery === true && r;
    });
    expect(low).toMatchObject({ mains: false, upsChargePct: 9, upsRuntimeSec: 120 });

    nut.setUps(online);
    await waitFor('mains back', async () => (await sensor.read()).mains === true);
  });

  test('upsd stopped is a fault, not a crash; upsd restarted is read again', async () => {
    await expect(sensor.read()).resolves.toMatchObject({ mains: true });
    await nut.stopUpsd();
    const down = await sensor.read();
    expect(down).toMatchObject({ mains: null, upsChargePct: null });
    expect(down.fault).toBe(`upsd at 127.0.0.1:${nut.port} refused the connection: is nut-server running?`);
    // Still down at the next read: the same fault, nothing thrown.
    expect((await sensor.read()).fault).toBe(down.fault);
    await nut.startUpsd();
    await expect(sensor.read()).resolves.toMatchObject({ mains: true, upsChargePct: 100 });
  });

  test('a UPS name upsd does not know is named in the fault', async () => {
    const wrong = new UpsNutSensor({ ...options(), ups: 'kitchen' });
    const r = await wrong.read();
    await wrong.close();
    expect(r.fault).toBe(
      `upsd at 127.0.0.1:${nut.port} has no UPS "kitchen"; check sensors.ups.nut.ups against upsc -l`,
    );
  });

  test('a bad password cannot smuggle a second command', async () => {
    const client = await NutClient.connect({ host: '127.0.0.1', port: nut.port, timeoutMs: 2000 });
    try {
      await expect(client.login('hnth', 'x\nLOGOUT')).rejects.toBeInstanceOf(NutError);
    } finally {
      await client.close();
    }
  });
});

describe('real UPS dumps through a real upsd and dummy-ups', () => {
  const dumps = realDumps();
  const sequences = readdirSync(REAL_NUT_SEQ_DIR)
    .filter((f) => f.endsWith('.seq'))
    .sort()
    .map((f) => path.join(REAL_NUT_SEQ_DIR, f));
  let nut: RunningNutDumps;
  const sensors: UpsNutSensor[] = [];
  const sensorFor = (file: string) => {
    const sensor = new UpsNutSensor({
      host: '127.0.0.1',
      port: nut.port,
      timeoutMs: 2000,
      ups: nut.upsOf(file),
      ...NUT_USER,
    });
    sensors.push(sensor);
    return sensor;
  };

  // One upsd for every dump and sequence, each with a dummy-ups of its own (see startNutDumps).
  beforeAll(async () => {
    nut = await startNutDumps([...dumps.map((d) => d.path), ...sequences]);
  });
  afterAll(async () => {
    await Promise.all(sensors.map((s) => s.close()));
    await nut?.stop();
  });

  test.each(dumps.map((d) => [d.file, d] as const))('%s', async (_file, dump) => {
    await expect(sensorFor(dump.path).read()).resolves.toEqual(dump.expected);
  });

  // Each sequence loops: the dump as captured, on battery, low battery, and round again. The three
  // run at once, so the test takes one loop's time.
  test('sequences made from real dumps: each step is seen, in order', async () => {
    await Promise.all(
      sequences.map(async (seq) => {
        const sensor = sensorFor(seq);
        const step = (what: string, match: (r: Awaited<ReturnType<UpsNutSensor['read']>>) => boolean) =>
          waitFor(
            `${path.basename(seq)}: ${what}`,
            async () => {
              const r = await sensor.read();
              return match(r) && r;
            },
            20_000,
          );
        await step('mains present', (r) => r.mains === true);
        expect(await step('on battery', (r) => r.mains === false && !r.upsLowBattery)).toMatchObject({
          upsChargePct: 71,
          upsRuntimeSec: 1260,
          upsForcedShutdown: false,
        });
        expect(await step('low battery', (r) => r.upsLowBattery === true)).toMatchObject({
          mains: false,
          upsChargePct: 9,
          upsRuntimeSec: 120,
        });
        await step('mains back', (r) => r.mains === true);
      }),
    );
  });
});
