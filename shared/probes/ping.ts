/**
 * ICMP echo series with iputils `ping`, run through the injected process runner. The output is read
 * under `LC_ALL=C` and parsed defensively: each reply line is counted on its own, so a summary line
 * that is missing or worded differently (another iputils version, busybox) still gives the loss.
 *
 *   const r = await pingSeries(spawnRunner, { host: '10.0.0.5', count: 5 });
 *   r.series // { sent: 5, received: 5, rttsMs: [...] }
 */
import { type LinkSeries, seriesStats } from './link-stats.js';
import type { ProbeResult } from './probe-result.js';
import type { ProcessRunner } from './process-runner.js';

export interface PingOptions {
  host: string;
  /** Echoes per series. */
  count: number;
  /** Seconds between echoes; iputils refuses under 0.2 s to users other than root. */
  intervalSec?: number;
  /** Seconds to wait for each reply. */
  waitSec?: number;
}

export interface PingResult extends ProbeResult {
  /** Null when ping could not run at all (not installed, killed). */
  series: LinkSeries | null;
}

/** A host name or IPv4/IPv6 address; anything else (a leading dash, spaces) would be an option to ping. */
const HOST = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/;

/** Parses iputils ping output (LC_ALL=C); pure, so tests feed it captured output. */
export function parsePingOutput(stdout: string, requested: number): LinkSeries {
  const bySeq = new Map<number, number>();
  for (const line of stdout.split('\n')) {
    // `icmp_seq=` (iputils since 2012), `icmp_req=` (older iputils, Debian 7 / Ubuntu 12.04),
    // `seq=` (busybox).
    const m = /\b(?:icmp_)?(?:seq|req)=(\d+)\b.*?\btime[=<]\s*([\d.]+)\s*ms/.exec(line);
    // A duplicate reply (`DUP!`) is the same echo answered twice: count it once.
    if (m && !bySeq.has(Number(m[1]))) bySeq.set(Number(m[1]), Number(m[2]));
  }
  const rttsMs = [...bySeq.values()].filter((n) => Number.isFinite(n));
  const summary = /(\d+)\s+packets?\s+transmitted,\s*(\d+)\s+(?:packets?\s+)?received/.exec(stdout);
  const sent = summary ? Number(summary[1]) : requested;
  const received = summary ? Math.min(Number(summary[2]), sent) : Math.min(rttsMs.length, sent);
  return { sent, received, rttsMs };
}

export async function pingSeries(run: ProcessRunner, options: PingOptions): Promise<PingResult> {
  if (!HOST.test(options.host)) {
    return {
      ok: false,
      reachable: false,
      rttMs: null,
      detail: `invalid host "${options.host}"`,
      series: null,
    };
  }
  const count = Math.max(1, Math.floor(options.count));
  const intervalSec = options.intervalSec ?? 0.2;
  const waitSec = options.waitSec ?? 1;
  // -w bounds the whole series, so a dead link costs count × interval + wait, not count × wait.
  const deadlineSec = Math.ceil(count * intervalSec + waitSec);
  const args = ['-n', '-c', String(count), '-i', String(intervalSec), '-W', String(waitSec)];
  args.push('-w', String(deadlineSec), options.host);
  const out = await run('ping', args, { timeoutMs: (deadlineSec + 2) * 1000, env: { LC_ALL: 'C' } });
  if (out.error) {
    const hint = out.notFound ? '; install iputils-ping' : '';
    return { ok: false, reachable: false, rttMs: null, detail: `${out.error}${hint}`, series: null };
  }
  const series = parsePingOutput(out.stdout, count);
  const stderr = out.stderr.trim().split('\n')[0] ?? '';
  if (series.received === 0) {
    const why = stderr || `no reply from ${options.host}`;
    return { ok: false, reachable: false, rttMs: null, detail: `${why} (0/${series.sent})`, series };
  }
  const rtt = seriesStats(series).latencyMs;
  return {
    ok: true,
    reachable: true,
    rttMs: rtt,
    detail: `${series.received}/${series.sent} replies from ${options.host}`,
    series,
  };
}
