/**
 * A small UDP relay standing for the line between a room and the MCU where `tc netem` is not
 * available: it listens on the MCU's address for SIP and media, forwards to the real peer (sipp on
 * the MCU namespace's loopback), and back, dropping every packet of the room's media that falls in
 * the dropped share (deterministically: of each hundred, the first `drop × 100`) and delaying media
 * both ways. SIP passes untouched but for the peer's address in its messages, which becomes the
 * relay's (with Content-Length corrected), so the room sends its media through the relay too.
 *
 *   node --import tsx test/helpers/udp-relay.ts --listen 10.200.78.2 --to 127.0.0.1 \
 *     --sip 5060 --media 6000 --drop 0.1 --delay 40 [--silent]
 * Prints `ready` once bound; stops on SIGTERM.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    listen: { type: 'string' },
    to: { type: 'string' },
    sip: { type: 'string' },
    media: { type: 'string' },
    drop: { type: 'string', default: '0' },
    delay: { type: 'string', default: '0' },
    silent: { type: 'boolean', default: false },
  },
});
const listen = values.listen!;
const to = values.to!;
const drop = Number(values.drop);
const delayMs = Number(values.delay);

/** The peer's address replaced by the relay's in a SIP message, its body's length counted again. */
function rewriteSip(message: string, from: string, into: string): string {
  const replaced = message.split(from).join(into);
  const split = replaced.indexOf('\r\n\r\n');
  if (split < 0) return replaced;
  const body = replaced.slice(split + 4);
  return replaced.replace(/^Content-Length:\s*\d+/im, `Content-Length: ${Buffer.byteLength(body)}`);
}

function bind(socket: Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve) => socket.bind(port, address, () => resolve()));
}

/**
 * One relayed port: the room's side on the MCU's address, the peer's side on loopback; `transform`
 * may change or drop each packet, `holdMs` delays each one.
 */
async function relay(
  port: number,
  transform: (msg: Buffer, toPeer: boolean) => Buffer | null,
  holdMs: number,
): Promise<Socket[]> {
  const outside = createSocket('udp4');
  const inside = createSocket('udp4');
  let room: RemoteInfo | null = null;
  const deliver = (send: () => void) => (holdMs > 0 ? setTimeout(send, holdMs) : send());
  outside.on('message', (msg, rinfo) => {
    room = rinfo;
    const out = transform(msg, true);
    if (out) deliver(() => inside.send(out, port, to));
  });
  inside.on('message', (msg) => {
    const out = transform(msg, false);
    const back = room;
    if (out && back) deliver(() => outside.send(out, back.port, back.address));
  });
  await bind(outside, port, listen);
  await bind(inside, 0, to);
  return [outside, inside];
}

let count = 0;
const sockets = [
  ...(await relay(
    Number(values.sip),
    (msg, toPeer) =>
      values.silent ? null : Buffer.from(toPeer ? msg : rewriteSip(msg.toString('utf8'), to, listen)),
    0,
  )),
  ...(await relay(
    Number(values.media),
    (msg, toPeer) => {
      if (!toPeer) return msg;
      // The n-th packet is dropped when it carries the dropped share past a whole packet.
      const dropped = Math.floor((count + 1) * drop) > Math.floor(count * drop);
      count++;
      return dropped ? null : msg;
    },
    delayMs,
  )),
];
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  for (const s of sockets) s.close();
  process.exit(0);
});
