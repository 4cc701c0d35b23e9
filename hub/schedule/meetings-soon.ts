/**
 * The scheduled meetings of the next little while, kept in memory for a caller that must decide at
 * once, without waiting on the store (a room asking for the floor: art. 10.1c). Read again every
 * `refreshMs` and whenever the calendar changes here; a meeting booked on another hub of the group
 * is seen at the next read, which is why the window read reaches a little past what is asked of it.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Meeting } from './meeting-rules.js';
import type { MeetingsRepo } from './meetings-repo.js';

export interface MeetingsSoonDeps {
  meetings: Pick<MeetingsRepo, 'list'>;
  /** How far ahead callers ask (the warm-up). */
  aheadMs: number;
  refreshMs: number;
  log: Logger;
  clock: Clock;
}

export class MeetingsSoon {
  private meetings: Meeting[] = [];
  private timer: unknown = null;
  private reading: Promise<void> = Promise.resolve();

  constructor(private readonly deps: MeetingsSoonDeps) {}

  async start(): Promise<void> {
    this.timer = this.deps.clock.setInterval(() => void this.refresh(), this.deps.refreshMs);
    await this.refresh();
  }

  stop(): void {
    if (this.timer) this.deps.clock.clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the window again; reads run one at a time, so the last one started is the one kept. */
  refresh(): Promise<void> {
    this.reading = this.reading
      .then(async () => {
        const now = this.deps.clock.now().getTime();
        // Two intervals past the window: a meeting entering it between reads is already held.
        const to = new Date(now + this.deps.aheadMs + 2 * this.deps.refreshMs).toISOString();
        this.meetings = await this.deps.meetings.list({ from: new Date(now).toISOString(), to });
      })
      .catch((err: Error) => this.deps.log.warn({ err: err.message }, 'coming meetings not read'));
    return this.reading;
  }

  /** The held meetings overlapping [from, to). */
  between(from: Date, to: Date): Meeting[] {
    const f = from.toISOString();
    const t = to.toISOString();
    return this.meetings.filter((m) => m.end > f && m.start < t);
  }
}
