/**
 * Events, telemetry samples and readiness transitions in PostgreSQL, for hub instances sharing one
 * store (DESIGN: past one machine). The same answers as `SqliteStore`, to the character: times are
 * kept as the ISO strings the rooms and the hub wrote, in text columns compared byte by byte
 * (`COLLATE "C"`, as SQLite compares), so ranges and orderings do not depend on the database's locale.
 *
 *   const store = await PgStore.open('postgres://hnth:secret@db.example:5432/hnth', log);
 */
import type pg from 'pg';
import type { Logger } from '../../shared/logger.js';
import type { EventMessage, TelemetryMessage } from '../../shared/schemas.js';
import type { Migration } from './database.js';
import { InFlight } from './in-flight.js';
import {
  applyPgMigrations,
  type CheckedPgPool,
  openCheckedPgPool,
  PG_POOL_SIZE,
  PgStoreError,
  reasonOf,
} from './pg-database.js';
import { RowBatch } from './row-batch.js';
import {
  type EnergySample,
  type HubStore,
  type StoreBacklog,
  type StoredEvent,
  type StoredTransition,
  storedTransition,
  type TelemetrySample,
  type TransitionRow,
} from './store.js';

/** The store's tables, in order (exported so a test can make a database from before the last). */
export const storeMigrations: readonly Migration[] = [
  {
    id: 'events-1',
    sql: `CREATE TABLE events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      room_id text COLLATE "C" NOT NULL,
      boot_id text COLLATE "C" NOT NULL,
      seq bigint NOT NULL,
      type text NOT NULL,
      severity text NOT NULL,
      data jsonb NOT NULL,
      ts text COLLATE "C" NOT NULL,
      received_at text COLLATE "C" NOT NULL,
      UNIQUE (room_id, boot_id, seq)
    );
    CREATE INDEX events_room ON events (room_id, id);
    CREATE TABLE readiness_transitions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      room_id text COLLATE "C" NOT NULL,
      level text NOT NULL,
      reasons jsonb NOT NULL,
      at text COLLATE "C" NOT NULL
    );
    CREATE INDEX transitions_room_at ON readiness_transitions (room_id, at, id);`,
  },
  {
    id: 'telemetry-1',
    sql: `CREATE TABLE telemetry_samples (
      room_id text COLLATE "C" NOT NULL,
      ts text COLLATE "C" NOT NULL,
      data jsonb NOT NULL,
      PRIMARY KEY (room_id, ts)
    );`,
  },
  {
    // Health and power apart (hub/readiness.ts): the power state of each transition; null before.
    id: 'transitions-power-1',
    sql: 'ALTER TABLE readiness_transitions ADD COLUMN power text;',
  },
  {
    // A group's hubs each keep a sample of a room's period: one is stored (store.ts, insertSample).
    // Rows from before, and replayed samples, have none: left out of the index, they never conflict
    // (no row of a database from before is dropped, and the index starts empty).
    id: 'telemetry-bucket-1',
    sql: `ALTER TABLE telemetry_samples ADD COLUMN bucket text COLLATE "C";
    CREATE UNIQUE INDEX telemetry_samples_bucket ON telemetry_samples (room_id, bucket)
      WHERE bucket IS NOT NULL;`,
  },
];

