/**
 * The two-hub benchmark's percentiles come from each hub's lags counted by millisecond, added
 * together: they must equal the percentiles of all the lags in one sorted list.
 */
import { describe, expect, test } from '@jest/globals';
import { mergeCounts, percentile, percentileOfCounts } from '../../bench/stats.js';

const countsOf = (values: number[]) => mergeCounts(new Map(), ...values.map((v) => new Map([[v, 1]])));

describe('percentiles of counts by value', () => {
  test('two hubs’ counts merged give the percentiles of all their values', () => {
    const a = [3, 1, 1, 250, 7, 7, 7, 40];
    const b = [2, 900, 7, 5, 1, 13];
    const all = [...a, ...b].sort((x, y) => x - y);
    const merged = mergeCounts(countsOf(a), countsOf(b));
    for (const p of [0, 1, 50, 90, 99, 100]) expect(percentileOfCounts(merged, p)).toBe(percentile(all, p));
  });

  test('no values: no percentile', () => {
    expect(percentileOfCounts(new Map(), 99)).toBeNaN();
  });
});
