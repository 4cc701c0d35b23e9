/**
 * One probe named by a target string, for `hnth-agent probe` and for configuration checks:
 *
 *   sip:127.0.0.1:5060;transport=udp     SIP OPTIONS (udp or tcp)
 *   xapi+http://user:pass@host:port      Cisco xAPI status (xapi+https for TLS)
 *   poly+http://user:pass@host:port      Poly VideoOS REST status (poly+https for TLS)
 *   icmp:host                            a short ping series
 *   tcp:host:port                        a TCP connect
 *   http://host:port/path                HTTP reachability (https too)
 *   line:sip:9999@host:port              the line test: a short call to the MCU's test number, RTP echoed
 */
import { httpReach } from '../../shared/probes/http-reach.js';
import { pingSeries } from '../../shared/probes/ping.js';
import type { ProbeResult } from '../../shared/probes/probe-result.js';
import type { ProcessRunner } from '../../shared/probes/process-runner.js';
import { parseSipTarget, SipTargetError, sipOptions } from '../../shared/probes/sip-options.js';
import { tcpConnect } from '../../shared/probes/tcp-connect.js';
import type { Readings } from '../../shared/schemas.js';
import { PolyCodec } from './codec-poly.js';
import { XapiCodec } from './codec-xapi.js';
import { LineTargetError, parseLineTarget, runLineTest } from './line-test.js';

/** A target that cannot be probed as written; the message shows the accepted forms. */
export class ProbeTargetError extends Error {
  readonly code = 'HNTH_PROBE_TARGET';
}

const FORMS =
  'sip:host:port;transport=udp|tcp, xapi+http://user:pass@host:port, poly+http://host:port, icmp:host, tcp:host:port, http://host:port or line:sip:number@host:port';

/** How long the probe's line test sends RTP. */
const LINE_PROBE_MS = 5000;

function lineProbe(target: string, timeoutMs: number): () => Promise<ProbeResult> {
  let line: ReturnType<typeof parseLineTarget>;
  try {
    line = parseLineTarget(target.slice('line:'.length));
  } catch (err) {
    if (err instanceof LineTargetError) throw new ProbeTargetError(err.message);
    throw err;
  }
  return async () => {
    const r = await runLineTest(line, { durationMs: LINE_PROBE_MS, answerTimeoutMs: timeoutMs });
    const figures =
      r.outcome === 'answered'
        ? `: loss ${r.lossPct} %, jitter ${r.jitterMs ?? '-'} ms, round trip ${r.rttMs ?? '-'} ms`
        : '';
    return {
      ok: r.outcome === 'answered' && r.received > 0,
      reachable: r.outcome === 'answered' || r.outcome === 'rejected',
      rttMs: r.rttMs,
      detail: `${r.outcome}${figures}; ${r.detail}`,
    };
  };
}

export function parseHostPort(text: string, what: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || port < 1 || port > 65535)
    throw new ProbeTargetError(`${what} "${text}" must be host:port with a port 1-65535`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Codec readings as probe results: `up` is ok, `down` reachable but not ok. */
function fromCodec(reading: Readings['codec'], rttMs: number): ProbeResult {
  return {
    ok: reading.state === 'up',
    reachable: reading.state === 'up' || reading.state === 'down',
    rttMs: reading.state === 'unreachable' ? null : rttMs,
    detail: `${reading.state}${reading.inCall ? ', in a call' : ''}${reading.detail ? `: ${reading.detail}` : ''}`,
  };
}

function vendorUrl(target: string): { url: string; username: string; password: string } {
  let u: URL;
  try {
    u = new URL(target.replace(/^(xapi|poly)\+/, ''));
  } catch {
    throw new ProbeTargetError(`"${target}" is not a URL; write it as ${FORMS}`);
  }
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  return { url: `${u.protocol}//${u.host}`, username, password };
}

export function probeTarget(
  target: string,
  options: { timeoutMs: number; run: ProcessRunner },
): () => Promise<ProbeResult> {
  const { timeoutMs } = options;
  if (target.startsWith('line:')) return lineProbe(target, timeoutMs);
  if (target.startsWith('sip:')) {
    try {
      const sip = parseSipTarget(target);
      return () => sipOptions(sip, { timeoutMs });
    } catch (err) {
      if (err instanceof SipTargetError) throw new ProbeTargetError(err.message);
      throw err;
    }
  }
  if (/^(xapi|poly)\+https?:\/\//.test(target)) {
    const { url, username, password } = vendorUrl(target);
    const codec = target.startsWith('xapi')
      ? new XapiCodec({ url, username, password, timeoutMs, insecureTls: true })
      : new PolyCodec({ url, username, password, timeoutMs, insecureTls: true });
    return async () => {
      const start = performance.now();
      const reading = await codec.read();
      return fromCodec(reading, Math.round((performance.now() - start) * 10) / 10);
    };
  }
  if (target.startsWith('icmp:')) {
    const host = target.slice('icmp:'.length);
    if (!host) throw new ProbeTargetError(`"${target}" names no host; write it as icmp:host`);
    return async () => {
      const { series: _series, ...result } = await pingSeries(options.run, {
        host,
        count: 3,
        waitSec: Math.max(1, Math.ceil(timeoutMs / 1000)),
      });
      return result;
    };
  }
  if (target.startsWith('tcp:')) {
    const { host, port } = parseHostPort(target.slice('tcp:'.length), 'tcp target');
    return () => tcpConnect({ host, port, timeoutMs });
  }
  if (/^https?:\/\//.test(target)) return () => httpReach({ url: target, timeoutMs, insecureTls: true });
  throw new ProbeTargetError(`"${target}" is not a probe target; write it as ${FORMS}`);
}
