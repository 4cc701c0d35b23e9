/**
 * Broker accounts: one per room (username = room id) and the hub's own. The hub keeps only hashes:
 * scrypt for its embedded broker, and Mosquitto's PBKDF2 form for `hnth-hub export mosquitto`,
 * both computed once from the password when it is issued. Issuing a new password revokes the old
 * one at once (art. 6.1: the access account is kept secret; a leaked one is replaced).
 */
import type { Fleet } from '../../shared/fleet.js';
import { applyMigrations, type Db } from '../store/database.js';
import type { AuditLog } from './audit-log.js';
import { mosquittoHash } from './mosquitto-password.js';
import { accountsOf, identityOf, type MqttIdentity } from './mqtt-policy.js';
import { generatePassword, hashPasswordSync, verifyPassword } from './password-hash.js';

export class CredentialError extends Error {
  constructor(
    readonly code: 'unknown-account',
    message: string,
  ) {
    super(message);
    this.name = 'CredentialError';
  }
}

export interface StoredCredential {
  username: string;
  mosquittoHash: string;
  issuedAt: string;
}

const migrations = [
  {
    id: 'mqtt-credentials-1',
    sql: `CREATE TABLE mqtt_credentials (
      username TEXT PRIMARY KEY,
      scrypt_hash TEXT NOT NULL,
      mosquitto_hash TEXT NOT NULL,
      issued_at TEXT NOT NULL
    )`,
  },
];

export class MqttCredentials {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly fleet: Fleet,
    private readonly now: () => Date = () => new Date(),
  ) {
    applyMigrations(db, migrations);
  }

  /** Every account the broker knows: the hub's and one per room of the fleet. */
  accounts(): MqttIdentity[] {
    return accountsOf(this.fleet);
  }

  /** A new password for `username` (a room id or the hub's account), returned once; the old one stops working. */
  issue(username: string, actor: string): string {
    if (!identityOf(username, this.fleet)) {
      throw new CredentialError(
        'unknown-account',
        `"${username}" is neither a room of the fleet nor the hub's account; use a room id of the fleet (fleet.file, or shared/fleet.ts)`,
      );
    }
    const password = generatePassword();
    const scrypt = hashPasswordSync(password);
    const mosquitto = mosquittoHash(password);
    const issuedAt = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO mqtt_credentials (username, scrypt_hash, mosquitto_hash, issued_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET scrypt_hash = excluded.scrypt_hash,
           mosquitto_hash = excluded.mosquitto_hash, issued_at = excluded.issued_at`,
      )
      .run(username, scrypt, mosquitto, issuedAt);
    this.audit.record(actor, 'credentials.issue', { account: username });
    return password;
  }

  /** The identity these credentials prove, or null (unknown account, no password issued, wrong password). */
  async verify(username: string, password: string): Promise<MqttIdentity | null> {
    const identity = identityOf(username, this.fleet);
    const row = this.db
      .prepare('SELECT scrypt_hash FROM mqtt_credentials WHERE username = ?')
      .get(username) as { scrypt_hash: string } | undefined;
    if (!identity || !row) return null;
    return (await verifyPassword(password, row.scrypt_hash)) ? identity : null;
  }

  list(): StoredCredential[] {
    return (
      this.db
        .prepare('SELECT username, mosquitto_hash, issued_at FROM mqtt_credentials ORDER BY username')
        .all() as { username: string; mosquitto_hash: string; issued_at: string }[]
    ).map((r) => ({ username: r.username, mosquittoHash: r.mosquitto_hash, issuedAt: r.issued_at }));
  }
}
