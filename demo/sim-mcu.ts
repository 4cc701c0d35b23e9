/**
 * The demo's MCU: a SIP endpoint on loopback that answers OPTIONS with 200 OK (RFC 3261 §11), as a
 * real MCU's SIP stack does, so the hub's MCU monitor has something to check and the fleet page's
 * banner shows a reachable MCU with its round trip instead of "not configured". UDP only; any
 * other request is answered 501.
 */
import { createSocket, type Socket } from 'node:dgram';

/** The headers a response copies from its request (RFC 3261 §8.2.6.2). */
const copied = /^(via|v|from|f|to|t|call-id|i|cseq)\s*:/i;

export function sipAnswer(request: string): string | null {
  const [head] = request.split('\r\n\r\n');
  const lines = (head ?? '').split('\r\n');
  const method = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(lines[0] ?? '')?.[1];
  if (!method) return null;
  const status = method === 'OPTIONS' ? '200 OK' : '501 Not Implemented';
  return [
    `SIP/2.0 ${status}`,
    ...lines.slice(1).filter((l) => copied.test(l)),
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS',
    'Server: hnth-demo-mcu',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

export interface SimMcu {
  /** `sip:127.0.0.1:<port>;transport=udp`, for `mcu.sipUri`. */
  sipUri: string;
  stop(): Promise<void>;
}

export async function startSimMcu(): Promise<SimMcu> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    const answer = sipAnswer(msg.toString('utf8'));
    if (answer) socket.send(answer, from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return {
    sipUri: `sip:127.0.0.1:${socket.address().port};transport=udp`,
    stop: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
