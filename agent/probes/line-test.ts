/**
 * The line test without the codec: the room controller itself places a short SIP call (RFC 3261
 * INVITE over UDP, an RFC 4566 offer of one G.711 µ-law stream) to the MCU's test number, which
 * answers and echoes the RTP (RFC 3550) it receives, sends a packet every 20 ms for the test's
 * duration, and measures from the echoes the loss, the round trip and the interarrival jitter of the
 * round trips (RFC 3550 §6.4.1, in ms); then hangs up (BYE). A room whose codec is broken still
 * learns whether its line is good, so a broken line is told apart from a broken codec. No answer,
 * an error answer and a local failure are results, never exceptions. It needs no configuration on
 * the controller: the hub names the test number for each rehearsal.
 *
 *   hnth-agent probe 'line:sip:9999@10.10.0.5:5060' --json
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { LineTestResult } from '../../shared/schemas.js';

export interface LineTarget {
  user: string;
  host: string;
  port: number;
}

export class LineTargetError extends Error {
  readonly code = 'HNTH_LINE_TARGET';
}

/** `sip:user@host[:port]`, over UDP (the media is RTP over UDP in any case). */
export function parseLineTarget(uri: string): LineTarget {
  const m = /^sip:([A-Za-z0-9_.!~*'()&=+$,;?/%-]+)@(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(
    uri.trim(),
  );
  if (!m) throw new LineTargetError(`"${uri}" is not a test number; write it as sip:number@host:port`);
  const port = m[3] ? Number(m[3]) : 5060;
  if (port < 1 || port > 65535) throw new LineTargetError(`"${uri}": port ${port} is not 1-65535`);
  return { user: m[1]!, host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

export interface LineTestOptions {
  /** How long RTP is sent once the call is answered. */
  durationMs: number;
  /** How long the far end has to answer the INVITE. */
  answerTimeoutMs: number;
  /** Between two RTP packets (20 ms: one G.711 frame). */
  packetMs?: number;
}

const T1_MS = 500;
const PAYLOAD_BYTES = 160;

/** Where the far end wants the media, from its SDP answer; null when it names none. */
export function parseSdpMedia(sdp: string): { address: string; port: number } | null {
  const c = /^c=IN IP[46] (\S+)/m.exec(sdp);
  const m = /^m=audio (\d+) /m.exec(sdp);
  if (!c || !m) return null;
  const port = Number(m[1]);
  return port > 0 ? { address: c[1]!, port } : null;
}

/** The round trips of the echoes, in the order they came back: loss, mean RTT, RFC 3550 jitter. */
export function lineFigures(
  sent: number,
  roundTripsMs: readonly number[],
): Pick<LineTestResult, 'sent' | 'received' | 'lossPct' | 'rttMs' | 'jitterMs'> {
  const received = Math.min(sent, roundTripsMs.length);
  if (sent === 0) return { sent, received: 0, lossPct: null, rttMs: null, jitterMs: null };
  let jitter = 0;
  for (let i = 1; i < roundTripsMs.length; i++) {
    const d = Math.abs(roundTripsMs[i]! - roundTripsMs[i - 1]!);
    jitter += (d - jitter) / 16;
  }
  const mean = roundTripsMs.reduce((a, b) => a + b, 0) / Math.max(1, roundTripsMs.length);
  const r2 = (n: number) => Math.round(n * 100) / 100;
  return {
    sent,
    received,
    lossPct: r2(((sent - received) / sent) * 100),
    rttMs: roundTripsMs.length > 0 ? r2(mean) : null,
    jitterMs: roundTripsMs.length > 1 ? r2(jitter) : null,
  };
}

function token(): string {
  return randomBytes(6).toString('hex');
}

function hostPart(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

interface Dialog {
  callId: string;
  fromTag: string;
  toTag: string | null;
  local: { address: string; port: number };
  requestUri: string;
  to: string;
}

function request(method: string, cseq: number, d: Dialog, body = '', contentType = ''): Buffer {
  const from = `<sip:hnth@${hostPart(d.local.address)}>;tag=${d.fromTag}`;
  return Buffer.from(
    [
      `${method} ${d.requestUri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${hostPart(d.local.address)}:${d.local.port};branch=z9hG4bK${token()};rport`,
      'Max-Forwards: 70',
      `From: ${from}`,
      `To: ${d.to}${d.toTag ? `;tag=${d.toTag}` : ''}`,
      `Call-ID: ${d.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:hnth@${hostPart(d.local.address)}:${d.local.port}>`,
      'User-Agent: hnth line test',
      ...(contentType ? [`Content-Type: ${contentType}`] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n'),
  );
}

function offer(address: string, rtpPort: number): string {
  const ip = isIPv6(address) ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=hnth 0 0 IN ${ip} ${address}`,
    's=hnth line test',
    `c=IN ${ip} ${address}`,
    't=0 0',
    `m=audio ${rtpPort} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

interface Response {
  code: number;
  reason: string;
  cseq: string;
  toTag: string | null;
  body: string;
}

function parseResponse(text: string, callId: string): Response | null {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const status = /^SIP\/2\.0 (\d{3}) ?([^\r\n]*)/.exec(head);
  const id = /^(?:Call-ID|i)\s*:\s*(.+)$/im.exec(head)?.[1]?.trim();
  if (!status || id !== callId) return null;
  const to = /^(?:To|t)\s*:\s*(.+)$/im.exec(head)?.[1] ?? '';
  return {
    code: Number(status[1]),
    reason: status[2]!.trim(),
    cseq: /^CSeq\s*:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '',
    toTag: /;\s*tag=([^;\s>]+)/i.exec(to)?.[1] ?? null,
    body: rest.join('\r\n\r\n'),
  };
}

function rtpPacket(seq: number, ssrc: number): Buffer {
  const p = Buffer.alloc(12 + PAYLOAD_BYTES, 0xff); // 0xff: µ-law silence
  p[0] = 0x80; // version 2
  p[1] = 0; // payload type 0, PCMU
  p.writeUInt16BE(seq & 0xffff, 2);
  p.writeUInt32BE((seq * PAYLOAD_BYTES) >>> 0, 4);
  p.writeUInt32BE(ssrc, 8);
  return p;
}

function bind(socket: Socket, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

/** Places the call, measures the line, hangs up. */
export async function runLineTest(target: LineTarget, options: LineTestOptions): Promise<LineTestResult> {
  const uri = `sip:${target.user}@${hostPart(target.host)}:${target.port}`;
  const base = { target: uri, sent: 0, received: 0, lossPct: null, jitterMs: null, rttMs: null };
  const family = isIPv6(target.host) ? 'udp6' : 'udp4';
  const sip = createSocket(family);
  const rtp = createSocket(family);
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      sip.once('error', reject);
      sip.connect(target.port, target.host, () => {
        sip.off('error', reject);
        resolve();
      });
    });
    const local = sip.address();
    await bind(rtp, local.address);
    const dialog: Dialog = {
      callId: `${token()}@hnth`,
      fromTag: token(),
      toTag: null,
      local,
      requestUri: uri,
      to: `<${uri}>`,
    };
    const invite = request('INVITE', 1, dialog, offer(local.address, rtp.address().port), 'application/sdp');
    // The final answer to the INVITE, or why there is none.
    const answer = await new Promise<Response | { error: string } | null>((resolve) => {
      let provisional = false;
      sip.on('error', (err: NodeJS.ErrnoException) =>
        resolve({
          error:
            err.code === 'ECONNREFUSED'
              ? `nothing answers SIP at ${hostPart(target.host)}:${target.port} (port unreachable)`
              : err.message,
        }),
      );
      sip.on('message', (msg) => {
        const r = parseResponse(msg.toString('utf8'), dialog.callId);
        if (!r?.cseq.endsWith('INVITE')) return;
        if (r.code < 200) provisional = true;
        else resolve(r);
      });
      const send = () => sip.send(invite, (err) => err && resolve({ error: err.message }));
      send();
      // RFC 3261 §17.1.1.2: retransmit at T1, doubling, until a provisional answer.
      for (let at = T1_MS, gap = T1_MS; at < options.answerTimeoutMs; gap *= 2, at += gap)
        later(() => !provisional && send(), at);
      later(() => resolve(null), options.answerTimeoutMs);
    });
    for (const t of timers) clearTimeout(t);
    timers.clear();
    if (answer === null)
      return {
        ...base,
        outcome: 'timeout',
        detail: `no answer from ${uri} within ${options.answerTimeoutMs} ms`,
      };
    if ('error' in answer) return { ...base, outcome: 'error', detail: answer.error.slice(0, 300) };
    dialog.toTag = answer.toTag;
    if (answer.code >= 300) {
      // The ACK of an error answer completes the INVITE transaction (RFC 3261 §17.1.1.3).
      sip.send(request('ACK', 1, dialog));
      return { ...base, outcome: 'rejected', detail: `${answer.code} ${answer.reason}`.slice(0, 300) };
    }
    sip.send(request('ACK', 1, dialog));
    const media = parseSdpMedia(answer.body);
    if (!media) {
      sip.send(request('BYE', 2, dialog));
      return { ...base, outcome: 'error', detail: `${uri} answered without an audio stream in its SDP` };
    }
    const figures = await measure(rtp, media, options);
    sip.send(request('BYE', 2, dialog));
    return {
      target: uri,
      outcome: 'answered',
      detail: `answered ${answer.code} ${answer.reason}; ${figures.received} of ${figures.sent} packets echoed`,
      ...figures,
    };
  } catch (err) {
    return { ...base, outcome: 'error', detail: (err as Error).message.slice(0, 300) };
  } finally {
    for (const t of timers) clearTimeout(t);
    // Let the BYE leave before the socket closes.
    await new Promise((resolve) => setImmediate(resolve));
    sip.close();
    rtp.close();
  }
}

/** Sends RTP for the duration and times the echoes; waits a moment for the last ones. */
function measure(
  rtp: Socket,
  media: { address: string; port: number },
  options: LineTestOptions,
): Promise<ReturnType<typeof lineFigures>> {
  const packetMs = options.packetMs ?? 20;
  const ssrc = randomBytes(4).readUInt32BE(0);
  const sentAt = new Map<number, number>();
  const roundTrips: number[] = [];
  return new Promise((resolve) => {
    rtp.on('message', (msg) => {
      if (msg.length < 12 || msg.readUInt32BE(8) !== ssrc) return;
      const at = sentAt.get(msg.readUInt16BE(2));
      if (at === undefined) return;
      sentAt.delete(msg.readUInt16BE(2));
      roundTrips.push(performance.now() - at);
    });
    let seq = 0;
    const total = Math.max(1, Math.round(options.durationMs / packetMs));
    const tick = setInterval(() => {
      sentAt.set(seq & 0xffff, performance.now());
      rtp.send(rtpPacket(seq, ssrc), media.port, media.address);
      seq++;
      if (seq < total) return;
      clearInterval(tick);
      // Echoes later than this are lost for a meeting anyway (ITU-T G.114: 400 ms one way).
      setTimeout(() => resolve(lineFigures(seq, roundTrips)), 800);
    }, packetMs);
  });
}
