/**
 * Availability from stored readiness transitions, pure (art. 12.5). A transition holds its health
 * level from its `at` until the next one; time before a room's first transition is unknown (the hub
 * had not seen the room yet) and is counted apart, never as available, and so is time in rows from
 * hubs before health and power were apart (`POWERED_OFF`: switched off, health not judged). Times are integer milliseconds,
 * so the shares are exact ratios of the stored history.
 */
import { type Level, levels } from '../readiness.js';

export interface LevelChange {
  level: Level | 'POWERED_OFF';
  /** Epoch ms. */
  atMs: number;
}

export interface Interval {
  fromMs: number;
  toMs: number;
}

/** Milliseconds spent at each level, and unknown, within some intervals. */
export interface LevelTime {
  totalMs: number;
  unknownMs: number;
  byLevelMs: Record<Level, number>;
}

export function emptyLevelTime(): LevelTime {
  return {
    totalMs: 0,
    unknownMs: 0,
    byLevelMs: Object.fromEntries(levels.map((l) => [l, 0])) as Record<Level, number>,
  };
}

export function addLevelTime(a: LevelTime, b: LevelTime): LevelTime {
  const sum = emptyLevelTime();
  sum.totalMs = a.totalMs + b.totalMs;
  sum.unknownMs = a.unknownMs + b.unknownMs;
  for (const l of levels) sum.byLevelMs[l] = a.byLevelMs[l] + b.byLevelMs[l];
  return sum;
}

/**
 * Time at each level within `windows` (disjoint), given one room's changes in time order (ties
 * in stored order: the later one holds).
 */
export function levelTime(changes: readonly LevelChange[], windows: readonly Interval[]): LevelTime {
  const t = emptyLevelTime();
  for (const w of windows) {
    if (w.toMs <= w.fromMs) continue;
    t.totalMs += w.toMs - w.fromMs;
    const first = changes[0];
    t.unknownMs += first === undefined ? w.toMs - w.fromMs : clip(w.fromMs, first.atMs, w);
    for (const [i, c] of changes.entries()) {
      const until = changes[i + 1]?.atMs ?? Number.POSITIVE_INFINITY;
      const spent = clip(c.atMs, until, w);
      if (c.level === 'POWERED_OFF') t.unknownMs += spent;
      else t.byLevelMs[c.level] += spent;
    }
  }
  return t;
}

function clip(fromMs: number, toMs: number, w: Interval): number {
  return Math.max(0, Math.min(toMs, w.toMs) - Math.max(fromMs, w.fromMs));
}

/** The union of intervals, sorted and merged, so overlapping bookings count once. */
export function unionOf(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.toMs > i.fromMs).sort((a, b) => a.fromMs - b.fromMs);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.fromMs <= last.toMs) last.toMs = Math.max(last.toMs, i.toMs);
    else out.push({ ...i });
  }
  return out;
}
