/**
 * From a board line name (`GPIO17`, BCM numbering) to the kernel's sysfs number. Current Raspberry
 * Pi OS kernels number sysfs lines from the chip's base (512 and up), so `GPIO17` is 529 on a Pi 4
 * and 588 on a Pi 5, and onoff's `new Gpio(17)` fails with EINVAL (onoff issue #191). The header's
 * chip is found by its label in `class/gpio/gpiochip*`.
 */
import path from 'node:path';
import type { Sysfs } from '../sensors/sysfs.js';
import { GpioError } from './gpio-error.js';

export interface GpioChip {
  name: string;
  base: number;
  ngpio: number;
  label: string;
}

/** Labels of the chip that drives the 40-pin header: Pi 1-3 and Zero, Pi 4 and 400, Pi 5 (RP1). */
export const headerChipLabels = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'] as const;

/** The 40-pin header carries GPIO0 to GPIO27. */
export const HEADER_LINES = 28;

const LINE_NAME = /^GPIO(\d{1,2})$/;

/** The BCM offset of a line name; throws a GpioError for anything but GPIO0…GPIO27. */
export function lineOffset(line: string): number {
  const m = LINE_NAME.exec(line);
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(n >= 0 && n < HEADER_LINES)) {
    throw new GpioError(
      'HNTH_GPIO_LINE',
      `"${line}" is not a header line; use GPIO0 to GPIO27 (BCM numbering)`,
    );
  }
  return n;
}

/** The sysfs number of `line` on the header chip (or the chip labelled `chipLabel`). */
export function sysfsNumber(line: string, chips: readonly GpioChip[], chipLabel = ''): number {
  const offset = lineOffset(line);
  const wanted: readonly string[] = chipLabel ? [chipLabel] : headerChipLabels;
  const chip = chips.find((c) => wanted.includes(c.label));
  if (!chip) {
    const seen = chips.map((c) => `${c.name} "${c.label}"`).join(', ') || 'none';
    throw new GpioError(
      'HNTH_GPIO_NO_CHIP',
      `no GPIO chip labelled ${wanted.join(' or ')} (chips: ${seen}); set sensors.ups.gpio.chipLabel for this board`,
    );
  }
  if (offset >= chip.ngpio) {
    throw new GpioError('HNTH_GPIO_LINE', `${line} is beyond ${chip.name}, which has ${chip.ngpio} lines`);
  }
  return chip.base + offset;
}

/** The chips the kernel lists in `class/gpio`; an absent sysfs GPIO class lists none. */
export async function readGpioChips(sysfs: Sysfs): Promise<GpioChip[]> {
  const names = (await sysfs.list('class/gpio')).filter((n) => n.startsWith('gpiochip'));
  const chips: GpioChip[] = [];
  for (const name of names) {
    const dir = path.join('class/gpio', name);
    const [base, ngpio, label] = await Promise.all(
      ['base', 'ngpio', 'label'].map((f) => sysfs.read(path.join(dir, f)).catch(() => '')),
    );
    if (base === '' || ngpio === '') continue;
    chips.push({ name, base: Number(base), ngpio: Number(ngpio), label: label ?? '' });
  }
  return chips.sort((a, b) => a.base - b.base);
}
