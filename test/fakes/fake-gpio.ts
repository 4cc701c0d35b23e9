/** An in-memory GPIO port: tests set input levels and read what outputs were driven to. */
import type { GpioEdge, GpioLine, GpioPort, GpioValue } from '../../agent/gpio/gpio-port.js';

interface FakeLine {
  value: GpioValue;
  direction: 'in' | 'out';
  edge: GpioEdge;
  watchers: ((value: GpioValue) => void)[];
  writes: GpioValue[];
}

export class FakeGpioPort implements GpioPort {
  private readonly lines = new Map<string, FakeLine>();
  /** Lines whose open fails, as on a board where the user lacks the gpio group. */
  readonly failing = new Set<string>();

  async open(name: string, direction: 'in' | 'out', edge: GpioEdge = 'none'): Promise<GpioLine> {
    if (this.failing.has(name)) throw Object.assign(new Error(`EACCES opening ${name}`), { code: 'EACCES' });
    const line = this.lines.get(name) ?? { value: 0, direction, edge, watchers: [], writes: [] };
    line.direction = direction;
    line.edge = edge;
    this.lines.set(name, line);
    return {
      read: async () => line.value,
      write: async (value) => {
        line.value = value;
        line.writes.push(value);
      },
      watch: (callback) => {
        line.watchers.push(callback);
      },
      close: async () => {
        line.watchers = [];
      },
    };
  }

  /** Drives an input to `value`, firing watchers as the kernel would for the line's edge setting. */
  set(name: string, value: GpioValue): void {
    const line = this.lines.get(name) ?? {
      value,
      direction: 'in' as const,
      edge: 'none' as const,
      watchers: [],
      writes: [],
    };
    const before = line.value;
    line.value = value;
    this.lines.set(name, line);
    if (before === value) return;
    const fires =
      line.edge === 'both' ||
      (line.edge === 'rising' && value === 1) ||
      (line.edge === 'falling' && value === 0);
    if (fires) for (const w of line.watchers) w(value);
  }

  /** What an output line was driven to, in order. */
  writes(name: string): GpioValue[] {
    return this.lines.get(name)?.writes ?? [];
  }

  value(name: string): GpioValue | undefined {
    return this.lines.get(name)?.value;
  }
}
