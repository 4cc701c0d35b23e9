/**
 * Events, telemetry samples and readiness transitions in SQLite, synchronously (better-sqlite3).
 * The hub runs this inside a worker thread (`store-worker.ts`) so that its own event loop never
 * waits on the disk; a row is committed before the hub acknowledges it, so it survives `kill -9`.
 */
import type { EventMessage, TelemetryMessage } from '../../shared/schemas.js';
import { applyMigrations, type Db, type Migration } from './database.js';
import {
  type EnergySample,
  type StoredEvent,
  type StoredTransition,
  type SyncStoreCalls,
  storedTransition,
  type TelemetrySample,
  type TransitionRow,
} from './store.js';

/** The store's tables, in order (exported so a test can make a database from before the last). */
export const storeMigrations: readonly Migration[] = [
  {
    id: 'events-1',
    sql: `CREATE TABLE events (
     id INTEGER PRIMARY KEY,
     room_id TEXT NOT NULL,
     boot_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     type TEXT NOT NULL,
     severity TEXT NOT NULL,
     data TEXT NOT NULL,
     ts TEXT NOT NULL,
     received_at TEXT NOT NULL,
     UNIQUE (room_id, boot_id, seq)
   );
   CREATE INDEX events_room ON events (room_id, id);
   CREATE TABLE readiness_transitions (
     id INTEGER PRIMARY KEY,
     room_id TEXT NOT NULL,
     level TEXT NOT NULL,
     reasons TEXT NOT NULL,
     at TEXT NOT NULL
   );
   CREATE INDEX transitions_room ON readiness_transitions (room_id, id);`,
  },
  {
    id: 'telemetry-1',
    sql: `CREATE TABLE telemetry_samples (
     room_id TEXT NOT NULL,
     ts TEXT NOT NULL,
     data TEXT NOT NULL,
     PRIMARY KEY (room_id, ts)
   ) WITHOUT ROWID;`,
  },
  {
    // Health and power apart (hub/readiness.ts): the power state of each transition; null before.
    id: 'transitions-power-1',
    sql: 'ALTER TABLE readiness_transitions ADD COLUMN power TEXT;',
  },
  {
    // A group's hubs each keep a sample of a room's period: one is stored (store.ts, insertSample).
    // Rows from before, and replayed samples, have none: left out of the index, they never conflict
    // (no row of a database from before is dropped, and the index starts empty).
    id: 'telemetry-bucket-1',
    sql: `ALTER TABLE telemetry_samples ADD COLUMN bucket TEXT;
    CREATE UNIQUE INDEX telemetry_samples_bucket ON telemetry_samples (room_id, bucket)
      WHERE bucket IS NOT NULL;`,
  },
];

interface EventRow {
  id: number;
  room_id: string;
  boot_id: string;
  seq: number;
  type: string;
  severity: string;
  data: string;
  ts: string;
  received_at: string;
}

function toEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    roomId: row.room_id,
    bootId: row.boot_id,
    seq: row.seq,
    type: row.type as StoredEvent['type'],
    severity: row.severity as StoredEvent['severity'],
    data: JSON.parse(row.data) as StoredEvent['data'],
    ts: row.ts,
    receivedAt: row.received_at,
  };
}

/** JSON text in SQLite. */
const toTransition = (row: TransitionRow<string>) =>
  storedTransition(row, (reasons) => JSON.parse(reasons) as string[]);

export class SqliteStore implements SyncStoreCalls {
  private readonly stmts;

