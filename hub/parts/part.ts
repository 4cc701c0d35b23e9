/**
 * The hub is a list of parts: each made with the ports it needs (which exist before anything
 * starts), then started in the list's order and stopped in the reverse order. A part that fails to
 * start stops the ones already started, itself included (a stop is safe on a part whose start did
 * not finish), and the start's error is the one reported.
 */
import type { Logger } from '../../shared/logger.js';

export interface Part {
  /** In the hub's log, when it starts or fails to stop. */
  readonly name: string;
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export interface StartedParts {
  /** Stops every part, the last started first; each stops even if one before it failed to. */
  stop(): Promise<void>;
}

async function stopAll(parts: Part[], log: Logger): Promise<void> {
  let first: unknown = null;
  for (const part of [...parts].reverse()) {
    try {
      await part.stop?.();
    } catch (err) {
      log.error({ part: part.name, err: (err as Error).message }, 'part did not stop cleanly');
      first ??= err;
    }
  }
  if (first) throw first;
}

export async function startParts(parts: Part[], log: Logger): Promise<StartedParts> {
  const started: Part[] = [];
  for (const part of parts) {
    started.push(part);
    try {
      log.debug({ part: part.name }, 'starting');
      await part.start?.();
    } catch (err) {
      await stopAll(started, log).catch(() => {});
      throw err;
    }
  }
  let stopping: Promise<void> | null = null;
  return { stop: () => (stopping ??= stopAll(started, log)) };
}
