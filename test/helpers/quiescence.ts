/**
 * When is a hub and its agents, all in this process, done with what a moment of virtual time set
 * off? When no byte written on a loopback connection between them is unread at the other end, the
 * store has no call waiting, and that holds for a few turns of the event loop. Every socket of the
 * process is seen through Node's `net.client.socket` / `net.server.socket` diagnostics channels,
 * and paired with its peer by address and port, so each message is followed to its reader without
 * touching the code under test.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/** A socket of this process, keyed by its own end then its peer's (`127.0.0.1:40000>127.0.0.1:1883`). */
interface Tracked {
  socket: Socket;
  key: string | null;
  /** The other end, once found among the process's sockets. */
  peer: Tracked | null;
}

const tracked = new Map<Socket, Tracked>();
const byKey = new Map<string, Tracked>();

function endpoints(s: Socket): string | null {
  return s.localPort && s.remotePort
    ? `${s.localAddress}:${s.localPort}>${s.remoteAddress}:${s.remotePort}`
    : null;
}

function track({ socket }: { socket: Socket }): void {
  // Nagle's algorithm holds a small write until the previous one is acknowledged, and Linux delays
  // that acknowledgement up to 40 ms: every settle would wait for it. Time here is virtual.
  socket.setNoDelay(true);
  const t: Tracked = { socket, key: null, peer: null };
  tracked.set(socket, t);
  socket.once('close', () => {
    tracked.delete(socket);
    if (t.key) byKey.delete(t.key);
    if (t.peer) t.peer.peer = null;
  });
}

/** Keys a connected socket once (its ports do not change) and pairs it with its peer when both are known. */
function settleKey(t: Tracked): void {
  if (t.key || t.socket.connecting) return;
  t.key = endpoints(t.socket);
  if (!t.key) return;
  byKey.set(t.key, t);
  const [local, remote] = t.key.split('>');
  const peer = byKey.get(`${remote}>${local}`);
  if (peer) {
    t.peer = peer;
    peer.peer = t;
  }
}

let watching = false;

/** Starts following the process's sockets (idempotent; call before the hub and agents connect). */
export function watchSockets(): void {
  if (watching) return;
  watching = true;
  diagnosticsChannel.subscribe('net.client.socket', track as (message: unknown) => void);
  diagnosticsChannel.subscribe('net.server.socket', track as (message: unknown) => void);
}

/** Bytes written on a loopback connection of this process and not yet read by its other end. */
export function bytesInFlight(): { bytes: number; connecting: number } {
  let connecting = 0;
  let bytes = 0;
  for (const t of tracked.values()) {
    if (t.socket.connecting) {
      connecting++;
      continue;
    }
    settleKey(t);
    // A connection to something outside the process, or half closed: nobody here will read it.
    if (!t.peer || t.socket.destroyed) continue;
    bytes += Math.max(0, t.socket.bytesWritten - t.peer.socket.bytesRead);
  }
  return { bytes, connecting };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
/**
 * While the store's work is elsewhere (SQLite's thread commits, PostgreSQL answers), spinning on the
 * event loop only takes its core: look again a millisecond later. This polls what is pending; it does not stand in
 * for it, and the deadline below still holds.
 */
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/**
 * Resolves once nothing is in flight for `quietTurns` turns in a row; `busy` adds what else may be
 * under way (the store's waiting calls). Throws after `timeoutMs` of real time, saying what is stuck.
 */
export async function quiescent(
  busy: () => number,
  { quietTurns = 3, timeoutMs = 20_000 }: { quietTurns?: number; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let other = 0;
  while (quiet < quietTurns) {
    await (other > 0 ? pause() : turn());
    const flight = bytesInFlight();
    other = busy();
    quiet = flight.bytes === 0 && flight.connecting === 0 && other === 0 ? quiet + 1 : 0;
    if (Date.now() > deadline) {
      throw new Error(
        `not quiescent after ${timeoutMs} ms: ${flight.bytes} bytes in flight, ${flight.connecting} sockets connecting, ${other} other calls waiting`,
      );
    }
  }
}

/** This process's MQTT connections to `port` on loopback that the broker has answered (CONNACK). */
function connectionsTo(port: number): Socket[] {
  return [...tracked.values()]
    .map((t) => t.socket)
    .filter((s) => s.remotePort === port && !s.connecting && !s.destroyed && s.bytesRead > 0);
}

const trafficOf = (sockets: Socket[]) => sockets.reduce((n, s) => n + s.bytesRead + s.bytesWritten, 0);

/** MQTT's PINGREQ, which a broker answers with a PINGRESP once it has read what came before it. */
const PINGREQ = Buffer.from([0xc0, 0x00]);
const PING_BYTES = 4;

/**
 * `quiescent` with an MQTT broker outside the process (Mosquitto) in the middle: what a client wrote
 * to it is read by nobody here, so its forwarding is not seen. A broker reads each connection's
 * packets in order, so once the process is quiet, a PINGREQ written on every connection to it is
 * answered only after all that connection sent before; when every answer is back and no other byte
 * moved to or from the broker meanwhile, nothing it was given is on its way. Written between two
 * packets (the process is quiet: no packet is half written), a client reads the PINGRESP as an answer
 * to a ping of its own. When no byte moved since the broker was last found quiet, no ping is needed.
 *
 * One look at a time: the pings of two looks at once are each other's "other bytes", so neither
 * finds the broker quiet until their rounds happen to line up (five rooms told at one instant with
 * `Promise.all`, each moving the clock, kept the two-hub day from settling for 20 s on a loaded
 * machine). A call made while a look runs waits for it, then looks again for what it set off.
 */
export function quiescentThrough(
  port: number,
  busy: () => number,
  { timeoutMs = 20_000 }: { timeoutMs?: number } = {},
): () => Promise<void> {
  let quietAt = -1;
  let last: Promise<void> = Promise.resolve();
  const look = async () => {
    const deadline = Date.now() + timeoutMs;
    await quiescent(busy, { timeoutMs });
    if (trafficOf(connectionsTo(port)) === quietAt) return;
    for (;;) {
      const sockets = connectionsTo(port);
      const before = trafficOf(sockets);
      const read = sockets.map((s) => s.bytesRead);
      for (const s of sockets) s.write(PINGREQ);
      while (sockets.some((s, i) => !s.destroyed && s.bytesRead < read[i]! + 2)) {
        await pause();
        if (Date.now() > deadline)
          throw new Error(`the broker at ${port} did not answer its pings in ${timeoutMs} ms`);
      }
      await quiescent(busy, { timeoutMs });
      const now = connectionsTo(port);
      if (now.length === sockets.length && trafficOf(now) === before + sockets.length * PING_BYTES) break;
      if (Date.now() > deadline)
        throw new Error(`the broker at ${port} still moved messages after ${timeoutMs} ms`);
    }
    quietAt = trafficOf(connectionsTo(port));
  };
  return () => {
    // Its own look, even if the one before failed: that one's caller has the error.
    last = last.catch(() => undefined).then(look);
    return last;
  };
}
