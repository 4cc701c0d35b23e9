/**
 * The codec configurations the operator approved (art. 5.3: no one changes the equipment's
 * configuration parameters), the fleet's templates, and what each room answered when its approved
 * configuration was delivered: in the hub's SQLite file, so approvals and the drift they reveal
 * survive a restart of the hub.
 */
import { applyMigrations, type Db, type Migration } from '../store/database.js';

const migrations: Migration[] = [
  {
    id: 'codec-config-1',
    sql: `CREATE TABLE approved_configs (
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
  constructor(private readonly db: Db) {
    applyMigrations(db, migrations);
  }

  approve(c: ApprovedConfig): void {
    this.db
      .prepare(
        `INSERT INTO approved_configs (room_id, kind, config_values, hash, approved_at, approved_by, source)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (room_id) DO UPDATE SET kind = excluded.kind, config_values = excluded.config_values,
           hash = excluded.hash, approved_at = excluded.approved_at, approved_by = excluded.approved_by,
           source = excluded.source`,
      )
      .run(c.roomId, c.kind, JSON.stringify(c.values), c.hash, c.approvedAt, c.approvedBy, c.source);
  }

  approved(roomId: string): ApprovedConfig | null {
    const row = this.db.prepare('SELECT * FROM approved_configs WHERE room_id = ?').get(roomId) as
      | ApprovedRow
      | undefined;
    return row ? toApproved(row) : null;
  }

  addTemplate(t: Omit<ConfigTemplate, 'id'>): ConfigTemplate | { error: 'name-taken' } {
    if (this.db.prepare('SELECT 1 FROM config_templates WHERE name = ?').get(t.name))
      return { error: 'name-taken' };
    const { id } = this.db
      .prepare(
        'INSERT INTO config_templates (name, kind, config_values, created_at, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id',
      )
      .get(t.name, t.kind, JSON.stringify(t.values), t.createdAt, t.createdBy) as { id: number };
    return { id, ...t };
  }

  template(id: number): ConfigTemplate | null {
    const row = this.db.prepare('SELECT * FROM config_templates WHERE id = ?').get(id) as
      | TemplateRow
      | undefined;
    return row ? toTemplate(row) : null;
  }

  templates(): ConfigTemplate[] {
    return (this.db.prepare('SELECT * FROM config_templates ORDER BY name').all() as TemplateRow[]).map(
      toTemplate,
    );
  }

  delivered(d: ConfigDelivery): void {
    this.db
      .prepare(
        `INSERT INTO config_deliveries (room_id, hash, boot_id, delivered_at, drifts) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (room_id) DO UPDATE SET hash = excluded.hash, boot_id = excluded.boot_id,
           delivered_at = excluded.delivered_at, drifts = excluded.drifts`,
      )
      .run(d.roomId, d.hash, d.bootId, d.deliveredAt, JSON.stringify(d.drifts));
  }

  /** The room's drift as its latest event said, between deliveries. */
  setDrifts(roomId: string, drifts: ConfigDrift[]): void {
    this.db
      .prepare('UPDATE config_deliveries SET drifts = ? WHERE room_id = ?')
      .run(JSON.stringify(drifts), roomId);
  }

  delivery(roomId: string): ConfigDelivery | null {
    const row = this.db.prepare('SELECT * FROM config_deliveries WHERE room_id = ?').get(roomId) as
      | DeliveryRow
      | undefined;
    return row ? toDelivery(row) : null;
  }

  deliveries(): ConfigDelivery[] {
    return (this.db.prepare('SELECT * FROM config_deliveries').all() as DeliveryRow[]).map(toDelivery);
  }
}
