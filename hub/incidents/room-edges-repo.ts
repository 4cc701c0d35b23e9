/**
 * In a hub group, the latest edge a hub saw of a room itself (its flood raised or over), one row per
 * room and flag. The live relay tells the group's other hubs at once; this row is what a hub whose
 * relay lost that news reads back (./group-edges.ts). `version` counts the row's writes: the row is
 * locked while written, so a higher version is always the later edge, whichever hub wrote it and
 * whatever its clock said.
 */
import type { Sql, SqlMigration } from '../store/sql.js';

export const roomEdgesMigrations: SqlMigration[] = [
  {
    id: 'room-edges-1',
    sqlite: `CREATE TABLE room_edges (
      room_id TEXT NOT NULL,
      flag TEXT NOT NULL,
      edge TEXT NOT NULL,
      data TEXT NOT NULL,
      version INTEGER NOT NULL,
      PRIMARY KEY (room_id, flag)
    )`,
    pg: `CREATE TABLE room_edges (
      room_id text COLLATE "C" NOT NULL,
      flag text COLLATE "C" NOT NULL,
      edge text NOT NULL,
      data text NOT NULL,
      version bigint NOT NULL,
      PRIMARY KEY (room_id, flag)
    )`,
  },
];

export interface RoomEdge {
  roomId: string;
  /** The incident rules' flag the edge raises or clears (`flood`). */
  flag: string;
  /** The edge's event type (`mqtt.flood`, `mqtt.flood-over`). */
  edge: string;
  data: Record<string, unknown>;
}

export interface StoredRoomEdge extends RoomEdge {
  version: number;
}

interface Row {
  room_id: string;
  flag: string;
  edge: string;
  data: string;
  version: number | string;
}

export class RoomEdgesRepo {
  constructor(private readonly sql: Sql) {}

  /** Stores `edge` over the room's previous one of its flag; resolves with its version. */
  async save(edge: RoomEdge): Promise<number> {
    const row = await this.sql.one<{ version: number | string }>(
      `INSERT INTO room_edges (room_id, flag, edge, data, version) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (room_id, flag) DO UPDATE
         SET edge = excluded.edge, data = excluded.data, version = room_edges.version + 1
       RETURNING version`,
      [edge.roomId, edge.flag, edge.edge, JSON.stringify(edge.data)],
    );
    return Number(row!.version);
  }

  async list(): Promise<StoredRoomEdge[]> {
    const rows = await this.sql.all<Row>('SELECT * FROM room_edges ORDER BY room_id, flag');
    return rows.map((r) => ({
      roomId: r.room_id,
      flag: r.flag,
      edge: r.edge,
      data: JSON.parse(r.data) as Record<string, unknown>,
      version: Number(r.version),
    }));
  }
}
