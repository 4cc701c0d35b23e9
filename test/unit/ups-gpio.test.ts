import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { AutoGpioPort } from '../../agent/gpio/auto-gpio-port.js';
import type { GpioValue } from '../../agent/gpio/gpio-port.js';
import { OnoffGpioPort } from '../../agent/gpio/onoff-gpio-port.js';
import { DebouncedInput, isActive } from '../../agent/sensors/debounced-input.js';
import { sysfsAt } from '../../agent/sensors/sysfs.js';
import { UpsGpioSensor } from '../../agent/sensors/ups-gpio.js';
import { fakeCommands } from '../fakes/fake-commands.js';
import { FakeGpioPort } from '../fakes/fake-gpio.js';
import { FakeTimers, settle } from '../fakes/fake-timers.js';

describe('polarity', () => {
  test.each([
    [1, false, true],
    [0, false, false],
    [0, true, true],
    [1, true, false],
  ] as [GpioValue, boolean, boolean][])('level %s, active-low %s: active %s', (level, activeLow, active) => {
    expect(isActive(level, activeLow)).toBe(active);
  });
});

type Step = ['set', GpioValue] | ['wait', number];

describe('debounce: an edge counts once the line has held its level for debounceMs', () => {
  const cases: [string, number, Step[], boolean[]][] = [
    [
      'a clean edge',
      50,
      [
        ['set', 0],
        ['wait', 60],
      ],
      [false],
    ],
    [
      'an edge not yet held long enough',
      50,
      [
        ['set', 0],
        ['wait', 49],
      ],
      [],
    ],
    [
      'a 20 ms glitch',
      50,
      [
        ['set', 0],
        ['wait', 20],
        ['set', 1],
        ['wait', 100],
      ],
      [],
    ],
    [
      'contact bounce, then settled',
      50,
      [
        ['set', 0],
        ['wait', 5],
        ['set', 1],
        ['wait', 5],
        ['set', 0],
        ['wait', 5],
        ['set', 1],
        ['wait', 5],
        ['set', 0],
        ['wait', 50],
      ],
      [false],
    ],
    [
      'lost then restored, each held',
      50,
      [
        ['set', 0],
        ['wait', 60],
        ['set', 1],
        ['wait', 60],
      ],
      [false, true],
    ],
    [
      'no debounce: every edge at once',
      0,
      [
        ['set', 0],
        ['set', 1],
        ['set', 0],
      ],
      [false, true, false],
    ],
  ];
  test.each(cases)('%s', async (_name, debounceMs, steps, expected) => {
    const port = new FakeGpioPort();
    const timers = new FakeTimers();
    port.set('GPIO17', 1);
    const seen: boolean[] = [];
    const input = new DebouncedInput(
      await port.open('GPIO17', 'in', 'both'),
      false,
      debounceMs,
      timers,
      (a) => seen.push(a),
    );
    await input.start();
    expect(input.active).toBe(true);
    for (const step of steps) {
      if (step[0] === 'set') {
        port.set('GPIO17', step[1]);
        await settle();
      } else await timers.advance(step[1]);
    }
    expect(seen).toEqual(expected);
  });

  test('closing drops a pending edge and releases the line', async () => {
    const port = new FakeGpioPort();
    const timers = new FakeTimers();
    port.set('GPIO17', 1);
    const seen: boolean[] = [];
    const input = new DebouncedInput(await port.open('GPIO17', 'in', 'both'), false, 50, timers, (a) =>
      seen.push(a),
    );
    await input.start();
    port.set('GPIO17', 0);
    await input.close();
    expect(timers.pending).toBe(0);
    await timers.advance(100);
    expect(seen).toEqual([]);
  });
});

