/**
 * The codec configurations the operator approved (art. 5.3: no one changes the equipment's
 * configuration parameters), the fleet's templates, and what each room answered when its approved
 * configuration was delivered: in the hub's store, so approvals and the drift they reveal
 * survive a restart of the hub.
 */
import { type Sql, type SqlMigration, violationOf } from '../store/sql.js';

export const approvedConfigsMigrations: SqlMigration[] = [
  {
    id: 'codec-config-1',
    sqlite: `CREATE TABLE approved_configs (
     room_id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     config_values TEXT NOT NULL,
     hash TEXT NOT NULL,
     approved_at TEXT NOT NULL,
     approved_by TEXT NOT NULL,
     source TEXT NOT NULL
   );
   CREATE TABLE config_templates (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     kind TEXT NOT NULL,
     config_values TEXT NOT NULL,
     created_at TEXT NOT NULL,
     created_by TEXT NOT NULL
   );
   CREATE TABLE config_deliveries (
     room_id TEXT PRIMARY KEY,
     hash TEXT NOT NULL,
     boot_id TEXT,
     delivered_at TEXT NOT NULL,
     drifts TEXT NOT NULL
   );`,
    pg: `CREATE TABLE approved_configs (
      room_id text COLLATE "C" PRIMARY KEY,
      kind text NOT NULL,
      config_values text NOT NULL,
      hash text NOT NULL,
      approved_at text COLLATE "C" NOT NULL,
      approved_by text NOT NULL,
      source text NOT NULL
    );
    CREATE TABLE config_templates (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text COLLATE "C" NOT NULL UNIQUE,
      kind text NOT NULL,
      config_values text NOT NULL,
      created_at text COLLATE "C" NOT NULL,
      created_by text NOT NULL
    );
    CREATE TABLE config_deliveries (
      room_id text COLLATE "C" PRIMARY KEY,
      hash text NOT NULL,
      boot_id text,
      delivered_at text COLLATE "C" NOT NULL,
      drifts text NOT NULL
    );`,
  },
];

/** A value the codec holds that differs from its approved one. */
export interface ConfigDrift {
  key: string;
  approved: string;
  /** The value the codec holds (null: it has none); absent when the room named only the key. */
  found?: string | null;
}

export interface ApprovedConfig {
  roomId: string;
  /** The API the keys are named in: `xapi`, `poly` or `sim`. */
  kind: string;
  values: Record<string, string>;
  hash: string;
  approvedAt: string;
  approvedBy: string;
  /** `current` (the room's own values) or `template:<id>`. */
  source: string;
}

export interface ConfigTemplate {
  id: number;
  name: string;
  kind: string;
  values: Record<string, string>;
  createdAt: string;
  createdBy: string;
}

/** The room's answer to its latest delivery, kept current by its drift events since. */
export interface ConfigDelivery {
  roomId: string;
  hash: string;
  /** The agent's run it was delivered to: a new run gets it again. */
  bootId: string | null;
  deliveredAt: string;
  drifts: ConfigDrift[];
}

interface ApprovedRow {
  room_id: string;
  kind: string;
  config_values: string;
  hash: string;
  approved_at: string;
  approved_by: string;
  source: string;
}

interface TemplateRow {
  id: number;
  name: string;
  kind: string;
  config_values: string;
  created_at: string;
  created_by: string;
}

interface DeliveryRow {
  room_id: string;
  hash: string;
  boot_id: string | null;
  delivered_at: string;
  drifts: string;
}

const toApproved = (r: ApprovedRow): ApprovedConfig => ({
  roomId: r.room_id,
  kind: r.kind,
  values: JSON.parse(r.config_values) as Record<string, string>,
  hash: r.hash,
  approvedAt: r.approved_at,
  approvedBy: r.approved_by,
  source: r.source,
});

const toTemplate = (r: TemplateRow): ConfigTemplate => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  values: JSON.parse(r.config_values) as Record<string, string>,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

