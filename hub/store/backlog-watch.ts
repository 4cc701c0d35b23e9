/**
 * Says in the log, every 10 s while it lasts, that the store's writes are waiting: a lock held by
 * another process or a slow disk (SQLite), an unreachable or overloaded server (PostgreSQL). The
 * same for every store, since the hub only sees the backlog either way.
 */
import type { Logger } from '../../shared/logger.js';
import { type HubStore, oldestWaitMs } from './store.js';

const WARN_EVERY_MS = 10_000;

/** Starts watching; returns the stop. */
export function watchBacklog(store: Pick<HubStore, 'backlog'>, log: Logger): () => void {
  let lastWarning = 0;
  const timer = setInterval(() => {
    const backlog = store.backlog();
    const now = Date.now();
    const waitedMs = oldestWaitMs(backlog, now);
    if (waitedMs < WARN_EVERY_MS || now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    log.warn(
      { pending: backlog.pending, waitedSec: Math.round(waitedMs / 1000) },
      'store: writes waiting (database locked, slow or unreachable); rooms keep unacknowledged events until they are stored',
    );
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