describe('UPS over GPIO lines', () => {
  const options = {
    mains: { line: 'GPIO17', activeLow: true },
    lowBattery: { line: 'GPIO27', activeLow: true },
    debounceMs: 50,
  };

  test('levels go into the reading, with polarity applied', async () => {
    const port = new FakeGpioPort();
    port.set('GPIO17', 0); // contact closed to ground: mains present
    port.set('GPIO27', 1); // open: battery fine
    const ups = new UpsGpioSensor(port, options, new FakeTimers());
    await expect(ups.read()).resolves.toEqual({ mains: true, upsChargePct: null, upsLowBattery: false });
  });

  test('an edge calls the listener at once (after debounce), not at the next read', async () => {
    const port = new FakeGpioPort();
    const timers = new FakeTimers();
    port.set('GPIO17', 0);
    port.set('GPIO27', 1);
    const ups = new UpsGpioSensor(port, options, timers);
    let changes = 0;
    ups.onChange(() => changes++);
    await ups.read();
    port.set('GPIO17', 1); // mains lost
    await timers.advance(60);
    expect(changes).toBe(1);
    port.set('GPIO27', 0); // battery low
    await timers.advance(60);
    expect(changes).toBe(2);
    await expect(ups.read()).resolves.toEqual({ mains: false, upsChargePct: null, upsLowBattery: true });
  });

  test('without a low-battery line the flag is unknown', async () => {
    const port = new FakeGpioPort();
    port.set('GPIO17', 1);
    const ups = new UpsGpioSensor(port, { mains: { line: 'GPIO17', activeLow: false }, debounceMs: 0 });
    await expect(ups.read()).resolves.toEqual({ mains: true, upsChargePct: null, upsLowBattery: null });
  });

  test('a line that cannot be opened is a fault, retried at the next read', async () => {
    const port = new FakeGpioPort();
    port.failing.add('GPIO27');
    port.set('GPIO17', 0);
    port.set('GPIO27', 1);
    const ups = new UpsGpioSensor(port, options, new FakeTimers());
    await expect(ups.read()).resolves.toEqual({
      mains: null,
      upsChargePct: null,
      upsLowBattery: null,
      fault: 'EACCES opening GPIO27',
    });
    port.failing.delete('GPIO27');
    await expect(ups.read()).resolves.toEqual({ mains: true, upsChargePct: null, upsLowBattery: false });
  });

  test('a line that fails while open is a fault, and is opened afresh at the next read', async () => {
    const port = new FakeGpioPort();
    port.set('GPIO17', 0);
    let failReads = false;
    let opens = 0;
    const flaky = {
      open: async (...args: Parameters<FakeGpioPort['open']>) => {
        opens++;
        const line = await port.open(...args);
        return { ...line, read: async () => (failReads ? Promise.reject(new Error('EIO')) : line.read()) };
      },
    };
    const ups = new UpsGpioSensor(flaky, { mains: { line: 'GPIO17', activeLow: true }, debounceMs: 0 });
    await expect(ups.read()).resolves.toMatchObject({ mains: true });
    failReads = true;
    await expect(ups.read()).resolves.toEqual({
      mains: null,
      upsChargePct: null,
      upsLowBattery: null,
      fault: 'EIO',
    });
    failReads = false;
    await expect(ups.read()).resolves.toMatchObject({ mains: true });
    expect(opens).toBe(2);
  });

  test('close releases the lines: later edges call nobody', async () => {
    const port = new FakeGpioPort();
    const timers = new FakeTimers();
    port.set('GPIO17', 0);
    port.set('GPIO27', 1);
    const ups = new UpsGpioSensor(port, options, timers);
    let changes = 0;
    ups.onChange(() => changes++);
    await ups.read();
    await ups.close();
    port.set('GPIO17', 1);
    await timers.advance(60);
    expect(changes).toBe(0);
  });
});

describe('the onoff (sysfs) backend, as far as a machine without GPIO allows', () => {
  const pi4 = path.join(import.meta.dirname, '../fixtures/sysfs/gpio/pi4-kernel-6.6/sys');

  test('resolves GPIO17 to 529 on a Pi 4 tree, then reports the kernel refusing the line', async () => {
    // onoff writes to the real /sys/class/gpio, which this machine lacks: the open fails there,
    // and the error names the line and the resolved number.
    const port = new OnoffGpioPort(sysfsAt(pi4));
    await expect(port.open('GPIO17', 'in', 'both')).rejects.toThrow(
      /^GPIO17 \(sysfs gpio529\): this kernel has no sysfs GPIO .*\/sys\/class\/gpio\/export/,
    );
  });

  test('a board without a header chip is refused before onoff is touched', async () => {
    const port = new OnoffGpioPort(sysfsAt('/nonexistent-root'));
    await expect(port.open('GPIO17', 'in')).rejects.toMatchObject({ code: 'HNTH_GPIO_NO_CHIP' });
  });

  test('auto picks sysfs where class/gpio/export exists, libgpiod tools elsewhere', async () => {
    const noTools = fakeCommands();
    await expect(new AutoGpioPort('auto', sysfsAt(pi4), noTools).which()).resolves.toBe('sysfs');
    await expect(new AutoGpioPort('auto', sysfsAt('/nonexistent-root'), noTools).which()).resolves.toBe(
      'gpiod',
    );
    await expect(new AutoGpioPort('gpiod', sysfsAt(pi4), noTools).which()).resolves.toBe('gpiod');
  });
});
