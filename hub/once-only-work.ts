/**
 * The work that must happen once in a hub group (publishing and planning rehearsals, running them
 * and the inspections, the quiet hours' digests, the escalations, storing the readiness history):
 * started on the hub holding the lease (./store/lease.ts), stopped there the moment the lease is
 * lost, so another hub of the group takes it over. A hub alone (on SQLite) holds it from its start
 * to its stop, with no lease at all.
 */
import type { Logger } from '../shared/logger.js';
import type { Lease } from './store/lease.js';

/** What the work needs of its lease. */
export type OnceOnlyLease = Pick<Lease, 'holder' | 'onChange' | 'start' | 'stop'>;

/** One part of the once-only work: started when this hub takes it, stopped when it gives it up. */
export interface OnceOnlyPart {
  name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

/** What `/api/health` says of it: whether this hub does the work, and under which lease term. */
export interface OnceOnlyState {
  held: boolean;
  /** The lease's term while held (null alone on SQLite, or when not held). */
  term: number | null;
  /** This hub's name in the lease (null alone on SQLite). */
  holder: string | null;
}

export class OnceOnlyWork {
  private running = false;
  private term: number | null = null;
  /** The start or stop of the parts under way: the next change of hands waits for it. */
  private turn: Promise<void> = Promise.resolve();

  /** `lease` null: the hub is alone and the work is simply its own. */
  constructor(
    private readonly lease: OnceOnlyLease | null,
    private readonly parts: readonly OnceOnlyPart[],
    private readonly log: Logger,
  ) {
    lease?.onChange(({ held, term }) => {
      this.term = term;
      void this.inTurn(() => (held ? this.startParts() : this.stopParts()));
    });
  }

  /** Whether this hub does the once-only work now. */
  get held(): boolean {
    return this.running;
  }

  state(): OnceOnlyState {
    return { held: this.running, term: this.running ? this.term : null, holder: this.lease?.holder ?? null };
  }

  /** Alone: starts the parts. In a group: tries for the lease, starting the parts when it is taken. */
  async start(): Promise<void> {
    if (this.lease) await this.lease.start();
    else await this.inTurn(() => this.startParts());
    await this.turn;
  }

  /** Stops the parts and lets the lease go, so another hub of the group takes the work at once. */
  async stop(): Promise<void> {
    await this.lease?.stop();
    await this.inTurn(() => this.stopParts());
  }

  private inTurn(work: () => Promise<void>): Promise<void> {
    this.turn = this.turn
      .then(work)
      .catch((err: Error) => this.log.error({ err: err.message }, 'once-only work not handed over'));
    return this.turn;
  }

  private async startParts(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.log.info({ term: this.term }, 'this hub does the once-only work');
    for (const part of this.parts) {
      // A part that fails to start is logged, the others still start: a digest failing to go out
      // must not keep the rehearsals from running.
      await Promise.resolve()
        .then(() => part.start())
        .catch((err: Error) =>
          this.log.error({ part: part.name, err: err.message }, 'once-only part not started'),
        );
    }
  }

  private async stopParts(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const part of [...this.parts].reverse()) {
      await Promise.resolve()
        .then(() => part.stop())
        .catch((err: Error) =>
          this.log.error({ part: part.name, err: err.message }, 'once-only part not stopped'),
        );
    }
    this.log.info('this hub no longer does the once-only work');
  }
}
