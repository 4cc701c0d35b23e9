/**
 * GPIO through libgpiod's command-line tools, for kernels built without sysfs GPIO (the character
 * device is the kernel's supported interface). Speaks both generations: v1 (Raspberry Pi OS
 * bookworm: `gpiofind`, `gpioget gpiochip0 17`, `gpiomon -b -F %e`, %e 1 rising / 0 falling) and v2
 * (trixie: lines by name, `gpioget --numeric GPIO17`, %e 1 rising / 2 falling).
 *
 * A line requested by `gpiomon` cannot be read by `gpioget` at the same time (EBUSY), so a watched
 * input is read once before monitoring starts and then follows its own events.
 *
 *   "gpio": { "backend": "gpiod" }        (needs the `gpiod` package)
 */
import type { ProcessOutput, ProcessRunner } from '../../shared/probes/process-runner.js';
import { GpioError, gpioOpenError } from './gpio-error.js';
import { lineOffset } from './gpio-numbering.js';
import type { GpioEdge, GpioLine, GpioPort, GpioValue } from './gpio-port.js';

type Dialect = 'v1' | 'v2';

/** gpioget and gpiofind answer at once. */
const TOOL_TIMEOUT = { timeoutMs: 3000 };

/** Where a line is, as each generation of the tools wants it named. */
interface Target {
  dialect: Dialect;
  /** v1: `gpiochip0 17`; v2: `GPIO17`. */
  args: string[];
}

export class GpiodToolsPort implements GpioPort {
  private dialect: Promise<Dialect> | null = null;

  constructor(private readonly runner: ProcessRunner) {}

  async open(line: string, direction: 'in' | 'out', edge: GpioEdge = 'none'): Promise<GpioLine> {
    lineOffset(line);
    const target = await this.locate(line);
    return direction === 'out' ? this.output(target) : this.input(line, target, edge);
  }

  private detect(): Promise<Dialect> {
    this.dialect ??= this.runner('gpioget', ['--version'], TOOL_TIMEOUT).then((r) => {
      if (r.notFound) {
        this.dialect = null;
        throw new GpioError('HNTH_GPIO_TOOLS', 'libgpiod tools not installed; apt-get install gpiod');
      }
      const major = /v(\d+)\./.exec(r.stdout)?.[1];
      return major === '1' ? 'v1' : 'v2';
    });
    return this.dialect;
  }

  private async locate(line: string): Promise<Target> {
    const dialect = await this.detect();
    if (dialect === 'v2') return { dialect, args: [line] };
    const found = await this.runner('gpiofind', [line], TOOL_TIMEOUT);
    const m = /^(\S+) (\d+)$/.exec(found.stdout.trim());
    if (!m) {
      throw new GpioError(
        'HNTH_GPIO_NO_CHIP',
        `gpiofind ${line} found no such line; is this a Raspberry Pi?`,
      );
    }
    return { dialect, args: [m[1]!, m[2]!] };
  }

  private async get(line: string, target: Target): Promise<GpioValue> {
    const args = target.dialect === 'v2' ? ['--numeric', ...target.args] : target.args;
    const r = await this.runner('gpioget', args, TOOL_TIMEOUT);
    const text = r.stdout.trim();
    if (r.code !== 0 || (text !== '0' && text !== '1')) {
      throw gpioOpenError(line, 'libgpiod', errnoFrom(r));
    }
    return text === '1' ? 1 : 0;
  }

  private async input(line: string, target: Target, edge: GpioEdge): Promise<GpioLine> {
    let level = await this.get(line, target);
    let monitor: AbortController | null = null;
    return {
      read: async () => (monitor ? level : this.get(line, target)),
      write: async () => {
        throw new GpioError('HNTH_GPIO_REFUSED', `${line} is an input`);
      },
      watch: (callback) => {
        if (edge === 'none') return;
        const args =
          target.dialect === 'v1' ? ['-b', '-F', '%e', ...target.args] : ['-F', '%e', ...target.args];
        const running = new AbortController();
        monitor = running;
        const onLine = (text: string) => {
          const rising = text.trim() === '1';
          level = rising ? 1 : 0;
          if (edge === 'both' || (edge === 'rising') === rising) callback(level);
        };
        // If gpiomon dies (line taken, tools removed), reads go back to gpioget and report why.
        void this.runner('gpiomon', args, { timeoutMs: null, signal: running.signal, onLine }).then(() => {
          if (monitor === running) monitor = null;
        });
      },
      close: async () => {
        monitor?.abort();
        monitor = null;
      },
    };
  }

  private async output(target: Target): Promise<GpioLine> {
    let held: AbortController | null = null;
    let value: GpioValue = 0;
    return {
      read: async () => value,
      // gpioset keeps the line driven only while it runs: each write replaces the holding process.
      write: async (v) => {
        held?.abort();
        const where = target.dialect === 'v1' ? ['--mode=signal', target.args[0]!] : [];
        const lineArg = target.dialect === 'v1' ? target.args[1]! : target.args[0]!;
        held = new AbortController();
        void this.runner('gpioset', [...where, `${lineArg}=${v}`], { timeoutMs: null, signal: held.signal });
        value = v;
      },
      watch: () => {},
      close: async () => {
        held?.abort();
        held = null;
      },
    };
  }
}

/** The errno in a libgpiod tool's message (`gpioget: error reading GPIO values: Device or resource busy`). */
function errnoFrom({ stderr, error, notFound }: ProcessOutput): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(stderr.trim() || error || 'libgpiod tool failed');
  if (/busy/i.test(stderr)) err.code = 'EBUSY';
  else if (/permission denied/i.test(stderr)) err.code = 'EACCES';
  else if (notFound) err.code = 'ENOENT';
  return err;
}
