/**
 * Speak sessions in SQLite, so that a hub restart in the middle of a meeting gives the rooms back
 * their place in the queue (art. 10.1c). Only what is still to be dealt with is kept: the open
 * sessions and their waiting and granted requests; a request that ends leaves the table, and
 * closing a session removes its requests. A room's position is not stored: it follows from the
 * order of the waiting requests.
 */
import { applyMigrations, type Db, type Migration } from '../store/database.js';
import type { SpeakRequest, SpeakSession } from './speak-queue.js';

const migrations: Migration[] = [
  {
    id: 'speak-1',
    sql: `CREATE TABLE speak_sessions (
      host_room_id TEXT PRIMARY KEY,
      opened_by TEXT,
      opened_at TEXT NOT NULL,
      last_order INTEGER NOT NULL
    );
    CREATE TABLE speak_requests (
      id TEXT PRIMARY KEY,
      host_room_id TEXT NOT NULL REFERENCES speak_sessions (host_room_id) ON DELETE CASCADE,
      room_id TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('waiting', 'granted')),
      queue_order INTEGER NOT NULL,
      requested_at TEXT NOT NULL,
      granted_at TEXT,
      UNIQUE (host_room_id, room_id),
      UNIQUE (host_room_id, queue_order)
    );
    -- The last request id handed out, so ids are never reused across a restart.
    CREATE TABLE speak_request_ids (
      only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
      last_id INTEGER NOT NULL
    );`,
  },
];

interface SessionRow {
  host_room_id: string;
  opened_by: string | null;
  opened_at: string;
  last_order: number;
}

interface RequestRow {
  id: string;
  host_room_id: string;
  room_id: string;
  state: 'waiting' | 'granted';
  queue_order: number;
  requested_at: string;
  granted_at: string | null;
}

export interface StoredSpeak {
  sessions: SpeakSession[];
  /** The last request id the service handed out (ids are its decimal counter). */
  lastRequestId: number;
}

const active = (r: SpeakRequest) => r.state === 'waiting' || r.state === 'granted';

export class SpeakRepo {
  private readonly stmts;
  /** One session as it now is, in one transaction: the session row, its queue and the id counter. */
  readonly save: (session: SpeakSession, lastRequestId: number) => void;

  constructor(db: Db) {
    applyMigrations(db, migrations);
    this.stmts = {
      upsertSession: db.prepare(
        `INSERT INTO speak_sessions (host_room_id, opened_by, opened_at, last_order)
         VALUES (@hostRoomId, @openedBy, @openedAt, @lastOrder)
         ON CONFLICT (host_room_id) DO UPDATE SET opened_by = excluded.opened_by,
           opened_at = excluded.opened_at, last_order = excluded.last_order`,
      ),
      clearQueue: db.prepare('DELETE FROM speak_requests WHERE host_room_id = ?'),
      insertRequest: db.prepare(
        `INSERT INTO speak_requests (id, host_room_id, room_id, state, queue_order, requested_at, granted_at)
         VALUES (@id, @hostRoomId, @roomId, @state, @order, @requestedAt, @grantedAt)`,
      ),
      setLastId: db.prepare(
        `INSERT INTO speak_request_ids (only_row, last_id) VALUES (1, ?)
         ON CONFLICT (only_row) DO UPDATE SET last_id = max(last_id, excluded.last_id)`,
      ),
      removeSession: db.prepare('DELETE FROM speak_sessions WHERE host_room_id = ?'),
      sessions: db.prepare('SELECT * FROM speak_sessions ORDER BY opened_at, host_room_id'),
      requests: db.prepare('SELECT * FROM speak_requests ORDER BY host_room_id, queue_order'),
      lastId: db.prepare('SELECT last_id FROM speak_request_ids WHERE only_row = 1'),
    };
    this.save = db.transaction((session: SpeakSession, lastRequestId: number) => {
      const s = this.stmts;
      const { hostRoomId, openedBy, openedAt, lastOrder } = session;
      s.upsertSession.run({ hostRoomId, openedBy, openedAt, lastOrder });
      s.clearQueue.run(hostRoomId);
      for (const r of session.requests.filter(active)) {
        const { id, roomId, state, order, requestedAt, grantedAt } = r;
        s.insertRequest.run({ id, hostRoomId, roomId, state, order, requestedAt, grantedAt });
      }
      s.setLastId.run(lastRequestId);
    });
  }

  /** Closes a session: it and its queue go. */
  remove(hostRoomId: string): boolean {
    return this.stmts.removeSession.run(hostRoomId).changes > 0;
  }

  load(): StoredSpeak {
    const queues = new Map<string, SpeakRequest[]>();
    for (const r of this.stmts.requests.all() as RequestRow[]) {
      const list = queues.get(r.host_room_id) ?? [];
      list.push({
        id: r.id,
        roomId: r.room_id,
        requestedAt: r.requested_at,
        order: r.queue_order,
        state: r.state,
        grantedAt: r.granted_at,
        endedAt: null,
      });
      queues.set(r.host_room_id, list);
    }
    const sessions = (this.stmts.sessions.all() as SessionRow[]).map(
      (s): SpeakSession => ({
        hostRoomId: s.host_room_id,
        openedBy: s.opened_by,
        openedAt: s.opened_at,
        lastOrder: s.last_order,
        requests: queues.get(s.host_room_id) ?? [],
      }),
    );
    const row = this.stmts.lastId.get() as { last_id: number } | undefined;
    return { sessions, lastRequestId: row?.last_id ?? 0 };
  }
}
