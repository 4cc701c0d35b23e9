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
