/**
 * Runs a probe at most once per interval, never two runs of it at once, and never longer than its
 * timeout. Callers ask for `read()` as often as they like (every telemetry tick, the hub's timer):
 * when the last result is fresh it is returned; when it is due the probe runs, and a caller that
 * arrives while a run is in progress shares that run instead of starting another.
 */
export interface ScheduleOptions {
  intervalMs: number;
  /** A run still going after this is abandoned and reported by `onTimeout`. */
  timeoutMs: number;
}

export class ScheduledProbe<T> {
  private inFlight: Promise<T> | null = null;
  private last: { value: T; at: number } | null = null;

  constructor(
    /** The probe; it should stop its work when `signal` aborts. */
    private readonly run: (signal: AbortSignal) => Promise<T>,
    /** What a run that timed out (or threw despite its contract) reports. */
    private readonly onFailure: (why: string) => T,
    private readonly options: ScheduleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The latest result, probing first if it is due. */
  read(): Promise<T> {
    if (this.inFlight) return this.inFlight;
    if (this.last && this.now() - this.last.at < this.options.intervalMs) {
      return Promise.resolve(this.last.value);
    }
    this.inFlight = this.runOnce().then((value) => {
      this.last = { value, at: this.now() };
      this.inFlight = null;
      return value;
    });
    return this.inFlight;
  }

  private runOnce(): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<T>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve(this.onFailure(`no result within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
    });
    const work = this.run(controller.signal).catch((err: unknown) =>
      this.onFailure(err instanceof Error ? err.message : String(err)),
    );
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
