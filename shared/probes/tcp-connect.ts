/**
 * Reachability of a TCP service (a codec's web or SIP port, the MCU's signalling port) where ICMP is
 * filtered: the time to complete the three-way handshake.
 */
import { connect } from 'node:net';
import { elapsedMs, errorText, type ProbeResult, unreachable } from './probe-result.js';

export interface TcpTarget {
  host: string;
  port: number;
  timeoutMs: number;
}

export function tcpConnect(target: TcpTarget): Promise<ProbeResult> {
  const { host, port, timeoutMs } = target;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return Promise.resolve(unreachable(`invalid port ${port}: must be 1-65535`));
  }
  return new Promise((resolve) => {
    const start = performance.now();
    const socket = connect({ host, port });
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      done(unreachable(`no answer from ${host}:${port} within ${timeoutMs} ms`)),
    );
    socket.once('connect', () =>
      done({ ok: true, reachable: true, rttMs: elapsedMs(start), detail: `connected to ${host}:${port}` }),
    );
    socket.once('error', (err) => done(unreachable(`${host}:${port}: ${errorText(err)}`)));
  });
}
