/**
 * `/ws`: pushes every room change and every stored event to the dashboards as JSON. A client that
 * reads too slowly is disconnected rather than allowed to hold the hub's memory or stall ingest.
 * Only a logged-in session may open it, and only from the hub's own pages (a browser sends the
 * page's Origin; another site's page must not ride on the operator's cookie). A socket whose
 * session ends (logout, expiry, a changed user) is closed at the next check.
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
import type { SessionView } from '../speak/speak-service.js';
import type { StoredEvent } from '../store/store.js';

export type LiveMessage =
  | { type: 'snapshot'; rooms: RoomView[] }
  | { type: 'room'; room: RoomView }
  | { type: 'event'; event: StoredEvent }
  | { type: 'mcu'; mcu: McuState }
  /** Meetings booked, changed, cancelled; rehearsal progress room by room; escalations (art. 11.1). */
  | ScheduleLiveMessage
  | { type: 'incident'; change: 'opened' | 'closed' | 'acknowledged'; incident: Incident }
  | { type: 'speak-session'; session: SessionView | { hostRoomId: string; closed: true } }
  | { type: 'speak-state'; roomId: string; speak: RoomSpeakState };

/** More than this many bytes waiting for one client means it is not keeping up. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Close code telling the dashboard its session ended (it then goes to the login page). */
export const SESSION_ENDED = 4401;

/**
 * The session behind an upgrade request: null when there is none; `valid()` asks again later;
 * `reader()` is who reads, as they are now, for what depends on it (a meeting's title, art. 13.1c).
 */
export type LiveAuthorizer = (req: IncomingMessage) => LiveSession | null;

export interface LiveSession {
  valid(): boolean;
  reader(): Reader | null;
}

export class LiveSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly sessions = new Map<WebSocket, LiveSession>();
  private readonly recheck: NodeJS.Timeout;

  constructor(
    server: Server,
    private readonly snapshot: () => RoomView[],
    private readonly log: Logger,
    private readonly authorize: LiveAuthorizer,
    recheckMs = 30_000,
  ) {
    this.recheck = setInterval(() => this.closeEnded(), recheckMs);
    this.recheck.unref();
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://hub').pathname !== '/ws') {
        socket.destroy();
        return;
      }
      const refusal = this.originRefusal(req);
      const session = refusal ? null : this.authorize(req);
      if (refusal || !session) {
        socket.end(
          `HTTP/1.1 ${refusal ?? '401 Unauthorized'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.sessions.set(ws, session);
        ws.once('close', () => this.sessions.delete(ws));
        this.onConnection(ws);
      });
    });
  }

  private closeEnded(): void {
    for (const [ws, session] of this.sessions) {
      if (!session.valid()) ws.close(SESSION_ENDED, 'session ended');
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

  private onConnection(ws: WebSocket): void {
    ws.on('error', (err) => this.log.debug({ err: err.message }, 'websocket error'));
    this.send(ws, JSON.stringify({ type: 'snapshot', rooms: this.snapshot() } satisfies LiveMessage));
  }

  broadcast(message: LiveMessage): void {
    if (this.wss.clients.size === 0) return;
    if (message.type === 'meeting') {
      this.broadcastMeeting(message);
      return;
    }
    const text = JSON.stringify(message);
    for (const ws of this.wss.clients) this.send(ws, text);
  }

  /** A meeting as each reader may see it: its title only to operators and its rooms' users. */
  private broadcastMeeting(message: Extract<LiveMessage, { type: 'meeting' }>): void {
    const texts = new Map<string, string>();
    for (const ws of this.wss.clients) {
      const reader = this.sessions.get(ws)?.reader() ?? null;
      const key = reader ? `${reader.role}|${reader.roomId}` : '-';
      let text = texts.get(key);
      if (text === undefined) {
        text = JSON.stringify({ ...message, meeting: asSeenBy(message.meeting, reader) });
        texts.set(key, text);
      }
      this.send(ws, text);
    }
  }

  private send(ws: WebSocket, text: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn('websocket client too slow, disconnecting');
      ws.terminate();
      return;
    }
    ws.send(text);
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
