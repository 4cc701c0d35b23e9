import { describe, expect, test } from '@jest/globals';
import { GpiodToolsPort } from '../../agent/gpio/gpiod-tools-port.js';
import type { ProcessOutput, ProcessRunner } from '../../shared/probes/process-runner.js';
import { settle } from '../fakes/fake-timers.js';

/** libgpiod's tools as their manual pages describe them, v1 (1.6) or v2 (2.1). */
class FakeGpiodTools {
  readonly calls: string[] = [];
  readonly running: { command: string; emit(line: string): void; exit(): void; stopped: boolean }[] = [];
  levels = new Map<string, string>([['GPIO17', '1']]);
  busy = false;

  constructor(private readonly version: 'v1' | 'v2' | 'absent') {}

  readonly runner: ProcessRunner = async (command, args, options) => {
    this.calls.push([command, ...args].join(' '));
    if (this.version === 'absent')
      return { code: null, stdout: '', stderr: '', error: `${command} not found on PATH`, notFound: true };
    // gpiomon and gpioset run until they die or are stopped.
    if (options.timeoutMs === null) {
      return new Promise<ProcessOutput>((resolve) => {
        const entry = {
          command,
          emit: (line: string) => options.onLine?.(line),
          exit: () => resolve({ code: 1, stdout: '', stderr: '' }),
          stopped: false,
        };
        options.signal?.addEventListener('abort', () => {
          entry.stopped = true;
          resolve({ code: null, stdout: '', stderr: '', error: `${command} stopped` });
        });
        this.running.push(entry);
      });
    }
    if (args[0] === '--version') {
      return {
        code: 0,
        stdout: `${command} (libgpiod) ${this.version === 'v1' ? 'v1.6.3' : 'v2.1.2'}\n`,
        stderr: '',
      };
    }
    if (command === 'gpiofind') {
      return args[0] === 'GPIO17'
        ? { code: 0, stdout: 'gpiochip0 17\n', stderr: '' }
        : { code: 1, stdout: '', stderr: '' };
    }
    if (command === 'gpioget') {
      if (this.busy)
        return {
          code: 1,
          stdout: '',
          stderr: 'gpioget: error reading GPIO values: Device or resource busy\n',
        };
      return { code: 0, stdout: `${this.levels.get('GPIO17')}\n`, stderr: '' };
    }
    return { code: 1, stdout: '', stderr: 'unexpected' };
  };
}

describe('libgpiod tools backend', () => {
  test.each([
    ['v1', 'gpioget gpiochip0 17', 'gpiomon -b -F %e gpiochip0 17', ['1', '0'], [1, 0]],
    ['v2', 'gpioget --numeric GPIO17', 'gpiomon -F %e GPIO17', ['1', '2'], [1, 0]],
  ] as const)('%s: reads, then follows gpiomon events', async (version, get, mon, events, levels) => {
    const tools = new FakeGpiodTools(version);
    const line = await new GpiodToolsPort(tools.runner).open('GPIO17', 'in', 'both');
    await expect(line.read()).resolves.toBe(1);
    expect(tools.calls).toContain(get);
    const seen: number[] = [];
    line.watch((v) => seen.push(v));
    expect(tools.calls).toContain(mon);
    // While gpiomon holds the line, gpioget would get EBUSY: the level comes from the events.
    tools.busy = true;
    tools.running[0]!.emit(events[1]);
    await expect(line.read()).resolves.toBe(levels[1]);
    tools.running[0]!.emit(events[0]);
    expect(seen).toEqual([levels[1], levels[0]]);
    await line.close();
    expect(tools.running[0]!.stopped).toBe(true);
  });

  test('when gpiomon dies, reads go back to gpioget and report its error', async () => {
    const tools = new FakeGpiodTools('v2');
    const line = await new GpiodToolsPort(tools.runner).open('GPIO17', 'in', 'both');
    line.watch(() => {});
    tools.busy = true;
    await expect(line.read()).resolves.toBe(1);
    tools.running[0]!.exit();
    await settle();
    await expect(line.read()).rejects.toMatchObject({ code: 'HNTH_GPIO_BUSY' });
  });

  test('a rising-only watch ignores falling events', async () => {
    const tools = new FakeGpiodTools('v2');
    const line = await new GpiodToolsPort(tools.runner).open('GPIO17', 'in', 'rising');
    const seen: number[] = [];
    line.watch((v) => seen.push(v));
    tools.running[0]!.emit('2');
    tools.running[0]!.emit('1');
    expect(seen).toEqual([1]);
  });

  test.each([
    ['v1', ['gpioset --mode=signal gpiochip0 17=1', 'gpioset --mode=signal gpiochip0 17=0']],
    ['v2', ['gpioset GPIO17=1', 'gpioset GPIO17=0']],
  ] as const)('%s: an output is held by one gpioset at a time', async (version, expected) => {
    const tools = new FakeGpiodTools(version);
    const line = await new GpiodToolsPort(tools.runner).open('GPIO17', 'out');
    await line.write(1);
    await line.write(0);
    expect(tools.calls.filter((c) => c.startsWith('gpioset'))).toEqual(expected);
    expect(tools.running.map((r) => r.stopped)).toEqual([true, false]);
    await line.close();
    expect(tools.running[1]!.stopped).toBe(true);
  });

  test('tools not installed: says which package to install', async () => {
    await expect(
      new GpiodToolsPort(new FakeGpiodTools('absent').runner).open('GPIO17', 'in'),
    ).rejects.toMatchObject({
      code: 'HNTH_GPIO_TOOLS',
      message: 'libgpiod tools not installed; apt-get install gpiod',
    });
  });

  test('a busy line is reported as such', async () => {
    const tools = new FakeGpiodTools('v2');
    tools.busy = true;
    await expect(new GpiodToolsPort(tools.runner).open('GPIO17', 'in')).rejects.toMatchObject({
      code: 'HNTH_GPIO_BUSY',
    });
  });

  test('v1: a line gpiofind does not know is refused', async () => {
    await expect(
      new GpiodToolsPort(new FakeGpiodTools('v1').runner).open('GPIO5', 'in'),
    ).rejects.toMatchObject({
      code: 'HNTH_GPIO_NO_CHIP',
    });
  });

  test('a bad line name is refused before any tool runs', async () => {
    const tools = new FakeGpiodTools('v2');
    await expect(new GpiodToolsPort(tools.runner).open('GPIO99', 'in')).rejects.toMatchObject({
      code: 'HNTH_GPIO_LINE',
    });
    expect(tools.calls).toEqual([]);
  });
});
