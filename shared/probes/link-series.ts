/**
 * A series of round trips to one target by the method its network allows: ICMP echoes (iputils
 * ping), or where ICMP is filtered, TCP connects or SIP OPTIONS one after the other.
 */
import type { LinkSeries } from './link-stats.js';
import { pingSeries } from './ping.js';
import type { ProbeResult } from './probe-result.js';
import type { ProcessRunner } from './process-runner.js';
import { type SipTarget, sipOptions } from './sip-options.js';
import { tcpConnect } from './tcp-connect.js';

export type LinkMethod =
  | { kind: 'icmp'; host: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'sip'; target: SipTarget };

export interface SeriesOptions {
  count: number;
  /** Wait for each answer. */
  timeoutMs: number;
  /** Seconds between two ICMP echoes. */
  intervalSec?: number;
}

export interface SeriesResult {
  /** Null when the series could not be run at all (ping missing). */
  series: LinkSeries | null;
  detail: string;
}

async function repeated(count: number, once: () => Promise<ProbeResult>): Promise<SeriesResult> {
  const rttsMs: number[] = [];
  let last = '';
  for (let i = 0; i < count; i++) {
    const r = await once();
    if (r.reachable && r.rttMs !== null) rttsMs.push(r.rttMs);
    last = r.detail;
  }
  return { series: { sent: count, received: rttsMs.length, rttsMs }, detail: last };
}

export async function linkSeries(
  method: LinkMethod,
  options: SeriesOptions,
  run: ProcessRunner,
): Promise<SeriesResult> {
  const count = Math.max(1, Math.floor(options.count));
  switch (method.kind) {
    case 'icmp': {
      const r = await pingSeries(run, {
        host: method.host,
        count,
        intervalSec: options.intervalSec,
        waitSec: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
      });
      return { series: r.series, detail: r.detail };
    }
    case 'tcp':
      return repeated(count, () =>
        tcpConnect({ host: method.host, port: method.port, timeoutMs: options.timeoutMs }),
      );
    case 'sip':
      return repeated(count, () => sipOptions(method.target, { timeoutMs: options.timeoutMs }));
  }
}
