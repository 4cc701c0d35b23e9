/**
 * The one clock of hub and agent: the time, and the timers every decision waits on (power ticks,
 * rehearsal re-checks, command deadlines, the calendar's jobs, postponed notices). It is injected,
 * so a test runs the hub and 28 agents through three days on one virtual clock in seconds. Network
 * I/O keeps its own real timers (MQTT keepalive, socket and probe timeouts): those measure the wire,
 * not the day.
 */

/** The narrow part a debounce or a one-shot wait needs. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Clock extends Timers {
  now(): Date;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
}

/** Node's timers take at most 2^31−1 ms (24.8 days); a meeting's rehearsal may be further away. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface LongTimeout {
  timer: NodeJS.Timeout;
}

function longTimeout(callback: () => void, ms: number, handle: LongTimeout = {} as LongTimeout): LongTimeout {
  const step = Math.min(Math.max(0, ms), MAX_TIMER_MS);
  const rest = ms - step;
  handle.timer = setTimeout(() => (rest > 0 ? longTimeout(callback, rest, handle) : callback()), step);
  return handle;
}

/** The machine's clock and Node's timers. */
export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (callback, ms) => longTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout((handle as LongTimeout | undefined)?.timer),
  setInterval: (callback, ms) => setInterval(callback, Math.min(ms, MAX_TIMER_MS)),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
  sleep: (ms) => new Promise((resolve) => longTimeout(resolve, ms)),
};

/** Calls `callback` at `when` on `clock` (at once when `when` has passed). */
export function timerAt(clock: Clock, when: Date, callback: () => void): unknown {
  return clock.setTimeout(callback, Math.max(0, when.getTime() - clock.now().getTime()));
}
