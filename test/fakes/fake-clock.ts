import { type Clock, systemClock } from '../../shared/clock.js';

/**
 * Time that moves only when the test says so; `sleep` advances it, so waits take no real time.
 * Its timers never fire by themselves: a test that uses it drives the code by hand (`evaluate()`),
 * and `pendingTimers` shows what was asked for. The day-in-the-life test uses VirtualClock instead.
 */
export class FakeClock implements Clock {
  private t: number;
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];
  private readonly timers = new Set<number>();
  private nextId = 1;

  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }

  readonly now = (): Date => new Date(this.t);

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.t += ms;
  };

  readonly setTimeout = (_callback: () => void, _ms: number): unknown => this.add();
  readonly setInterval = (_callback: () => void, _ms: number): unknown => this.add();
  readonly clearTimeout = (handle: unknown): void => void this.timers.delete(handle as number);
  readonly clearInterval = (handle: unknown): void => void this.timers.delete(handle as number);

  get pendingTimers(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    this.t += ms;
  }

  private add(): number {
    const id = this.nextId++;
    this.timers.add(id);
    return id;
  }
}

/** The machine's timers with a time the test chooses: for code whose timers may run for real. */
export function clockAt(now: () => Date): Clock {
  return { ...systemClock, now };
}
