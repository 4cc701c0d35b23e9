/** Contacts in SQLite: one technician per room and one on-call technician per partner. */
import { applyMigrations, type Db, type Migration } from '../store/database.js';
import type { Contact, OwnerKind } from './contact-rules.js';

const migrations: Migration[] = [
  {
    id: 'contacts-1',
    sql: `CREATE TABLE contacts (
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

export class ContactsRepo {
  private readonly stmts;

  constructor(private readonly db: Db) {
    applyMigrations(db, migrations);
    this.stmts = {
      upsert: db.prepare(
        `INSERT INTO contacts (kind, owner_id, name, unit, position, phone, email, updated_at, confirmed_at, bounced)
         VALUES (@kind, @ownerId, @name, @unit, @position, @phone, @email, @updatedAt, @confirmedAt, @bounced)
         ON CONFLICT (kind, owner_id) DO UPDATE SET name = excluded.name, unit = excluded.unit,
           position = excluded.position, phone = excluded.phone, email = excluded.email,
           updated_at = excluded.updated_at, confirmed_at = excluded.confirmed_at, bounced = excluded.bounced`,
      ),
      get: db.prepare('SELECT * FROM contacts WHERE kind = ? AND owner_id = ?'),
      all: db.prepare('SELECT * FROM contacts ORDER BY kind DESC, owner_id'),
      remove: db.prepare('DELETE FROM contacts WHERE kind = ? AND owner_id = ?'),
      confirm: db.prepare('UPDATE contacts SET confirmed_at = ? WHERE kind = ? AND owner_id = ? RETURNING *'),
      bounce: db.prepare('UPDATE contacts SET bounced = 1 WHERE lower(email) = lower(?) RETURNING *'),
    };
  }

  put(contact: Contact): Contact {
    this.stmts.upsert.run({ ...contact, bounced: contact.bounced ? 1 : 0 });
    return contact;
  }

  /** Writes all or none, for an import. */
  putAll(contacts: readonly Contact[]): void {
    this.db.transaction(() => {
      for (const c of contacts) this.put(c);
    })();
  }

  get(kind: OwnerKind, ownerId: string): Contact | null {
    const row = this.stmts.get.get(kind, ownerId) as Row | undefined;
    return row ? toContact(row) : null;
  }

  all(): Contact[] {
    return (this.stmts.all.all() as Row[]).map(toContact);
  }

  remove(kind: OwnerKind, ownerId: string): boolean {
    return this.stmts.remove.run(kind, ownerId).changes > 0;
  }

  confirm(kind: OwnerKind, ownerId: string, at: string): Contact | null {
    const row = this.stmts.confirm.get(at, kind, ownerId) as Row | undefined;
    return row ? toContact(row) : null;
  }

  /** Flags every contact with this address as bounced; returns them. */
  markBounced(email: string): Contact[] {
    return (this.stmts.bounce.all(email) as Row[]).map(toContact);
  }
}
