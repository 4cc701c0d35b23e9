import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { NutClient, quoteNut, splitNutLine } from '../../agent/sensors/nut-client.js';
import { UpsNutSensor, upsReading } from '../../agent/sensors/ups-nut.js';

describe('ups.status and the variables become a reading', () => {
  const vars = (status: string, extra: Record<string, string> = {}) =>
    new Map(Object.entries({ 'ups.status': status, 'battery.charge': '80', ...extra }));
  test.each([
    ['OL', { mains: true, upsLowBattery: false, upsChargePct: 80 }],
    ['OL CHRG', { mains: true, upsLowBattery: false }],
    ['OB DISCHRG', { mains: false, upsLowBattery: false }],
    ['OB LB', { mains: false, upsLowBattery: true }],
    ['OL RB', { mains: true, fault: 'the UPS asks for its battery to be replaced (RB)' }],
    ['BYPASS', { mains: null }],
    ['WAIT', { mains: null, upsChargePct: null, fault: 'upsd has no status from its driver yet (WAIT)' }],
    ['', { mains: null, fault: 'upsd has no status from its driver yet (WAIT)' }],
  ])('%s', (status, expected) => {
    expect(upsReading(vars(status))).toMatchObject(expected);
  });

  test('numbers are clamped to what the contract allows; garbage is unknown', () => {
    expect(
      upsReading(vars('OL', { 'battery.charge': '104', 'battery.runtime': 'n/a', 'ups.load': '-3' })),
    ).toMatchObject({ upsChargePct: 100, upsRuntimeSec: null, upsLoadPct: 0, inputVoltageV: null });
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
