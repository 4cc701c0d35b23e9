/**
 * Latency, jitter and loss from a series of round trips (ICMP echoes, TCP connects, SIP OPTIONS),
 * the same way for the agent's link to the MCU and the hub's own view of the MCU.
 */
export interface LinkSeries {
  /** Probes sent. */
  sent: number;
  /** Answers received (at most `sent`). */
  received: number;
  /** Round trip of each answer, in the order they came. */
  rttsMs: number[];
}

export interface LinkStats {
  /** Mean round trip; null when nothing came back. */
  latencyMs: number | null;
  /**
   * Mean difference between successive round trips, the interarrival jitter of RFC 3550 §6.4.1
   * estimated from a short series; null with fewer than two answers.
   */
  jitterMs: number | null;
  lossPct: number | null;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function seriesStats(series: LinkSeries): LinkStats {
  const { sent, rttsMs } = series;
  const received = Math.min(series.received, sent);
  const lossPct = sent > 0 ? round(((sent - received) / sent) * 100) : null;
  const latencyMs = rttsMs.length > 0 ? round(rttsMs.reduce((a, b) => a + b, 0) / rttsMs.length) : null;
  let jitterMs: number | null = null;
  if (rttsMs.length >= 2) {
    let sum = 0;
    for (let i = 1; i < rttsMs.length; i++) sum += Math.abs(rttsMs[i]! - rttsMs[i - 1]!);
    jitterMs = round(sum / (rttsMs.length - 1));
  }
  return { latencyMs, jitterMs, lossPct };
}
