/**
 * Speak sessions in the hub's store, so that a hub restart in the middle of a meeting gives the rooms back
 * their place in the queue (art. 10.1c). Only what is still to be dealt with is kept: the open
 * sessions and their waiting and granted requests; a request that ends leaves the table, and
 * closing a session removes its requests. A room's position is not stored: it follows from the
 * order of the waiting requests. The hubs of a group share these rows: they are the queue, each
 * change decided on them as stored (`change`).
 */
import type { Sql, SqlMigration } from '../store/sql.js';
import type { SpeakRequest, SpeakSession } from './speak-queue.js';

export const speakMigrations: SqlMigration[] = [
  {
    id: 'speak-1',
    sqlite: `CREATE TABLE speak_sessions (
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
    pg: `CREATE TABLE speak_sessions (
      host_room_id text COLLATE "C" PRIMARY KEY,
      opened_by text,
      opened_at text COLLATE "C" NOT NULL,
      last_order integer NOT NULL
    );
    CREATE TABLE speak_requests (
      id text COLLATE "C" PRIMARY KEY,
      host_room_id text COLLATE "C" NOT NULL REFERENCES speak_sessions (host_room_id) ON DELETE CASCADE,
      room_id text COLLATE "C" NOT NULL,
      state text NOT NULL CHECK (state IN ('waiting', 'granted')),
      queue_order integer NOT NULL,
      requested_at text COLLATE "C" NOT NULL,
      granted_at text COLLATE "C",
      UNIQUE (host_room_id, room_id),
      UNIQUE (host_room_id, queue_order)
    );
    CREATE TABLE speak_request_ids (
      only_row integer PRIMARY KEY CHECK (only_row = 1),
      last_id bigint NOT NULL
    );`,
  },
  {
    // In a hub group every hub receives a room's speak message: the first to store it applies it,
    // the others find it here and leave it (a late copy of a request must not queue it again after
    // the host dealt with it).
    id: 'speak-2',
    sqlite: `CREATE TABLE speak_heard (
      room_id TEXT NOT NULL,
      ts TEXT NOT NULL,
      action TEXT NOT NULL,
      heard_at TEXT NOT NULL,
      PRIMARY KEY (room_id, ts, action)
    );`,
    pg: `CREATE TABLE speak_heard (
      room_id text COLLATE "C" NOT NULL,
      ts text COLLATE "C" NOT NULL,
      action text COLLATE "C" NOT NULL,
      heard_at text COLLATE "C" NOT NULL,
      PRIMARY KEY (room_id, ts, action)
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

/** A room's speak message, as the rooms send it to every hub of a group. */
export interface HeardMessage {
  roomId: string;
  /** The room's time of the message, with its action: together they name it. */
  ts: string;
  action: string;
  /** The hub's time now: a message is remembered an hour, far longer than hubs receive it apart. */
  at: string;
}

const KEEP_HEARD_MS = 3600_000;

/** What one change does to the stored sessions: at most one session saved or removed. */
export interface SpeakChange<T> {
  save?: SpeakSession;
  remove?: string;
  /** The last request id handed out, when the change handed one out. */
  lastRequestId?: number;
  result: T;
}

export type ChangeResult<T> =
  | { applied: true; result: T; stored: StoredSpeak }
  /** The message was applied already, by this hub or another of the group. */
  | { applied: false; stored: StoredSpeak };

export class SpeakRepo {
  constructor(private readonly sql: Sql) {}

  /**
   * Decides a change on the sessions as stored now and stores it, all in one transaction (on
   * PostgreSQL serialisable, so hubs changing the same queue at once take turns: `decide` may run
   * more than once and must be pure). With `heard`, a room's message applied once in the group.
   */
  async change<T>(
    decide: (now: StoredSpeak) => SpeakChange<T>,
    heard?: HeardMessage,
  ): Promise<ChangeResult<T>> {
    return this.sql.transaction(async (tx) => {
      const repo = new SpeakRepo(tx);
      if (heard && !(await repo.firstHeard(heard))) return { applied: false, stored: await repo.load() };
      const now = await repo.load();
      const change = decide(now);
      const lastRequestId = Math.max(now.lastRequestId, change.lastRequestId ?? 0);
      let sessions = now.sessions;
      if (change.save) {
        await repo.save(change.save, lastRequestId);
        const saved = change.save;
        sessions = [...sessions.filter((s) => s.hostRoomId !== saved.hostRoomId), saved];
      }
      if (change.remove !== undefined) {
        await repo.remove(change.remove);
        sessions = sessions.filter((s) => s.hostRoomId !== change.remove);
      }
      return { applied: true, result: change.result, stored: { sessions, lastRequestId } };
    });
  }

  /** Whether this is the first time the group hears the message; forgets the ones heard long ago. */
  private async firstHeard(heard: HeardMessage): Promise<boolean> {
    const forgetBefore = new Date(Date.parse(heard.at) - KEEP_HEARD_MS).toISOString();
    await this.sql.run('DELETE FROM speak_heard WHERE heard_at < ?', [forgetBefore]);
    const { changes } = await this.sql.run(
      `INSERT INTO speak_heard (room_id, ts, action, heard_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      [heard.roomId, heard.ts, heard.action, heard.at],
    );
    return changes > 0;
  }

  /** One session as it now is, in one transaction: the session row, its queue and the id counter. */
  async save(session: SpeakSession, lastRequestId: number): Promise<void> {
    const { hostRoomId, openedBy, openedAt, lastOrder } = session;
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO speak_sessions (host_room_id, opened_by, opened_at, last_order) VALUES (?, ?, ?, ?)
         ON CONFLICT (host_room_id) DO UPDATE SET opened_by = excluded.opened_by,
           opened_at = excluded.opened_at, last_order = excluded.last_order`,
        [hostRoomId, openedBy, openedAt, lastOrder],
      );
      await tx.run('DELETE FROM speak_requests WHERE host_room_id = ?', [hostRoomId]);
      for (const r of session.requests.filter(active))
        await tx.run(
          `INSERT INTO speak_requests (id, host_room_id, room_id, state, queue_order, requested_at, granted_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [r.id, hostRoomId, r.roomId, r.state, r.order, r.requestedAt, r.grantedAt],
        );
      await tx.run(
        `INSERT INTO speak_request_ids (only_row, last_id) VALUES (1, ?)
         ON CONFLICT (only_row) DO UPDATE SET last_id = excluded.last_id
         WHERE excluded.last_id > speak_request_ids.last_id`,
        [lastRequestId],
      );
    });
  }

  /** Closes a session: it and its queue go. */
  async remove(hostRoomId: string): Promise<boolean> {
    return (
      (await this.sql.run('DELETE FROM speak_sessions WHERE host_room_id = ?', [hostRoomId])).changes > 0
    );
  }

  async load(): Promise<StoredSpeak> {
    // One transaction: the sessions, their queues and the counter as one save left them.
    const { requests, sessionRows, lastId } = await this.sql.transaction(async (tx) => ({
      requests: await tx.all<RequestRow>('SELECT * FROM speak_requests ORDER BY host_room_id, queue_order'),
      sessionRows: await tx.all<SessionRow>('SELECT * FROM speak_sessions ORDER BY opened_at, host_room_id'),
      lastId: await tx.one<{ last_id: number }>('SELECT last_id FROM speak_request_ids WHERE only_row = 1'),
    }));
    const queues = new Map<string, SpeakRequest[]>();
    for (const r of requests) {
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
    const sessions = sessionRows.map(
      (s): SpeakSession => ({
        hostRoomId: s.host_room_id,
        openedBy: s.opened_by,
        openedAt: s.opened_at,
        lastOrder: s.last_order,
        requests: queues.get(s.host_room_id) ?? [],
      }),
    );
    return { sessions, lastRequestId: lastId?.last_id ?? 0 };
  }
}
