/**
 * A clock whose time moves only when the test moves it, with real timer semantics: `advance` fires
 * every timer that falls due, in time order (timers due at the same instant together), and after
 * each instant waits for the work those timers started to finish (`settle`) before time moves on.
 * The day-in-the-life test gives a `settle` that also waits for the broker and the store, so three
 * days of hub and 28 agents pass in seconds with every message delivered at its virtual time.
 */
import type { Clock } from '../../shared/clock.js';

interface Timer {
  at: number;
  callback: () => void;
  /** Set for an interval: fires again this many ms later. */
  every?: number;
}

/** Lets pending promise chains and I/O callbacks that are already due run. */
export async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class VirtualClock implements Clock {
  private t: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  constructor(
    start: Date | string,
    /** Runs after each instant's timers have fired; it must resolve once their work is done. */
    private readonly settle: () => Promise<void> = settleMicrotasks,
  ) {
    this.t = new Date(start).getTime();
  }

  readonly now = (): Date => new Date(this.t);

  readonly setTimeout = (callback: () => void, ms: number): unknown =>
    this.add({ at: this.t + Math.max(0, ms), callback });

  readonly setInterval = (callback: () => void, ms: number): unknown => {
    const every = Math.max(1, ms);
    return this.add({ at: this.t + every, callback, every });
  };

  readonly clearTimeout = (handle: unknown): void => void this.timers.delete(handle as number);
  readonly clearInterval = (handle: unknown): void => void this.timers.delete(handle as number);

  readonly sleep = (ms: number): Promise<void> => new Promise((resolve) => this.setTimeout(resolve, ms));

  /** Timers waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** When the next timer is due, or null when none waits. */
  nextDue(): Date | null {
    let next = Number.POSITIVE_INFINITY;
    for (const timer of this.timers.values()) next = Math.min(next, timer.at);
    return Number.isFinite(next) ? new Date(next) : null;
  }

  /** Moves time forward by `ms`, firing what falls due on the way. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(new Date(this.t + ms));
  }

  /** Moves time to `when`, firing what falls due on the way; `onInstant` runs after each instant settles. */
  async advanceTo(when: Date, onInstant?: (at: Date) => void | Promise<void>): Promise<void> {
    const end = when.getTime();
    await this.settle();
    for (;;) {
      const next = this.nextDue();
      if (next === null || next.getTime() > end) break;
      this.t = next.getTime();
      const due = [...this.timers.entries()]
        .filter(([, timer]) => timer.at === this.t)
        .sort(([a], [b]) => a - b);
      for (const [id, timer] of due) {
        if (!this.timers.has(id)) continue;
        if (timer.every === undefined) this.timers.delete(id);
        else timer.at += timer.every;
        timer.callback();
      }
      await this.settle();
      await onInstant?.(this.now());
    }
    this.t = Math.max(this.t, end);
    await this.settle();
  }

  private add(timer: Timer): number {
    const id = this.nextId++;
    this.timers.set(id, timer);
    return id;
  }
}
