/**
 * How fast the dashboard shows each kind of trouble, as stated to the operator (fleet page, "how
 * fast"): measured figures from the benchmark (bench/results.md, the worst or the p99 of its runs),
 * and where no benchmark measures a signal, the bound its default check intervals give. A test holds
 * each measured figure to its row in bench/results.md and each bound to the agent's defaults, so
 * the panel changes when the measurements do.
 */
export type Signal = 'mains' | 'offline' | 'hung' | 'codec' | 'link';

export interface DetectionTime {
  signal: Signal;
  /** At most this long from the event to the dashboard. */
  seconds: number;
  /** Measured: the benchmark row's name (a prefix of its first cell) and its statistic, as written there. */
  measured?: { row: string; figure: string };
  /** Not measured: the agent's default intervals that bound it. */
  bound?: { probeSec: number; samples: number; telemetrySec: number };
}

export const detectionTimes: readonly DetectionTime[] = [
  {
    signal: 'mains',
    seconds: 0.0119,
    measured: { row: 'mains-lost GPIO edge → /ws event', figure: '11.9 ms' },
  },
  // A controller switched off or cut from the line closes its connection: the broker sees it at once.
  {
    signal: 'offline',
    seconds: 0.01,
    measured: { row: 'agent process killed → /ws room offline', figure: '0.01 s' },
  },
  // A hung controller (or power and line lost together) leaves its connection open: the keepalive ends it.
  {
    signal: 'hung',
    seconds: 7.5,
    measured: { row: 'agent process killed → /ws room offline', figure: '7.50 s' },
  },
  // The codec is asked every 10 s; its answer rides the next telemetry (every 5 s).
  { signal: 'codec', seconds: 15, bound: { probeSec: 10, samples: 1, telemetrySec: 5 } },
  // Loss, latency and jitter are raised after 3 series beyond a limit, one series every 30 s.
  { signal: 'link', seconds: 95, bound: { probeSec: 30, samples: 3, telemetrySec: 5 } },
];
