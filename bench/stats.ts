/** Percentiles and the markdown table every benchmark prints. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface BenchRow {
  benchmark: string;
  measure: string;
  value: string;
  target: string;
  met: boolean;
}

export function markdownTable(rows: BenchRow[]): string {
  const lines = ['| benchmark | measure | value | target | met |', '|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(`| ${r.benchmark} | ${r.measure} | ${r.value} | ${r.target} | ${r.met ? 'yes' : 'NO'} |`);
  return lines.join('\n');
}

/** The p-th percentile of values given as counts by value (histograms of several processes merge). */
export function percentileOfCounts(counts: Map<number, number>, p: number): number {
  const values = [...counts.keys()].sort((a, b) => a - b);
  const total = values.reduce((sum, v) => sum + counts.get(v)!, 0);
  if (total === 0) return Number.NaN;
  const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
  let seen = 0;
  for (const v of values) {
    seen += counts.get(v)!;
    if (seen >= rank) return v;
  }
  return values[values.length - 1]!;
}

/** Counts by value added together. */
export function mergeCounts(...all: Map<number, number>[]): Map<number, number> {
  const merged = new Map<number, number>();
  for (const counts of all) for (const [v, n] of counts) merged.set(v, (merged.get(v) ?? 0) + n);
  return merged;
}
