/**
 * Work that takes turns: each piece starts once everything asked before it has ended, whatever that
 * ended in. The parts that change shared rows (the speak queue, a rehearsal run) or read back what
 * the group stored (its events, the rooms' edges) each keep one, so a read never overtakes a write
 * asked before it and two changes never interleave.
 */
export class Turns {
  private tail: Promise<unknown> = Promise.resolve();
  /** A piece asked for by `joined` and not yet begun. */
  private waiting: Promise<void> | null = null;

  /** Runs `work` in its turn; its result or failure is the caller's, and the next turn follows either way. */
  next<T>(work: () => Promise<T>): Promise<T> {
    const done = this.tail.then(work);
    this.tail = done.catch(() => {});
    return done;
  }

  /**
   * Runs `work` in its turn, unless a call of this kind is already waiting for its own: then joins
   * it, since that one has not begun and will see whatever this call would (a read asked again
   * during one is one more read, not one per ask).
   */
  joined(work: () => Promise<void>): Promise<void> {
    this.waiting ??= this.next(() => {
      this.waiting = null;
      return work();
    });
    return this.waiting;
  }

  /** Resolves once every turn asked for so far has ended. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
