/**
 * Reachability of a device's web server, for codecs without an API the agent speaks: any HTTP answer
 * proves the device is up; a 5xx says it is up but not well.
 */
import { httpRequest } from './http-request.js';
import { type ProbeResult, unreachable } from './probe-result.js';

export async function httpReach(target: {
  url: string;
  timeoutMs: number;
  insecureTls?: boolean;
}): Promise<ProbeResult> {
  const res = await httpRequest({
    url: target.url,
    timeoutMs: target.timeoutMs,
    insecureTls: target.insecureTls,
  });
  if (!res.ok) return unreachable(`${target.url}: ${res.error}`);
  return {
    ok: res.status < 500,
    reachable: true,
    rttMs: res.rttMs,
    detail: `HTTP ${res.status} from ${target.url}`,
  };
}
