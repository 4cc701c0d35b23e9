/**
 * The calls handed to a database server and not yet answered, each with when it was handed over (on
 * the machine's clock: a call waits on the server, not on the day), counted for the backlog.
 */
import type { StoreBacklog } from './store.js';

export class InFlight {
  private readonly since = new Map<Promise<unknown>, Date>();

  /** Counts `answer` until it settles; returns it. */
  track<T>(answer: Promise<T>): Promise<T> {
    this.since.set(answer, new Date());
    const forget = () => this.since.delete(answer);
    answer.then(forget, forget);
    return answer;
  }

  backlog(): StoreBacklog {
    const oldest = this.since.values().next();
    return { pending: this.since.size, oldestSince: oldest.done ? null : oldest.value };
  }

  /** Resolves once every call handed over so far has its answer, whatever it is. */
  settled(): Promise<unknown> {
    return Promise.allSettled(this.since.keys());
  }
}
