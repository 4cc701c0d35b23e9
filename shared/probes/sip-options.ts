/**
 * SIP OPTIONS "ping" (RFC 3261 §11) to a codec or the MCU, over UDP or TCP: whether it answers, its
 * status code, and the round trip. Any final answer means the SIP stack is alive; only 2xx is ok
 * (a 503 means it is up but refusing). UDP is retransmitted per RFC 3261 §17.1.2.1 (T1 = 500 ms,
 * doubling) until the timeout; an ICMP port-unreachable ends the wait at once.
 *
 *   await sipOptions(parseSipTarget('sip:10.0.0.5:5060;transport=tcp'), { timeoutMs: 2000 })
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, isIPv6, type Socket } from 'node:net';
import { elapsedMs, errorText, type ProbeResult, unreachable } from './probe-result.js';

export interface SipTarget {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
}

export interface SipResult extends ProbeResult {
  /** Status code of the final answer; null without one. */
  statusCode: number | null;
}

/** A bad SIP target in configuration or on the command line. */
export class SipTargetError extends Error {
  readonly code = 'HNTH_SIP_TARGET';
}

/** Parses `sip:host[:port][;transport=udp|tcp]`; the port defaults to 5060 and the transport to UDP. */
export function parseSipTarget(uri: string): SipTarget {
  const m =
    /^sip:(?:[^@;]+@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?((?:;[A-Za-z-]+=[A-Za-z0-9-]+)*)$/.exec(
      uri.trim(),
    );
  if (!m) {
    throw new SipTargetError(`"${uri}" is not a SIP target; write it as sip:host:port;transport=udp or tcp`);
  }
  const host = m[1]!.replace(/^\[|\]$/g, '');
  const port = m[2] ? Number(m[2]) : 5060;
  if (port < 1 || port > 65535) throw new SipTargetError(`"${uri}": port ${port} is not 1-65535`);
  const params = new Map(
    (m[3] ?? '')
      .split(';')
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]),
  );
  const transport = (params.get('transport') ?? 'udp').toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp') {
    throw new SipTargetError(`"${uri}": transport ${transport} is not supported; use udp or tcp`);
  }
  return { host, port, transport };
}

function token(): string {
  return randomBytes(8).toString('hex');
}

function hostPart(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

function optionsRequest(t: SipTarget, local: { address: string; port: number }, callId: string): string {
  const via = `SIP/2.0/${t.transport.toUpperCase()} ${hostPart(local.address)}:${local.port}`;
  const target = `sip:${hostPart(t.host)}:${t.port}`;
  return [
    `OPTIONS ${target};transport=${t.transport} SIP/2.0`,
    `Via: ${via};branch=z9hG4bK${token()};rport`,
    'Max-Forwards: 70',
    `From: <sip:hnth@${hostPart(local.address)}>;tag=${token()}`,
    `To: <${target}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    `Contact: <sip:hnth@${hostPart(local.address)}:${local.port};transport=${t.transport}>`,
    'Accept: application/sdp',
    'User-Agent: hnth',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The status of a SIP response for our Call-ID, or null if `text` is not one (yet). */
export function parseSipResponse(text: string, callId: string): { code: number; reason: string } | null {
  const head = text.split('\r\n\r\n')[0] ?? '';
  const status = /^SIP\/2\.0 (\d{3}) ?([^\r\n]*)/.exec(head);
  if (!status) return null;
  const callIdLine = /^(?:Call-ID|i)\s*:\s*(.+)$/im.exec(head);
  if (!callIdLine || callIdLine[1]!.trim() !== callId) return null;
  return { code: Number(status[1]), reason: status[2]!.trim() };
}

function result(code: number, reason: string, start: number): SipResult {
  return {
    ok: code >= 200 && code < 300,
    reachable: true,
    rttMs: elapsedMs(start),
    statusCode: code,
    detail: `${code} ${reason}`.trim(),
  };
}

function noAnswer(detail: string): SipResult {
  return { ...unreachable(detail), statusCode: null };
}

function overUdp(t: SipTarget, timeoutMs: number): Promise<SipResult> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(t.host) ? 'udp6' : 'udp4');
    const callId = `${token()}@hnth`;
    const timers: NodeJS.Timeout[] = [];
    let start = performance.now();
    let settled = false;
    const finish = (r: SipResult) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      socket.close();
      resolve(r);
    };
    socket.on('error', (err) => finish(noAnswer(`${t.host}:${t.port}/udp: ${errorText(err)}`)));
    socket.on('message', (msg) => {
      const status = parseSipResponse(msg.toString('utf8'), callId);
      // 1xx is provisional: keep waiting for the final answer.
      if (status && status.code >= 200) finish(result(status.code, status.reason, start));
    });
    timers.push(
      setTimeout(
        () => finish(noAnswer(`no SIP answer from ${t.host}:${t.port}/udp within ${timeoutMs} ms`)),
        timeoutMs,
      ),
    );
    // connect() makes the kernel report an ICMP port-unreachable to this socket (ECONNREFUSED).
    socket.connect(t.port, t.host, () => {
      const local = socket.address();
      const request = Buffer.from(optionsRequest(t, local, callId));
      const send = () => socket.send(request, (err) => err && finish(noAnswer(errorText(err))));
      start = performance.now();
      send();
      for (let at = 500, gap = 1000; at < timeoutMs; at += gap, gap = Math.min(gap * 2, 4000)) {
        timers.push(setTimeout(send, at));
      }
    });
  });
}

function overTcp(t: SipTarget, timeoutMs: number): Promise<SipResult> {
  return new Promise((resolve) => {
    const callId = `${token()}@hnth`;
    const start = performance.now();
    let buffer = '';
    let settled = false;
    const socket: Socket = connect({ host: t.host, port: t.port });
    const finish = (r: SipResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish(noAnswer(`no SIP answer from ${t.host}:${t.port}/tcp within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('connect', () => {
      const local = { address: socket.localAddress ?? '127.0.0.1', port: socket.localPort ?? 0 };
      socket.write(optionsRequest(t, local, callId));
    });
    socket.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      if (buffer.length > 64 * 1024) finish(noAnswer(`${t.host}:${t.port}/tcp sent an oversize answer`));
      // Answers are framed by Content-Length over TCP; each complete header block is one message.
      let end = buffer.indexOf('\r\n\r\n');
      while (end >= 0) {
        const head = buffer.slice(0, end + 4);
        const length = Number(/^(?:Content-Length|l)\s*:\s*(\d+)/im.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        buffer = buffer.slice(end + 4 + length);
        const status = parseSipResponse(head, callId);
        if (status && status.code >= 200) return finish(result(status.code, status.reason, start));
        end = buffer.indexOf('\r\n\r\n');
      }
    });
    socket.once('error', (err) => finish(noAnswer(`${t.host}:${t.port}/tcp: ${errorText(err)}`)));
    socket.once('close', () => finish(noAnswer(`${t.host}:${t.port}/tcp closed without a SIP answer`)));
  });
}

export function sipOptions(target: SipTarget, options: { timeoutMs: number }): Promise<SipResult> {
  return target.transport === 'tcp' ? overTcp(target, options.timeoutMs) : overUdp(target, options.timeoutMs);
}
