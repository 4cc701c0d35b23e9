/**
 * `/ws`: the hub's live messages, fanned out to whichever page listens. Reconnects after a drop;
 * a session that ended sends the user to the login page.
 */
import type { LiveMessage } from '../../api/live-socket.js';

type Listener = (message: LiveMessage) => void;
type ConnectionListener = (up: boolean) => void;

const SESSION_ENDED = 4401;

export class LiveFeed {
  private readonly listeners = new Set<Listener>();
  private readonly connection = new Set<ConnectionListener>();

  connect(): void {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    ws.onopen = () => {
      for (const l of this.connection) l(true);
    };
    ws.onclose = (e) => {
      for (const l of this.connection) l(false);
      if (e.code === SESSION_ENDED) {
        location.href = '/login.html';
        return;
      }
      setTimeout(async () => {
        const res = await fetch('/api/session').catch(() => null);
        if (res?.status === 401) location.href = '/login.html';
        else this.connect();
      }, 2000);
    };
    ws.onmessage = (msg) => {
      const data = JSON.parse(String(msg.data)) as LiveMessage;
      for (const l of this.listeners) l(data);
    };
  }

  /** Listens until the returned function is called. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onConnection(listener: ConnectionListener): void {
    this.connection.add(listener);
  }
}
