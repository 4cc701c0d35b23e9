/**
 * Run inside a private mount namespace whose /sys/class is a fake tree (see
 * test/integration/onoff-gpio-port.test.ts): drives the onoff-backed port through its real file
 * operations and prints what it saw as JSON.
 */
import { readFileSync } from 'node:fs';
import { OnoffGpioPort } from '../../agent/gpio/onoff-gpio-port.js';
import { sysfsAt } from '../../agent/sensors/sysfs.js';

const gpio = (n: number, file: string) => readFileSync(`/sys/class/gpio/gpio${n}/${file}`, 'utf8').trim();
const port = new OnoffGpioPort(sysfsAt('/sys'));
const input = await port.open('GPIO17', 'in', 'both');
const inputLevel = await input.read();
const inputSetup = { direction: gpio(529, 'direction'), edge: gpio(529, 'edge') };
const output = await port.open('GPIO18', 'out');
await output.write(1);
const outputAfterWrite = gpio(530, 'value');
await input.close();
const unexported = readFileSync('/sys/class/gpio/unexport', 'utf8');
const refused = await port.open('GPIO22', 'in').then(
  () => null,
  (err: { code: string; message: string }) => ({ code: err.code, message: err.message }),
);
process.stdout.write(
  `${JSON.stringify({ inputLevel, inputSetup, outputDirection: gpio(530, 'direction'), outputAfterWrite, unexported, refused })}\n`,
);
