import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { NutClient, quoteNut, splitNutLine } from '../../agent/sensors/nut-client.js';
import { UpsNutSensor, upsReading } from '../../agent/sensors/ups-nut.js';
import { readDump, realDumps } from '../helpers/nut-dump.js';

describe('ups.status and the variables become a reading', () => {
  const vars = (status: string, extra: Record<string, string> = {}) =>
    new Map(Object.entries({ 'ups.status': status, 'battery.charge': '80', ...extra }));
  test.each([
    ['OL', { mains: true, upsLowBattery: false, upsChargePct: 80 }],
    ['OL CHRG', { mains: true, upsLowBattery: false }],
    ['OB DISCHRG', { mains: false, upsLowBattery: false }],
    ['OB LB', { mains: false, upsLowBattery: true, upsForcedShutdown: false }],
    ['FSD OL', { mains: true, upsForcedShutdown: true }],
    ['ALARM OL FSD', { mains: true, upsForcedShutdown: true }],
    ['OL RB', { mains: true, fault: 'the UPS asks for its battery to be replaced (RB)' }],
    ['BYPASS', { mains: null }],
    [
      'WAIT',
      {
        mains: null,
        upsChargePct: null,
        upsForcedShutdown: null,
        fault: 'upsd has no status from its driver yet (WAIT)',
      },
    ],
    ['', { mains: null, fault: 'upsd has no status from its driver yet (WAIT)' }],
  ])('%s', (status, expected) => {
    expect(upsReading(vars(status))).toMatchObject(expected);
  });

  // Values seen in the NUT devices dumps library (test/fixtures/real/nut): nonsense is unknown,
  // never clamped (a clamped 255 % would read as a full battery).
  test.each([
    ['battery.runtime', '65535', { upsRuntimeSec: null }],
    ['battery.runtime', '3932100', { upsRuntimeSec: null }],
    ['battery.runtime', '133200.00', { upsRuntimeSec: null }],
    ['battery.runtime', '-60.0', { upsRuntimeSec: null }],
    ['battery.runtime', 'n/a', { upsRuntimeSec: null }],
    ['battery.runtime', '', { upsRuntimeSec: null }],
    ['battery.runtime', '86400', { upsRuntimeSec: null }],
    ['battery.runtime', '81983', { upsRuntimeSec: null }],
    ['battery.runtime', '64800', { upsRuntimeSec: 64800 }],
    ['battery.runtime', '0', { upsRuntimeSec: 0 }],
    ['battery.charge', '120', { upsChargePct: null }],
    ['battery.charge', '255', { upsChargePct: null }],
    ['battery.charge', '-143.2', { upsChargePct: null }],
    ['battery.charge', '089.0', { upsChargePct: 89 }],
    ['battery.charge', '100.0', { upsChargePct: 100 }],
    ['ups.load', '-3', { upsLoadPct: null }],
    ['ups.load', '016.0', { upsLoadPct: 16 }],
    ['input.voltage', 'garbage', { inputVoltageV: null }],
  ])('%s: %j', (name, value, expected) => {
    expect(upsReading(vars('OL', { [name]: value }))).toMatchObject(expected);
  });

  test('a UPS without battery.charge or battery.runtime still reports mains and low battery', () => {
    expect(upsReading(new Map([['ups.status', 'OB LB']]))).toEqual({
      mains: false,
      upsChargePct: null,
      upsRuntimeSec: null,
      upsLowBattery: true,
      upsForcedShutdown: false,
      inputVoltageV: null,
      upsLoadPct: null,
    });
  });
});

describe('real UPS dumps (NUT devices dumps library) read as expected', () => {
  test.each(realDumps().map((d) => [d.file, d] as const))('%s', (_file, dump) => {
    expect(upsReading(readDump(readFileSync(dump.path, 'utf8')))).toEqual(dump.expected);
  });

  test('the corpus covers what the issue asks for', () => {
    const dumps = realDumps();
    expect(dumps.length).toBeGreaterThanOrEqual(20);
    for (const family of [
      /^APC__/,
      /^Eaton__/,
      /^Cyber_Power/,
      /__(blazer_usb|blazer_ser|nutdrv_qx|megatec_usb)__/,
    ])
      expect(dumps.filter((d) => family.test(d.file)).length).toBeGreaterThanOrEqual(4);
    const vars = dumps.map((d) => readDump(readFileSync(d.path, 'utf8')));
    expect(vars.filter((v) => !v.has('battery.charge')).length).toBeGreaterThan(0);
    expect(vars.filter((v) => !v.has('battery.runtime')).length).toBeGreaterThan(0);
  });
});

describe('protocol words', () => {
  test.each([
    ['VAR room ups.status "OB LB"', ['VAR', 'room', 'ups.status', 'OB LB']],
    ['UPS room "say \\"hi\\" \\\\ there"', ['UPS', 'room', 'say "hi" \\ there']],
    ['VAR room x ""', ['VAR', 'room', 'x', '']],
    ['BEGIN LIST UPS', ['BEGIN', 'LIST', 'UPS']],
  ])('%s', (line, words) => {
    expect(splitNutLine(line)).toEqual(words);
  });

  test('quoting round-trips', () => {
    expect(splitNutLine(`PASSWORD ${quoteNut('pa ss"w\\rd')}`)).toEqual(['PASSWORD', 'pa ss"w\\rd']);
  });
});

describe('a server that accepts and never answers', () => {
  let server: Server;
  let port = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  test('times out with a fault naming the request', async () => {
    const sensor = new UpsNutSensor({
      host: '127.0.0.1',
      port,
      timeoutMs: 150,
      ups: 'ups',
      username: '',
      password: '',
    });
    const r = await sensor.read();
    expect(r.fault).toBe(`upsd at 127.0.0.1:${port} did not answer "LIST" in time`);
    await sensor.close();
  });

  test('the client refuses further requests once timed out', async () => {
    const client = await NutClient.connect({ host: '127.0.0.1', port, timeoutMs: 100 });
    await expect(client.listUps()).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(client.getVar('ups', 'ups.status')).rejects.toMatchObject({ code: 'TIMEOUT' });
    await client.close();
  });
});
