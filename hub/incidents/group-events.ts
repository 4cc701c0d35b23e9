/**
 * In a hub group, the stored events the incident tracker hears, each once, whichever way it came:
 * from this hub's ingest, from the live relay (what the other hubs stored), or read back from the
 * store. The relay alone is not enough: the notifications sent while its connection is down are
 * lost, and a fault's start or end with them. So the store is read too, after the events already
 * heard (`catchUp`), and what was missed is applied in the order stored.
 *
 * Ids on PostgreSQL are handed out when a row is inserted, not when it is committed: another hub's
 * row with a lower id may become visible after a higher one was read. So each read goes back over
 * the events stored within `settleMs` of the last reads (`floor` is the highest id seen by a read
 * that long ago, by which time every lower id was committed or never will be), and the ids already
 * applied above the floor are remembered, so nothing is applied twice.
 */
import type { Logger } from '../../shared/logger.js';
import type { HubStore, StoredEvent } from '../store/store.js';
import { Turns } from '../turns.js';

/** Far longer than a single-row insert takes to commit, short enough to re-read little. */
export const SETTLE_MS = 10_000;
const PAGE = 500;

export interface GroupEventsDeps {
  store: Pick<HubStore, 'listEventsAfter' | 'lastEventId'>;
  /** Hands one event to the tracker. */
  apply(event: StoredEvent): void;
  /** The hub's clock. */
  now(): Date;
  log: Logger;
  settleMs?: number;
}

export class GroupEvents {
  /** Every event with an id up to this one was applied, or stored before this hub followed. */
  private floor = 0;
  /** The ids above the floor already applied. */
  private readonly applied = new Set<number>();
  /** After each read, when it ended and the highest id it had seen; oldest first. */
  private readonly reads: { at: number; highest: number }[] = [];
  /** One read at a time; asked again during one, one more follows it. */
  private readonly turns = new Turns();
  private readonly settleMs: number;

  constructor(private readonly deps: GroupEventsDeps) {
    this.settleMs = deps.settleMs ?? SETTLE_MS;
  }

  /**
   * From the events stored now on: the tracker knows the older ones through the incidents the
   * store has open.
   */
  async start(): Promise<void> {
    this.floor = await this.deps.store.lastEventId();
  }

  /** An event heard live (this hub stored it, or the relay brought it): applied unless it was already. */
  heard(event: StoredEvent): void {
    if (event.id <= this.floor || this.applied.has(event.id)) return;
    this.applied.add(event.id);
    this.deps.apply(event);
  }

  /**
   * Reads what was stored after the floor and applies what was not yet, lowest id first. One read
   * at a time; asked again during one, another follows it. Never rejects: a store that does not
   * answer is logged, and the next read tries again from the same floor.
   */
  catchUp(): Promise<void> {
    return this.turns.joined(() =>
      this.read().catch((err: Error) =>
        this.deps.log.warn({ err: err.message }, 'the events stored in the group not read; next time'),
      ),
    );
  }

  /** Resolves once the reads asked for are done. */
  idle(): Promise<void> {
    return this.turns.idle();
  }

  private async read(): Promise<void> {
    let after = this.floor;
    for (;;) {
      const page = await this.deps.store.listEventsAfter(after, PAGE);
      for (const event of page) this.heard(event);
      after = page.at(-1)?.id ?? after;
      if (page.length < PAGE) break;
    }
    const now = this.deps.now().getTime();
    this.reads.push({ at: now, highest: after });
    this.settle(now);
  }

  /** The floor moves up to what a read saw `settleMs` ago; the ids below it are forgotten. */
  private settle(now: number): void {
    while (this.reads.length > 0 && now - this.reads[0]!.at >= this.settleMs) {
      this.floor = Math.max(this.floor, this.reads.shift()!.highest);
    }
    for (const id of this.applied) if (id <= this.floor) this.applied.delete(id);
  }
}