const sql = {
  insertEvent: `INSERT INTO events (room_id, boot_id, seq, type, severity, data, ts, received_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (room_id, boot_id, seq) DO NOTHING RETURNING *`,
  listEvents: 'SELECT * FROM events WHERE room_id = $1 ORDER BY id DESC LIMIT $2',
  listEventsAfter: 'SELECT * FROM events WHERE id > $1 ORDER BY id LIMIT $2',
  lastEventId: 'SELECT coalesce(max(id), 0) AS id FROM events',
  // Rows as arrays, one per column (row-batch.ts): one statement whatever their number; the ids
  // follow the order the rows were handed in.
  insertTransitions: `INSERT INTO readiness_transitions (room_id, level, power, reasons, at)
    SELECT r, l, p, re::jsonb, a
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(r, l, p, re, a, n)
    ORDER BY n`,
  // Either key, (room, ts) or (room, bucket), makes a repeat: no conflict target, so both count.
  insertSamples: `INSERT INTO telemetry_samples (room_id, ts, data, bucket)
    SELECT r, t, d::jsonb, b FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(r, t, d, b)
    ON CONFLICT DO NOTHING`,
  listSamples: `SELECT room_id, ts, data FROM telemetry_samples
    WHERE room_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4`,
  // PostgreSQL has no skip scan: the rooms are found one index probe each (a loose index scan)
  // rather than by reading every sample ever stored, which at scale would hold up the hub's start.
  lastHeard: `WITH RECURSIVE
      sample_rooms AS (
        SELECT min(room_id) AS room_id FROM telemetry_samples
        UNION ALL
        SELECT (SELECT min(room_id) FROM telemetry_samples WHERE room_id > r.room_id)
        FROM sample_rooms r WHERE r.room_id IS NOT NULL
      ),
      event_rooms AS (
        SELECT min(room_id) AS room_id FROM events
        UNION ALL
        SELECT (SELECT min(room_id) FROM events WHERE room_id > r.room_id)
        FROM event_rooms r WHERE r.room_id IS NOT NULL
      ),
      rooms AS (
        SELECT room_id FROM sample_rooms WHERE room_id IS NOT NULL
        UNION SELECT room_id FROM event_rooms WHERE room_id IS NOT NULL
      )
    SELECT room_id, greatest(
        (SELECT max(ts) FROM telemetry_samples s WHERE s.room_id = rooms.room_id),
        (SELECT max(received_at) FROM events e WHERE e.room_id = rooms.room_id)
      ) AS at
    FROM rooms ORDER BY room_id`,
  // Each room's last transition before the range is the latest by (at, id), as the range is ordered.
  listTransitions: `SELECT id, room_id, level, power, reasons, at FROM readiness_transitions WHERE at >= $1 AND at < $2
    UNION ALL
    (SELECT DISTINCT ON (room_id) id, room_id, level, power, reasons, at FROM readiness_transitions WHERE at < $1
     ORDER BY room_id, at DESC, id DESC)
    ORDER BY at, id`,
  // One index probe per room (room_id, at, id), however long the history: this runs as a hub takes
  // over a group's storing, when every room's latest row is wanted at once.
  lastTransitions: `SELECT t.room_id, t.level, t.power, t.reasons, t.at
    FROM unnest($1::text[]) AS r(room_id)
    CROSS JOIN LATERAL (SELECT room_id, level, power, reasons, at FROM readiness_transitions
      WHERE room_id = r.room_id COLLATE "C" ORDER BY at DESC, id DESC LIMIT 1) t
    ORDER BY t.room_id`,
  // The sample just before the range (rooms with power control send energy in every sample), then
  // the last sample with energy of each boot period within it.
  listEnergy: `(SELECT 0 AS part, ts, data #>> '{energy,sinceIso}' AS since_iso,
       data #> '{energy,usedWh}' AS used_wh, data #> '{energy,alwaysOnWh}' AS always_on_wh
     FROM telemetry_samples WHERE room_id = $1 AND ts < $2 ORDER BY ts DESC LIMIT 1)
    UNION ALL
    (SELECT DISTINCT ON (data #>> '{energy,sinceIso}') 1 AS part, ts, data #>> '{energy,sinceIso}',
       data #> '{energy,usedWh}', data #> '{energy,alwaysOnWh}'
     FROM telemetry_samples
     WHERE room_id = $1 AND ts >= $2 AND ts < $3 AND jsonb_typeof(data -> 'energy') <> 'null'
     ORDER BY data #>> '{energy,sinceIso}', ts DESC)
    ORDER BY part, ts`,
};

/**
 * Calls on the pool at once: its connections but a few, which stay free for the repositories when
 * they share it (hub/store/hub-stores.ts), so a burst of the rooms' reports never makes the lease
 * (hub/store/lease.ts) or a dashboard's query wait for the pool until pg gives up on it.
 */
export const STORE_CALLS_AT_ONCE = PG_POOL_SIZE - 3;

/** Rows in one batched statement: a few hundred kilobytes of samples at most. */
const ROWS_AT_ONCE = 500;

interface EventRow {
  id: string;
  room_id: string;
  boot_id: string;
  seq: string;
  type: string;
  severity: string;
  data: StoredEvent['data'];
  ts: string;
  received_at: string;
}

function toEvent(row: EventRow): StoredEvent {
  return {
    // bigint columns arrive as strings; ids and sequence numbers stay far below 2^53.
    id: Number(row.id),
    roomId: row.room_id,
    bootId: row.boot_id,
    seq: Number(row.seq),
    type: row.type as StoredEvent['type'],
    severity: row.severity as StoredEvent['severity'],
    data: row.data,
    ts: row.ts,
    receivedAt: row.received_at,
  };
}

/** jsonb: pg hands the reasons over parsed. */
const toTransition = (row: TransitionRow<string[]>) => storedTransition(row, (reasons) => reasons);

