/**
 * `/ws`: pushes every room change and every stored event to the dashboards as JSON. A client that
 * reads too slowly is sent each room's latest view and speak standing instead of every change
 * (hub/api/reader-feed.ts), so a loaded machine or a slow provincial link thins its feed rather than
 * losing it; one that lets the other news (events, incidents, meetings…) pile up past its allowance
 * is not reading at all and is disconnected rather than allowed to hold the hub's memory or stall
 * ingest.
 * Only a logged-in session may open it, and only from the hub's own pages (a browser sends the
 * page's Origin; another site's page must not ride on the operator's cookie). A socket whose
 * session ends (logout, expiry, a changed user, on this hub or another of its group) is closed at
 * the next check. The session is read from the store at connect and at each check, never per
 * message: broadcasts use who read at the last check.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../shared/logger.js';
import type { RoomView } from '../fleet-state.js';
import type { Incident } from '../incidents/incidents-repo.js';
import type { McuState } from '../mcu/mcu-monitor.js';
import { asSeenBy, type Reader } from '../schedule/meeting-visibility.js';
import type { ScheduleLiveMessage } from '../schedule/schedule-service.js';
import type { RoomSpeakState } from '../speak/speak-queue.js';
import type { SessionNews } from '../speak/speak-service.js';
import type { StoredEvent } from '../store/store.js';
import { MAX_BUFFERED_BYTES, ReaderFeed, type ReaderSink } from './reader-feed.js';
import { ReaderLag } from './reader-lag.js';

export type LiveMessage =
  | { type: 'snapshot'; rooms: RoomView[] }
  | { type: 'room'; room: RoomView }
  | { type: 'event'; event: StoredEvent }
  | { type: 'mcu'; mcu: McuState }
  /** Meetings booked, changed, cancelled; rehearsal progress room by room; escalations (art. 11.1). */
  | ScheduleLiveMessage
  | { type: 'incident'; change: 'opened' | 'closed' | 'acknowledged'; incident: Incident }
  | { type: 'speak-session'; session: SessionNews }
  | { type: 'speak-state'; roomId: string; speak: RoomSpeakState }
  /**
   * An edge a hub saw of a room itself (its flood, hub/broker/flood-guard.ts), for the group's
   * incidents; `version` its row's in the group's store (hub/incidents/room-edges-repo.ts), null
   * when it could not be stored.
   */
  | {
      type: 'room-edge';
      roomId: string;
      edge: string;
      data: Record<string, unknown>;
      version: number | null;
    };

/** Close code telling the dashboard its session ended (it then goes to the login page). */
export const SESSION_ENDED = 4401;

/** The session behind an upgrade request, or null when there is none. */
export type LiveAuthorizer = (req: IncomingMessage) => Promise<LiveSession | null>;

export interface LiveSession {
  /** Who reads, for what depends on it (a meeting's title, art. 13.1c). */
  reader: Reader;
  /** Asks the store again: who reads now, or null once the session has ended. */
  check(): Promise<Reader | null>;
}

/** How often each socket's session is checked again: a logged-out or demoted user loses it this soon. */
export const SESSION_RECHECK_MS = 5_000;

export interface LiveSocketOptions {
  /** How often each socket's session is checked again (`SESSION_RECHECK_MS`). */
  recheckMs?: number;
  /** Where the readers falling behind are counted and logged (the hub's /metrics reads it). */
  lag?: ReaderLag;
}

