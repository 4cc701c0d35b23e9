/**
 * How the dashboards keep up with `/ws`, for the operators: how many rooms' states (views, speak
 * standings) were held for readers behind rather than sent at once, how many readers are behind now,
 * and a log line when one falls behind and when it has caught up or gone (hub/api/reader-feed.ts
 * tells each once per episode, never per message). A dashboard often behind is a slow link or a
 * machine too loaded to draw the fleet: its operator sees rooms late.
 */
import type { Logger } from '../../shared/logger.js';
import type { FeedWatch } from './reader-feed.js';

export interface ReaderLagCounts {
  /** Readers held states now. */
  behind: number;
  /** States held for readers behind since the hub started, by kind (`room`, `speak-state`). */
  held: Readonly<Record<string, number>>;
}

export class ReaderLag {
  private behind = 0;
  private readonly held: Record<string, number> = {};
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log.child({ part: 'live-readers' });
  }

  /** The watch of one reader's feed; `reader` says which in the log lines (its address, its role). */
  watch(reader: Record<string, unknown>): FeedWatch {
    /** States held for it since it last fell behind. */
    let heldNow = 0;
    const back = (msg: string) => {
      this.behind--;
      this.log.info({ ...reader, statesHeld: heldNow }, msg);
    };
    return {
      fellBehind: () => {
        this.behind++;
        heldNow = 0;
        this.log.info(reader, 'dashboard fell behind on /ws');
      },
      held: (kind) => {
        heldNow++;
        this.held[kind] = (this.held[kind] ?? 0) + 1;
      },
      caughtUp: () => back('dashboard caught up on /ws'),
      leftBehind: () => back('dashboard left /ws while behind'),
    };
  }

  counts(): ReaderLagCounts {
    return { behind: this.behind, held: { ...this.held } };
  }
}
