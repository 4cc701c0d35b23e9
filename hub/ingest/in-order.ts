/**
 * Hands on the outcome of each room's work in the order the work began, whatever order it finishes
 * in: PostgreSQL answers a pool's queries in any order, and the incident tracker must hear a room's
 * `mains.lost` before its `mains.restored`. The work itself is not held back (it still runs together
 * and commits in batches); only what follows it waits its turn. Rooms do not wait for each other.
 */
export class InOrderPerKey {
  private readonly tails = new Map<string, Promise<void>>();

  /** Calls `done` (or `failed`) once `work` settles and everything handed in before for `key` has been handled. */
  follow<T>(key: string, work: Promise<T>, done: (value: T) => void, failed: (err: Error) => void): void {
    const previous = this.tails.get(key) ?? Promise.resolve();
    // Settled into a value at once: a failure waiting behind an earlier call would otherwise be an
    // unhandled rejection until its turn, and Node ends the process on one.
    const outcome = work.then(
      (value) => () => done(value),
      (err: Error) => () => failed(err),
    );
    const tail = previous.then(() => outcome).then((handOn) => handOn());
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }

  /** Keys with outcomes still to hand on: a leak shows here. */
  get pendingKeys(): number {
    return this.tails.size;
  }
}