  constructor(private readonly db: Db) {
    applyMigrations(db, storeMigrations);
    this.stmts = {
      insertEvent: this.db.prepare(
        `INSERT OR IGNORE INTO events (room_id, boot_id, seq, type, severity, data, ts, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      ),
      listEvents: this.db.prepare('SELECT * FROM events WHERE room_id = ? ORDER BY id DESC LIMIT ?'),
      listEventsAfter: this.db.prepare('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?'),
      lastEventId: this.db.prepare('SELECT coalesce(max(id), 0) AS id FROM events'),
      insertTransition: this.db.prepare(
        'INSERT INTO readiness_transitions (room_id, level, power, reasons, at) VALUES (?, ?, ?, ?, ?)',
      ),
      insertSample: this.db.prepare(
        'INSERT OR IGNORE INTO telemetry_samples (room_id, ts, data, bucket) VALUES (?, ?, ?, ?)',
      ),
      lastHeard: this.db.prepare(
        `SELECT room_id, MAX(at) AS at FROM (
           SELECT room_id, MAX(received_at) AS at FROM events GROUP BY room_id
           UNION ALL SELECT room_id, MAX(ts) AS at FROM telemetry_samples GROUP BY room_id
         ) GROUP BY room_id`,
      ),
      listSamples: this.db.prepare(
        'SELECT room_id, ts, data FROM telemetry_samples WHERE room_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?',
      ),
      // Before the range, each room's latest by (at, id): of two stored at the same time, the later
      // one is the level the room was left at, as the range itself is ordered.
      listTransitions: this.db.prepare(
        `SELECT id, room_id, level, power, reasons, at FROM readiness_transitions WHERE at >= @from AND at < @to
         UNION ALL
         SELECT id, room_id, level, power, reasons, at FROM (
           SELECT *, row_number() OVER (PARTITION BY room_id ORDER BY at DESC, id DESC) AS latest
           FROM readiness_transitions WHERE at < @from
         ) WHERE latest = 1
         ORDER BY at, id`,
      ),
      // One probe of a room's rows each: the rooms come as a JSON array, so one statement serves any number.
      lastTransitions: this.db.prepare(
        `SELECT t.room_id, t.level, t.power, t.reasons, t.at FROM json_each(?) AS r
         JOIN readiness_transitions t ON t.id = (
           SELECT id FROM readiness_transitions WHERE room_id = r.value ORDER BY at DESC, id DESC LIMIT 1
         )
         ORDER BY t.room_id`,
      ),
      lastEnergyPerBoot: this.db.prepare(
        `SELECT max(ts) AS ts, json_extract(data, '$.energy.sinceIso') AS since_iso,
           json_extract(data, '$.energy.usedWh') AS used_wh, json_extract(data, '$.energy.alwaysOnWh') AS always_on_wh
         FROM telemetry_samples
         WHERE room_id = ? AND ts >= ? AND ts < ? AND json_extract(data, '$.energy') IS NOT NULL
         GROUP BY since_iso ORDER BY ts`,
      ),
      // The sample just before: rooms with power control send energy in every sample.
      energyBefore: this.db.prepare(
        `SELECT ts, json_extract(data, '$.energy.sinceIso') AS since_iso,
           json_extract(data, '$.energy.usedWh') AS used_wh, json_extract(data, '$.energy.alwaysOnWh') AS always_on_wh
         FROM telemetry_samples WHERE room_id = ? AND ts < ? ORDER BY ts DESC LIMIT 1`,
      ),
    };
  }

  insertEvent(roomId: string, e: EventMessage, receivedAt: Date): StoredEvent | null {
    const row = this.stmts.insertEvent.get(
      roomId,
      e.bootId,
      e.seq,
      e.type,
      e.severity,
      JSON.stringify(e.data),
      e.ts,
      receivedAt.toISOString(),
    ) as EventRow | undefined;
    return row ? toEvent(row) : null;
  }

  listEvents(roomId: string, limit: number): StoredEvent[] {
    return (this.stmts.listEvents.all(roomId, limit) as EventRow[]).map(toEvent);
  }

  listEventsAfter(afterId: number, limit: number): StoredEvent[] {
    return (this.stmts.listEventsAfter.all(afterId, limit) as EventRow[]).map(toEvent);
  }

  lastEventId(): number {
    return (this.stmts.lastEventId.get() as { id: number }).id;
  }

  insertSample(roomId: string, telemetry: TelemetryMessage, bucket?: string): void {
    this.stmts.insertSample.run(roomId, telemetry.ts, JSON.stringify(telemetry), bucket ?? null);
  }

  lastHeard(): { roomId: string; at: Date }[] {
    const rows = this.stmts.lastHeard.all() as { room_id: string; at: string }[];
    return rows.map((r) => ({ roomId: r.room_id, at: new Date(r.at) }));
  }

  listSamples(roomId: string, from: Date, to: Date, limit: number): TelemetrySample[] {
    const rows = this.stmts.listSamples.all(roomId, from.toISOString(), to.toISOString(), limit) as {
      room_id: string;
      ts: string;
      data: string;
    }[];
    return rows.map((r) => ({
      roomId: r.room_id,
      ts: r.ts,
      telemetry: JSON.parse(r.data) as TelemetryMessage,
    }));
  }

  insertTransition(t: StoredTransition): void {
    this.stmts.insertTransition.run(t.roomId, t.level, t.power, JSON.stringify(t.reasons), t.at);
  }

  listTransitions(from: string, to: string): StoredTransition[] {
    return (this.stmts.listTransitions.all({ from, to }) as TransitionRow<string>[]).map(toTransition);
  }

  lastTransitions(roomIds: readonly string[]): StoredTransition[] {
    return (this.stmts.lastTransitions.all(JSON.stringify(roomIds)) as TransitionRow<string>[]).map(
      toTransition,
    );
  }

  listEnergy(roomId: string, from: string, to: string): EnergySample[] {
    type Row = { ts: string; since_iso: string | null; used_wh: number; always_on_wh: number };
    const before = this.stmts.energyBefore.get(roomId, from) as Row | undefined;
    const inRange = this.stmts.lastEnergyPerBoot.all(roomId, from, to) as Row[];
    return [...(before ? [before] : []), ...inRange].flatMap((r) =>
      r.since_iso === null
        ? []
        : [{ roomId, ts: r.ts, sinceIso: r.since_iso, usedWh: r.used_wh, alwaysOnWh: r.always_on_wh }],
    );
  }
}
