/** Contacts: one technician per room and one on-call technician per partner. */
import type { Sql, SqlMigration } from '../store/sql.js';
import type { Contact, OwnerKind } from './contact-rules.js';

export const contactsMigrations: SqlMigration[] = [
  {
    id: 'contacts-1',
    sqlite: `CREATE TABLE contacts (
      kind TEXT NOT NULL CHECK (kind IN ('room', 'partner')),
      owner_id TEXT NOT NULL,
      name TEXT NOT NULL,
      unit TEXT NOT NULL,
      position TEXT NOT NULL,
      phone TEXT NOT NULL,
      email TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      confirmed_at TEXT NOT NULL,
      bounced INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (kind, owner_id)
    );
    CREATE INDEX contacts_email ON contacts (lower(email));`,
    // Email in "C" too: lower() then folds ASCII only, as SQLite's does.
    pg: `CREATE TABLE contacts (
      kind text COLLATE "C" NOT NULL CHECK (kind IN ('room', 'partner')),
      owner_id text COLLATE "C" NOT NULL,
      name text NOT NULL,
      unit text NOT NULL,
      position text NOT NULL,
      phone text NOT NULL,
      email text COLLATE "C" NOT NULL,
      updated_at text COLLATE "C" NOT NULL,
      confirmed_at text COLLATE "C" NOT NULL,
      bounced integer NOT NULL DEFAULT 0,
      PRIMARY KEY (kind, owner_id)
    );
    CREATE INDEX contacts_email ON contacts (lower(email));`,
  },
];

interface Row {
  kind: OwnerKind;
  owner_id: string;
  name: string;
  unit: string;
  position: string;
  phone: string;
  email: string;
  updated_at: string;
  confirmed_at: string;
  bounced: number;
}

function toContact(r: Row): Contact {
  return {
    kind: r.kind,
    ownerId: r.owner_id,
    name: r.name,
    unit: r.unit,
    position: r.position,
    phone: r.phone,
    email: r.email,
    updatedAt: r.updated_at,
    confirmedAt: r.confirmed_at,
    bounced: r.bounced === 1,
  };
}

const UPSERT = `INSERT INTO contacts (kind, owner_id, name, unit, position, phone, email, updated_at, confirmed_at, bounced)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (kind, owner_id) DO UPDATE SET name = excluded.name, unit = excluded.unit,
    position = excluded.position, phone = excluded.phone, email = excluded.email,
    updated_at = excluded.updated_at, confirmed_at = excluded.confirmed_at, bounced = excluded.bounced`;

function upsert(sql: Sql, c: Contact) {
  return sql.run(UPSERT, [
    c.kind,
    c.ownerId,
    c.name,
    c.unit,
    c.position,
    c.phone,
    c.email,
    c.updatedAt,
    c.confirmedAt,
    c.bounced ? 1 : 0,
  ]);
}

export class ContactsRepo {
  constructor(private readonly sql: Sql) {}

  async put(contact: Contact): Promise<Contact> {
    await upsert(this.sql, contact);
    return contact;
  }

  /** Writes all or none, for an import. */
  async putAll(contacts: readonly Contact[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const c of contacts) await upsert(tx, c);
    });
  }

  async get(kind: OwnerKind, ownerId: string): Promise<Contact | null> {
    const row = await this.sql.one<Row>('SELECT * FROM contacts WHERE kind = ? AND owner_id = ?', [
      kind,
      ownerId,
    ]);
    return row ? toContact(row) : null;
  }

  /** Rooms first, then partners, each by id. */
  async all(): Promise<Contact[]> {
    return (await this.sql.all<Row>('SELECT * FROM contacts ORDER BY kind DESC, owner_id')).map(toContact);
  }

  async remove(kind: OwnerKind, ownerId: string): Promise<boolean> {
    return (
      (await this.sql.run('DELETE FROM contacts WHERE kind = ? AND owner_id = ?', [kind, ownerId])).changes >
      0
    );
  }

  async confirm(kind: OwnerKind, ownerId: string, at: string): Promise<Contact | null> {
    const row = await this.sql.one<Row>(
      'UPDATE contacts SET confirmed_at = ? WHERE kind = ? AND owner_id = ? RETURNING *',
      [at, kind, ownerId],
    );
    return row ? toContact(row) : null;
  }

  /** Flags every contact with this address as bounced; returns them. */
  async markBounced(email: string): Promise<Contact[]> {
    const rows = await this.sql.all<Row>(
      'UPDATE contacts SET bounced = 1 WHERE lower(email) = lower(?) RETURNING *',
      [email],
    );
    return rows.map(toContact);
  }
}
