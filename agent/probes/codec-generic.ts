/**
 * Codecs the agent has no API for: SIP OPTIONS to their SIP port, a TCP connect, or an HTTP request
 * to their web server. Up when the probe is ok, down when the device answers but badly (a SIP 503,
 * an HTTP 5xx), unreachable when it does not answer. Such a probe cannot see calls: `inCall` is false.
 *
 *   "probes": { "codec": { "kind": "sip", "url": "sip:10.10.1.20:5060;transport=tcp" } }
 */

import type { ProbeResult } from '../../shared/probes/probe-result.js';
import type { Readings } from '../../shared/schemas.js';
import type { CodecProbe } from '../adapters.js';

export class GenericCodec implements CodecProbe {
  constructor(private readonly probe: () => Promise<ProbeResult>) {}

  async read(): Promise<Readings['codec']> {
    const r = await this.probe();
    const state = r.ok ? 'up' : r.reachable ? 'down' : 'unreachable';
    const rtt = r.rttMs === null ? '' : ` in ${r.rttMs} ms`;
    return { state, inCall: false, detail: `${r.detail}${rtt}`.slice(0, 200) };
  }
}
