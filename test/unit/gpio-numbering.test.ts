import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { GpioError, gpioOpenError } from '../../agent/gpio/gpio-error.js';
import { lineOffset, readGpioChips, sysfsNumber } from '../../agent/gpio/gpio-numbering.js';
import { sysfsAt } from '../../agent/sensors/sysfs.js';

const fixtures = path.join(import.meta.dirname, '../fixtures/sysfs/gpio');

interface Case {
  board: string;
  lines?: Record<string, number>;
  error?: string;
}

describe('BCM line name to sysfs number, on fake trees of real boards', () => {
  test.each(readdirSync(fixtures).sort())('%s', async (name) => {
    const c = JSON.parse(readFileSync(path.join(fixtures, name, 'case.json'), 'utf8')) as Case;
    const chips = await readGpioChips(sysfsAt(path.join(fixtures, name, 'sys')));
    if (c.error) {
      expect(() => sysfsNumber('GPIO17', chips)).toThrow(c.error);
      return;
    }
    for (const [line, number] of Object.entries(c.lines ?? {})) {
      expect([line, sysfsNumber(line, chips)]).toEqual([line, number]);
    }
  });

  test('the boards covered are the Pi 3, 4 and 5', () => {
    const boards = readdirSync(fixtures);
    for (const pi of ['pi3-', 'pi4-', 'pi5-']) expect(boards.some((b) => b.startsWith(pi))).toBe(true);
  });

  test('a chip label from the configuration picks that chip', async () => {
    const chips = await readGpioChips(sysfsAt(path.join(fixtures, 'generic-x86', 'sys')));
    expect(sysfsNumber('GPIO5', chips, 'INT33FF:00')).toBe(5);
    expect(() => sysfsNumber('GPIO9', chips, 'INT33FF:00')).toThrow(
      'GPIO9 is beyond gpiochip0, which has 8 lines',
    );
  });

  test('no sysfs GPIO class at all lists no chips', async () => {
    await expect(readGpioChips(sysfsAt('/nonexistent-root'))).resolves.toEqual([]);
  });
});

describe('line names', () => {
  test.each([
    ['GPIO0', 0],
    ['GPIO17', 17],
    ['GPIO27', 27],
  ])('%s is offset %s', (line, offset) => {
    expect(lineOffset(line)).toBe(offset);
  });

  test.each(['GPIO28', 'GPIO-1', 'gpio17', '17', 'BCM17', 'GPIO', ''])('%s is refused', (line) => {
    expect(() => lineOffset(line)).toThrow(GpioError);
    expect(() => lineOffset(line)).toThrow('use GPIO0 to GPIO27');
  });
});

describe('kernel errors become advice', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}, open`), { code });
  test('ENOENT on a line folder after export means the kernel kept the line', () => {
    const e = gpioOpenError(
      'GPIO22',
      'sysfs gpio534',
      Object.assign(new Error("ENOENT: no such file or directory, open '/sys/class/gpio/gpio534/value'"), {
        code: 'ENOENT',
      }),
    );
    expect(e.message).toContain('is the line claimed by a device-tree overlay?');
  });

  test.each([
    ['EACCES', 'HNTH_GPIO_ACCESS', "add the agent's user to the gpio group"],
    ['EBUSY', 'HNTH_GPIO_BUSY', 'used by another driver or program'],
    ['EINVAL', 'HNTH_GPIO_REFUSED', "check the board's GPIO numbering"],
    ['ENOENT', 'HNTH_GPIO_REFUSED', 'set sensors.ups.gpio.backend to "gpiod"'],
    ['EIO', 'HNTH_GPIO_REFUSED', 'EIO, open'],
  ])('%s', (code, hnthCode, advice) => {
    const e = gpioOpenError('GPIO17', 'sysfs gpio529', errno(code));
    expect(e.code).toBe(hnthCode);
    expect(e.message).toContain('GPIO17 (sysfs gpio529)');
    expect(e.message).toContain(advice);
  });
});
