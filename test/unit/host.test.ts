import { describe, expect, test } from '@jest/globals';
import { HostMonitor, type SystemFacts } from '../../agent/sensors/host.js';
import { parseChronyTracking, parseThrottled, parseTimedatectl } from '../../agent/sensors/host-facts.js';
import { fakeCommands, missing, prints } from '../fakes/fake-commands.js';

describe('vcgencmd get_throttled', () => {
  test.each([
    ['throttled=0x0', []],
    ['throttled=0x50000', ['underVoltageOccurred', 'throttledOccurred']],
    ['throttled=0x50005', ['underVoltage', 'throttled', 'underVoltageOccurred', 'throttledOccurred']],
    ['throttled=0x8000a', ['freqCapped', 'softTempLimit', 'softTempLimitOccurred']],
  ])('%s', (stdout, set) => {
    const flags = parseThrottled(`${stdout}\n`);
    expect(flags).not.toBeNull();
    expect(
      Object.entries(flags!)
        .filter(([, v]) => v)
        .map(([k]) => k),
    ).toEqual(set);
  });
  test('anything else is unknown', () => {
    expect(parseThrottled('VCHI initialization failed')).toBeNull();
  });
});

describe('clock sync', () => {
  test.each([
    ['yes\n', true],
    ['no\n', false],
    ['', null],
  ])('timedatectl %j', (stdout, synced) => {
    expect(parseTimedatectl(stdout)).toBe(synced);
  });
  const tracking = (leap: string) =>
    `Reference ID    : C0A80001 (gw)\nStratum         : 3\nLeap status     : ${leap}\n`;
  test.each([
    [tracking('Normal'), true],
    [tracking('Insert second'), true],
    [tracking('Not synchronised'), false],
    ['506 Cannot talk to daemon', null],
  ])('chronyc %j', (stdout, synced) => {
    expect(parseChronyTracking(stdout)).toBe(synced);
  });
});

const facts: SystemFacts = {
  cpuTempC: async () => 48.312,
  memUsedPct: async () => 31.26,
  load1: () => 0.42,
  uptimeSec: () => 86400.6,
  diskFreeMb: async () => 12345.67,
};

describe('host monitor', () => {
  test('a Pi with timedatectl: every fact', async () => {
    const commands = fakeCommands({
      vcgencmd: prints('throttled=0x50000\n'),
      timedatectl: prints('yes\n'),
    });
    const r = await new HostMonitor(
      { dataDir: '/var/lib/hnth', toolsIntervalSec: 60 },
      commands,
      facts,
    ).read();
    expect(r).toEqual({
      cpuTempC: 48.3,
      load1: 0.4,
      memUsedPct: 31.3,
      diskFreeMb: 12345.7,
      uptimeSec: 86401,
      throttled: expect.objectContaining({ underVoltage: false, underVoltageOccurred: true }),
      clockSynced: true,
    });
  });

  test('not a Pi, chrony instead of timesyncd, clock not synced yet', async () => {
    const commands = fakeCommands({
      timedatectl: { code: 1, stdout: '', stderr: 'System has not been booted with systemd\n' },
      chronyc: prints('Leap status     : Not synchronised\n'),
    });
    const r = await new HostMonitor({ dataDir: '/d', toolsIntervalSec: 60 }, commands, facts).read();
    expect(r).toMatchObject({ throttled: null, clockSynced: false });
  });

  test('no tool can tell: unknown, and doctor hears what was tried', async () => {
    const commands = fakeCommands({
      timedatectl: { code: 1, stdout: '', stderr: 'Failed to connect to bus\n' },
    });
    const host = new HostMonitor({ dataDir: '/d', toolsIntervalSec: 60 }, commands, facts);
    expect((await host.read()).clockSynced).toBeNull();
    await expect(host.clock()).resolves.toEqual({
      synced: null,
      detail: 'timedatectl: Failed to connect to bus; chronyc: chronyc not found on PATH',
    });
  });

  test('the tools run at most once per interval; the rest is read every time', async () => {
    let now = 0;
    let temp = 40;
    const commands = fakeCommands({ vcgencmd: prints('throttled=0x0'), timedatectl: prints('yes') });
    const host = new HostMonitor(
      { dataDir: '/d', toolsIntervalSec: 60 },
      commands,
      { ...facts, cpuTempC: async () => temp++ },
      () => now,
    );
    await host.read();
    now = 59_000;
    const second = await host.read();
    expect(commands.calls.filter((c) => c.startsWith('vcgencmd'))).toHaveLength(1);
    expect(second.cpuTempC).toBe(41);
    now = 60_000;
    await host.read();
    expect(commands.calls.filter((c) => c.startsWith('vcgencmd'))).toHaveLength(2);
  });

  test('facts the system cannot give are null, not a crash', async () => {
    const r = await new HostMonitor(
      { dataDir: '/nonexistent', toolsIntervalSec: 60 },
      fakeCommands({ timedatectl: missing('timedatectl') }),
      {
        ...facts,
        cpuTempC: async () => null,
        memUsedPct: async () => {
          throw new Error('no /proc');
        },
        diskFreeMb: async () => null,
      },
    ).read();
    expect(r).toMatchObject({ cpuTempC: null, memUsedPct: null, diskFreeMb: null, clockSynced: null });
  });
});