export class LiveSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  /** Each socket's session, its reader as of the last check. */
  private readonly sessions = new Map<WebSocket, LiveSession>();
  /** What each socket is sent, and when. */
  private readonly feeds = new Map<WebSocket, ReaderFeed>();
  private readonly recheck: NodeJS.Timeout;
  private readonly lag: ReaderLag;
  private checking = false;

  constructor(
    server: Server,
    private readonly snapshot: () => RoomView[],
    private readonly log: Logger,
    private readonly authorize: LiveAuthorizer,
    { recheckMs = SESSION_RECHECK_MS, lag = new ReaderLag(log) }: LiveSocketOptions = {},
  ) {
    this.lag = lag;
    this.recheck = setInterval(() => {
      // A reader that caught up while nothing was broadcast to it still gets the rooms it was owed.
      for (const ws of this.wss.clients) this.feedOf(ws)?.flush();
      void this.closeEnded();
    }, recheckMs);
    this.recheck.unref();
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://hub').pathname !== '/ws') {
        socket.destroy();
        return;
      }
      void this.upgrade(req, socket, head);
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const refuse = (status: string) =>
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    const refusal = this.originRefusal(req);
    if (refusal) return void refuse(refusal);
    let session: LiveSession | null;
    try {
      session = await this.authorize(req);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'could not read the session of a /ws upgrade');
      return void refuse('503 Service Unavailable');
    }
    if (!session) return void refuse('401 Unauthorized');
    // The client may have gone while the session was read.
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sessions.set(ws, session);
      ws.once('close', () => {
        this.sessions.delete(ws);
        this.feeds.get(ws)?.close();
        this.feeds.delete(ws);
      });
      const { role, roomId } = session.reader;
      this.onConnection(ws, { remote: req.socket.remoteAddress, role, roomId });
    });
  }

  /**
   * Checks every socket's session again, all at once, and closes those that ended; one round at a
   * time. A store that cannot answer leaves the sockets open until it can.
   */
  private async closeEnded(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await Promise.all(
        [...this.sessions].map(async ([ws, { check }]) => {
          try {
            const reader = await check();
            if (!this.sessions.has(ws)) return;
            if (reader) this.sessions.set(ws, { reader, check });
            else ws.close(SESSION_ENDED, 'session ended');
          } catch (err) {
            this.log.warn({ err: (err as Error).message }, 'could not check a /ws session; next round');
          }
        }),
      );
    } finally {
      this.checking = false;
    }
  }

  private originRefusal(req: IncomingMessage): string | null {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let host: string | null = null;
      try {
        host = new URL(origin).host;
      } catch {
        // an Origin that is not a URL is refused below
      }
      if (host !== req.headers.host) return '403 Forbidden';
    }
    return null;
  }

  /** `reader` names the reader in the log lines of its feed. */
  private onConnection(ws: WebSocket, reader: Record<string, unknown>): void {
    ws.on('error', (err) => this.log.debug({ err: err.message }, 'websocket error'));
    const snapshot = JSON.stringify({ type: 'snapshot', rooms: this.snapshot() } satisfies LiveMessage);
    // The snapshot is allowed on top of the limit: at 10,000 rooms it alone is over it, and a slow
    // link still sending it would otherwise be cut off by the first news after it, at every reconnect.
    const limit = MAX_BUFFERED_BYTES + Buffer.byteLength(snapshot);
    this.feeds.set(
      ws,
      new ReaderFeed(sinkOf(ws), { maxBufferedBytes: limit, watch: this.lag.watch(reader) }),
    );
    this.sendNews(ws, snapshot);
  }

  broadcast(message: LiveMessage): void {
    if (this.wss.clients.size === 0) return;
    if (message.type === 'meeting') {
      this.broadcastMeeting(message);
      return;
    }
    const text = JSON.stringify(message);
    const roomId = stateRoomOf(message);
    if (roomId !== null) {
      for (const ws of this.wss.clients) this.feedOf(ws)?.state(message.type, roomId, text);
      return;
    }
    for (const ws of this.wss.clients) this.sendNews(ws, text);
  }

  /** A meeting as each reader may see it: its title only to operators and its rooms' users. */
  private broadcastMeeting(message: Extract<LiveMessage, { type: 'meeting' }>): void {
    const texts = new Map<string, string>();
    for (const ws of this.wss.clients) {
      const reader = this.sessions.get(ws)?.reader ?? null;
      const key = reader ? `${reader.role}|${reader.roomId}` : '-';
      let text = texts.get(key);
      if (text === undefined) {
        text = JSON.stringify({ ...message, meeting: asSeenBy(message.meeting, reader) });
        texts.set(key, text);
      }
      this.sendNews(ws, text);
    }
  }

  private sendNews(ws: WebSocket, text: string): void {
    const feed = this.feedOf(ws);
    if (feed && !feed.news(text)) {
      this.log.warn('websocket client too slow, disconnecting');
      ws.terminate();
    }
  }

  /** The feed of a socket still open. */
  private feedOf(ws: WebSocket): ReaderFeed | undefined {
    return ws.readyState === WebSocket.OPEN ? this.feeds.get(ws) : undefined;
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  close(): void {
    clearInterval(this.recheck);
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}

/**
 * The room whose state `message` is, its latest replacing the previous for a reader behind (a room's
 * view, its speak standing); null for news.
 */
function stateRoomOf(message: LiveMessage): string | null {
  if (message.type === 'room') return message.room.id;
  if (message.type === 'speak-state') return message.roomId;
  return null;
}

function sinkOf(ws: WebSocket): ReaderSink {
  return {
    get bufferedBytes() {
      return ws.bufferedAmount;
    },
    send: (text) => ws.send(text),
  };
}