/**
 * Room and boot ids in these messages are JSON-quoted, so that what cannot be stored shows escaped.
 * PostgreSQL's text cannot hold the NUL character, and its jsonb refuses a lone UTF-16 surrogate;
 * SQLite stores both. `JSON.stringify` writes each of them as a `\u` escape (and a paired surrogate
 * as the character itself), so an escape of either, after an even number of backslashes, finds them.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/;

function storableText(what: string, value: string): string {
  if (value.includes('\0')) {
    throw new PgStoreError('unstorable-text', `${what} holds a NUL character, which PostgreSQL cannot store`);
  }
  return value;
}

function storableJson(what: string, value: unknown): string {
  const json = JSON.stringify(value);
  if (UNSTORABLE_ESCAPE.test(json)) {
    throw new PgStoreError(
      'unstorable-text',
      `${what} holds a NUL character or a lone UTF-16 surrogate, which PostgreSQL cannot store`,
    );
  }
  return json;
}

export class PgStore implements HubStore {
  /** The calls handed to the pool and not yet answered. */
  private readonly pending = new InFlight();
  private closing: Promise<void> | null = null;
  /**
   * Calls on the pool at once, never more than `STORE_CALLS_AT_ONCE`: pg's own queue fails a call
   * that waited longer than the connection timeout, and under a burst (thousands of rooms coming
   * online) calls that were only late failed. Past it they wait here, in order, counted in the backlog.
   */
  private running = 0;
  private readonly queued: (() => void)[] = [];
  /** The rooms' samples and transitions, written in batches (row-batch.ts): one commit for many. */
  private readonly samples = new RowBatch(this.writeRows(sql.insertSamples, 4), ROWS_AT_ONCE);
  private readonly transitions = new RowBatch(this.writeRows(sql.insertTransitions, 5), ROWS_AT_ONCE);

  private constructor(
    private readonly pool: pg.Pool,
    private readonly target: string,
    /** Whether closing the store ends the pool: not when the pool is shared, and its opener ends it. */
    private readonly ownsPool: boolean,
  ) {}

  /** Connects and brings the schema up to date; rejects naming the database (never the password). */
  static async open(url: string, log?: Logger): Promise<PgStore> {
    const checked = await openCheckedPgPool(url, log);
    try {
      return await PgStore.migrated(checked, true);
    } catch (err) {
      await checked.pool.end();
      throw err;
    }
  }

  /**
   * The store on a pool another part shares (the hub's one pool, hub/store/hub-stores.ts): its
   * schema brought up to date; closing it waits for its calls and leaves the pool to its opener.
   */
  static on(shared: CheckedPgPool): Promise<PgStore> {
    return PgStore.migrated(shared, false);
  }

  private static async migrated({ pool, target }: CheckedPgPool, ownsPool: boolean): Promise<PgStore> {
    try {
      await applyPgMigrations(pool, storeMigrations);
    } catch (err) {
      const message = `could not bring up to date the PostgreSQL store at ${target}: ${reasonOf(err)}`;
      throw new PgStoreError('failed', message, { cause: err });
    }
    return new PgStore(pool, target, ownsPool);
  }

  insertEvent(roomId: string, e: EventMessage, receivedAt: Date): Promise<StoredEvent | null> {
    return this.run('insertEvent', async () => {
      const what = `event ${JSON.stringify(e.bootId)}/${e.seq} of room ${JSON.stringify(roomId)}`;
      const { rows } = await this.pool.query<EventRow>(sql.insertEvent, [
        storableText(`the room id of ${what}`, roomId),
        storableText(`the boot id of ${what}`, e.bootId),
        e.seq,
        e.type,
        e.severity,
        storableJson(`the data of ${what}`, e.data),
        e.ts,
        receivedAt.toISOString(),
      ]);
      return rows[0] ? toEvent(rows[0]) : null;
    });
  }

  listEvents(roomId: string, limit: number): Promise<StoredEvent[]> {
    return this.run('listEvents', async () => {
      const { rows } = await this.pool.query<EventRow>(sql.listEvents, [roomId, limit]);
      return rows.map(toEvent);
    });
  }

  listEventsAfter(afterId: number, limit: number): Promise<StoredEvent[]> {
    return this.run('listEventsAfter', async () => {
      const { rows } = await this.pool.query<EventRow>(sql.listEventsAfter, [afterId, limit]);
      return rows.map(toEvent);
    });
  }

  lastEventId(): Promise<number> {
    return this.run('lastEventId', async () => {
      const { rows } = await this.pool.query<{ id: string }>(sql.lastEventId);
      return Number(rows[0]!.id);
    });
  }

  insertTransition(t: StoredTransition): Promise<void> {
    return this.track('insertTransition', async () => {
      const what = `the ${t.level} transition of room ${JSON.stringify(t.roomId)} at ${t.at}`;
      return this.transitions.add([
        storableText(`the room id of ${what}`, t.roomId),
        t.level,
        t.power,
        storableJson(`the reasons of ${what}`, t.reasons),
        t.at,
      ]);
    });
  }

  insertSample(roomId: string, telemetry: TelemetryMessage, bucket?: string): Promise<void> {
    return this.track('insertSample', async () => {
      const what = `the telemetry of room ${JSON.stringify(roomId)} at ${telemetry.ts}`;
      return this.samples.add([
        storableText(`the room id of ${what}`, roomId),
        telemetry.ts,
        storableJson(what, telemetry),
        bucket ?? null,
      ]);
    });
  }

  listSamples(roomId: string, from: Date, to: Date, limit: number): Promise<TelemetrySample[]> {
    return this.run('listSamples', async () => {
      const { rows } = await this.pool.query<{ room_id: string; ts: string; data: TelemetryMessage }>(
        sql.listSamples,
        [roomId, from.toISOString(), to.toISOString(), limit],
      );
      return rows.map((r) => ({ roomId: r.room_id, ts: r.ts, telemetry: r.data }));
    });
  }

  lastHeard(): Promise<{ roomId: string; at: Date }[]> {
    return this.run('lastHeard', async () => {
      const { rows } = await this.pool.query<{ room_id: string; at: string }>(sql.lastHeard);
      return rows.map((r) => ({ roomId: r.room_id, at: new Date(r.at) }));
    });
  }

  listTransitions(from: string, to: string): Promise<StoredTransition[]> {
    return this.run('listTransitions', async () => {
      const { rows } = await this.pool.query<TransitionRow<string[]>>(sql.listTransitions, [from, to]);
      return rows.map(toTransition);
    });
  }

  lastTransitions(roomIds: readonly string[]): Promise<StoredTransition[]> {
    return this.run('lastTransitions', async () => {
      const { rows } = await this.pool.query<TransitionRow<string[]>>(sql.lastTransitions, [roomIds]);
      return rows.map(toTransition);
    });
  }

  listEnergy(roomId: string, from: string, to: string): Promise<EnergySample[]> {
    return this.run('listEnergy', async () => {
      type Row = { ts: string; since_iso: string | null; used_wh: number; always_on_wh: number };
      const { rows } = await this.pool.query<Row>(sql.listEnergy, [roomId, from, to]);
      return rows.flatMap((r) =>
        r.since_iso === null
          ? []
          : [{ roomId, ts: r.ts, sinceIso: r.since_iso, usedWh: r.used_wh, alwaysOnWh: r.always_on_wh }],
      );
    });
  }

  backlog(): StoreBacklog {
    return this.pending.backlog();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.pending.settled();
      if (this.ownsPool) await this.pool.end();
    })();
    return this.closing;
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < STORE_CALLS_AT_ONCE) this.running++;
    // A slot freed by a call that ends is handed straight to the first waiting.
    else await new Promise<void>((resolve) => this.queued.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.queued.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Runs one call, counted in the backlog until answered; any failure rejects naming the call and the database. */
  private run<T>(call: string, work: () => Promise<T>): Promise<T> {
    return this.track(call, () => this.slot(work));
  }

  /** Writes rows of one kind as one statement, each column an array ($1 the first column's values). */
  private writeRows(statement: string, width: number): (rows: readonly (string | null)[][]) => Promise<void> {
    return (rows) =>
      this.slot(async () => {
        const columns = Array.from({ length: width }, (_, c) => rows.map((row) => row[c] ?? null));
        await this.pool.query(statement, columns);
      });
  }

  /** Counts a call in the backlog until answered; any failure rejects naming the call and the database. */
  private track<T>(call: string, started: () => Promise<T>): Promise<T> {
    if (this.closing) {
      return Promise.reject(
        new PgStoreError('closed', `PostgreSQL store at ${this.target}: ${call} after the store was closed`),
      );
    }
    const answer = started().catch((err: unknown) => {
      if (err instanceof PgStoreError) throw err;
      throw new PgStoreError(
        'failed',
        `PostgreSQL store at ${this.target}: ${call} failed: ${reasonOf(err)}`,
        {
          cause: err,
        },
      );
    });
    return this.pending.track(answer);
  }
}