const toDelivery = (r: DeliveryRow): ConfigDelivery => ({
  roomId: r.room_id,
  hash: r.hash,
  bootId: r.boot_id,
  deliveredAt: r.delivered_at,
  drifts: JSON.parse(r.drifts) as ConfigDrift[],
});

export class ApprovedConfigsRepo {
  constructor(private readonly sql: Sql) {}

  async approve(c: ApprovedConfig): Promise<void> {
    await this.sql.run(
      `INSERT INTO approved_configs (room_id, kind, config_values, hash, approved_at, approved_by, source)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (room_id) DO UPDATE SET kind = excluded.kind, config_values = excluded.config_values,
         hash = excluded.hash, approved_at = excluded.approved_at, approved_by = excluded.approved_by,
         source = excluded.source`,
      [c.roomId, c.kind, JSON.stringify(c.values), c.hash, c.approvedAt, c.approvedBy, c.source],
    );
  }

  async approved(roomId: string): Promise<ApprovedConfig | null> {
    const row = await this.sql.one<ApprovedRow>('SELECT * FROM approved_configs WHERE room_id = ?', [roomId]);
    return row ? toApproved(row) : null;
  }

  /** The rooms that have an approved configuration (one query for the fleet, not one per room). */
  async approvedRoomIds(): Promise<string[]> {
    const rows = await this.sql.all<{ room_id: string }>('SELECT room_id FROM approved_configs');
    return rows.map((r) => r.room_id);
  }

  /** A new template; refused when the name is taken, by the database, so two hubs cannot both take it. */
  async addTemplate(t: Omit<ConfigTemplate, 'id'>): Promise<ConfigTemplate | { error: 'name-taken' }> {
    try {
      const row = await this.sql.one<{ id: number }>(
        'INSERT INTO config_templates (name, kind, config_values, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id',
        [t.name, t.kind, JSON.stringify(t.values), t.createdAt, t.createdBy],
      );
      return { id: row!.id, ...t };
    } catch (err) {
      if (violationOf(err) === 'unique') return { error: 'name-taken' };
      throw err;
    }
  }

  async template(id: number): Promise<ConfigTemplate | null> {
    const row = await this.sql.one<TemplateRow>('SELECT * FROM config_templates WHERE id = ?', [id]);
    return row ? toTemplate(row) : null;
  }

  async templates(): Promise<ConfigTemplate[]> {
    return (await this.sql.all<TemplateRow>('SELECT * FROM config_templates ORDER BY name')).map(toTemplate);
  }

  async delivered(d: ConfigDelivery): Promise<void> {
    await this.sql.run(
      `INSERT INTO config_deliveries (room_id, hash, boot_id, delivered_at, drifts) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (room_id) DO UPDATE SET hash = excluded.hash, boot_id = excluded.boot_id,
         delivered_at = excluded.delivered_at, drifts = excluded.drifts`,
      [d.roomId, d.hash, d.bootId, d.deliveredAt, JSON.stringify(d.drifts)],
    );
  }

  /** The room's drift as its latest event said, between deliveries. */
  async setDrifts(roomId: string, drifts: ConfigDrift[]): Promise<void> {
    await this.sql.run('UPDATE config_deliveries SET drifts = ? WHERE room_id = ?', [
      JSON.stringify(drifts),
      roomId,
    ]);
  }

  async delivery(roomId: string): Promise<ConfigDelivery | null> {
    const row = await this.sql.one<DeliveryRow>('SELECT * FROM config_deliveries WHERE room_id = ?', [
      roomId,
    ]);
    return row ? toDelivery(row) : null;
  }

  /** Every room's latest delivery, by room. */
  async deliveries(): Promise<ConfigDelivery[]> {
    return (await this.sql.all<DeliveryRow>('SELECT * FROM config_deliveries ORDER BY room_id')).map(
      toDelivery,
    );
  }
}
