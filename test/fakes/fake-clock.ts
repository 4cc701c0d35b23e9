/** Time that moves only when the test says so; `sleep` advances it, so waits take no real time. */
export class FakeClock {
  private t: number;
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }

  readonly now = (): Date => new Date(this.t);

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.t += ms;
  };

  advance(ms: number): void {
    this.t += ms;
  }
}
