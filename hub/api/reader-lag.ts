/**
 * How the dashboards keep up with `/ws`, for the operators: how many rooms' states (views, speak
 * standings) were held for readers behind rather than sent at once, how many readers are behind now,
 * and a log line when one falls behind and when it has caught up or gone (hub/api/reader-feed.ts
 * tells each once per episode, never per message). A dashboard often behind is a slow link or a
 * machine too loaded to draw the fleet: its operator sees rooms late.
 */
import type { Logger } from '../../shared/logger.js';
import type { FeedWatch } from './reader-feed.js';

/** The live messages that are a room's state (live-socket.ts): each has a series from the start. */
export const HELD_KINDS = ['room', 'speak-state'] as const;

/**
 * A reader hovering at the feed's low-water mark falls behind and catches up again every second or
 * so: its episodes are logged at most once a minute, the next line saying how many went unlogged.
 */
export const LOG_EVERY_MS = 60_000;

export interface ReaderLagCounts {
  /** Readers held states now. */
  behind: number;
  /** States held for readers behind since the hub started, by kind (`room`, `speak-state`). */
  held: Readonly<Record<string, number>>;
}

export class ReaderLag {
  private behind = 0;
  private readonly held: Record<string, number> = Object.fromEntries(HELD_KINDS.map((k) => [k, 0]));
  private readonly log: Logger;

  constructor(
    log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.log = log.child({ part: 'live-readers' });
  }

  /** The watch of one reader's feed; `reader` says which in the log lines (its address, its role). */
  watch(reader: Record<string, unknown>): FeedWatch {
    /** States held for it since it last fell behind. */
    let heldNow = 0;
    let loggedAt = Number.NEGATIVE_INFINITY;
    /** Whether this episode's start was logged (its end is then logged too). */
    let logged = false;
    /** Episodes since the last logged one. */
    let unlogged = 0;
    const back = (msg: string, always: boolean) => {
      this.behind--;
      if (logged || always) this.log.info({ ...reader, statesHeld: heldNow }, msg);
    };
    return {
      fellBehind: () => {
        this.behind++;
        heldNow = 0;
        const now = this.now();
        logged = now - loggedAt >= LOG_EVERY_MS;
        if (!logged) {
          unlogged++;
          return;
        }
        loggedAt = now;
        this.log.info(
          unlogged > 0 ? { ...reader, unloggedEpisodes: unlogged } : reader,
          'dashboard fell behind on /ws',
        );
        unlogged = 0;
      },
      held: (kind) => {
        heldNow++;
        this.held[kind] = (this.held[kind] ?? 0) + 1;
      },
      caughtUp: () => back('dashboard caught up on /ws', false),
      leftBehind: () => back('dashboard left /ws while behind', true),
    };
  }

  counts(): ReaderLagCounts {
    return { behind: this.behind, held: { ...this.held } };
  }
}
