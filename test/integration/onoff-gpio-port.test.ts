/**
 * The onoff-backed port on a machine without GPIO: a private mount namespace (unshare, as root)
 * puts a fake tree at /sys/class, where onoff's hard-coded paths lead. Lines GPIO17 and GPIO18 are
 * already exported there (gpio529, gpio530 on a Pi 4 numbering), as the kernel would have them
 * after `export`; the kernel's side (creating gpioN on export, interrupts on edges) cannot be faked
 * with plain files, so GPIO22, never exported, is refused.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hnth-onoff-');
afterAll(() => dir.remove());

function fakeClass(): string {
  const cls = path.join(dir.path, 'class');
  cpSync(path.join(import.meta.dirname, '../fixtures/sysfs/gpio/pi4-kernel-6.6/sys/class'), cls, {
    recursive: true,
  });
  for (const [n, value] of [
    [529, '1'],
    [530, '0'],
  ] as const) {
    const g = path.join(cls, 'gpio', `gpio${n}`);
    mkdirSync(g);
    for (const [file, text] of Object.entries({ direction: 'out', edge: 'none', active_low: '0', value })) {
      writeFileSync(path.join(g, file), `${text}\n`);
    }
  }
  return cls;
}

function inNamespace(cls: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = 'mount --bind "$1" /sys/class && exec "$2" --import tsx test/helpers/onoff-probe.ts';
  return new Promise((resolve) =>
    execFile(
      'unshare',
      ['--mount', 'sh', '-c', script, 'sh', cls, process.execPath],
      { env: { ...process.env, NODE_OPTIONS: '' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    ),
  );
}

describe('onoff-backed GPIO port on a fake /sys/class/gpio', () => {
  test('opens, configures, reads, writes and unexports through the numbers resolved from the chip base', async () => {
    const { code, stdout, stderr } = await inNamespace(fakeClass());
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({
      inputLevel: 1,
      inputSetup: { direction: 'in', edge: 'both' },
      outputDirection: 'out',
      outputAfterWrite: '1',
      unexported: '529',
      refused: {
        code: 'HNTH_GPIO_REFUSED',
        message: expect.stringMatching(
          /^GPIO22 \(sysfs gpio534\): exported, but the kernel made no line folder/,
        ),
      },
    });
  });
});
