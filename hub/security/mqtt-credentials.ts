/**
 * Broker accounts: one per room (username = room id) and the hub's own. The hub keeps only hashes:
 * scrypt for its embedded broker, and Mosquitto's PBKDF2 form for `hnth-hub export mosquitto`,
 * both computed once from the password when it is issued. Issuing a new password revokes the old
 * one at once (art. 6.1: the access account is kept secret; a leaked one is replaced).
 *
 * A room's account can be disabled (a room that flooded the broker, hub/broker/flood-guard.ts): it
 * then proves nothing and is left out of the exported Mosquitto password file. Issuing it a new
 * password enables it again: a controller that flooded is treated as compromised until someone has
 * looked at it and given it a fresh secret.
 */
import { systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { Sql, SqlMigration } from '../store/sql.js';
import type { AuditLog } from './audit-log.js';
import { mosquittoHashAsync } from './mosquitto-password.js';
import { accountsOf, identityOf, type MqttIdentity } from './mqtt-policy.js';
import { generatePassword, hashPassword, verifyPassword } from './password-hash.js';

export class CredentialError extends Error {
  constructor(
    readonly code: 'unknown-account',
    message: string,
  ) {
    super(message);
    this.name = 'CredentialError';
  }
}

/** A new password and its two hashes, computed but not yet stored (MqttCredentials.prepare, storeAll). */
export interface PreparedCredential {
  username: string;
  password: string;
  scryptHash: string;
  mosquittoHash: string;
}

export interface StoredCredential {
  username: string;
  mosquittoHash: string;
  issuedAt: string;
  /** When and why the account was disabled; null while it works. */
  disabled: { at: string; reason: string } | null;
}

export const mqttCredentialsMigrations: SqlMigration[] = [
  {
    id: 'mqtt-credentials-1',
    sqlite: `CREATE TABLE mqtt_credentials (
      username TEXT PRIMARY KEY,
      scrypt_hash TEXT NOT NULL,
      mosquitto_hash TEXT NOT NULL,
      issued_at TEXT NOT NULL
    )`,
    pg: `CREATE TABLE mqtt_credentials (
      username text COLLATE "C" PRIMARY KEY,
      scrypt_hash text NOT NULL,
      mosquitto_hash text NOT NULL,
      issued_at text COLLATE "C" NOT NULL
    )`,
  },
  {
    id: 'mqtt-credentials-2',
    sqlite: `ALTER TABLE mqtt_credentials ADD COLUMN disabled_at TEXT;
      ALTER TABLE mqtt_credentials ADD COLUMN disabled_reason TEXT;`,
    pg: `ALTER TABLE mqtt_credentials ADD COLUMN disabled_at text COLLATE "C";
      ALTER TABLE mqtt_credentials ADD COLUMN disabled_reason text;`,
  },
];

const UPSERT = `INSERT INTO mqtt_credentials (username, scrypt_hash, mosquitto_hash, issued_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (username) DO UPDATE SET scrypt_hash = excluded.scrypt_hash,
    mosquitto_hash = excluded.mosquitto_hash, issued_at = excluded.issued_at,
    disabled_at = NULL, disabled_reason = NULL`;

export class MqttCredentials {
  constructor(
    private readonly sql: Sql,
    private readonly audit: Pick<AuditLog, 'record'>,
    readonly fleet: Fleet,
    private readonly now: () => Date = systemClock.now,
  ) {}

  /** Every account the broker knows: the hub's and one per room of the fleet. */
  accounts(): MqttIdentity[] {
    return accountsOf(this.fleet);
  }

  /** A new password for `username` (a room id or the hub's account), returned once; the old one stops working. */
  async issue(username: string, actor: string): Promise<string> {
    const prepared = await this.prepare(username);
    await this.sql.run(UPSERT, this.row(prepared));
    this.audit.record(actor, 'credentials.issue', { account: username });
    return prepared.password;
  }

  /**
   * A new password for `username` with its hashes, computed on the libuv pool so that many can be
   * computed at once (`hnth-hub credentials issue --all`); nothing changes until storeAll.
   */
  async prepare(username: string): Promise<PreparedCredential> {
    this.checkAccount(username);
    const password = generatePassword();
    const [scryptHash, mosquitto] = await Promise.all([hashPassword(password), mosquittoHashAsync(password)]);
    return { username, password, scryptHash, mosquittoHash: mosquitto };
  }

  /**
   * Stores prepared passwords in one transaction, each replacing its account's old one. The caller
   * hands the passwords out next, and a password handed out must survive even a power cut: on
   * SQLite the commit is flushed to disk before it returns (synchronous FULL for it alone);
   * PostgreSQL flushes every commit already.
   */
  async storeAll(prepared: readonly PreparedCredential[], actor: string): Promise<void> {
    const write = () =>
      this.sql.transaction(async (tx) => {
        for (const credential of prepared) await tx.run(UPSERT, this.row(credential));
      });
    if (this.sql.dialect === 'sqlite') {
      const previous = await this.sql.one<{ synchronous: number }>('PRAGMA synchronous');
      await this.sql.run('PRAGMA synchronous = FULL');
      try {
        await write();
      } finally {
        await this.sql.run(`PRAGMA synchronous = ${Number(previous?.synchronous ?? 1)}`);
      }
    } else await write();
    // Recorded once stored: the audit log is not part of this store's transaction.
    for (const credential of prepared)
      this.audit.record(actor, 'credentials.issue', { account: credential.username });
  }

  /** The accounts that have a password. */
  async issuedAccounts(): Promise<Set<string>> {
    const rows = await this.sql.all<{ username: string }>('SELECT username FROM mqtt_credentials');
    return new Set(rows.map((r) => r.username));
  }

  private checkAccount(username: string): void {
    if (!identityOf(username, this.fleet)) {
      throw new CredentialError(
        'unknown-account',
        `"${username}" is neither a room of the fleet nor the hub's account; use a room id of the fleet (fleet.file, or shared/fleet.ts)`,
      );
    }
  }

  private row(credential: PreparedCredential): string[] {
    return [credential.username, credential.scryptHash, credential.mosquittoHash, this.now().toISOString()];
  }

  /**
   * Disables a room's account until a new password is issued; false when it has none or is
   * disabled already. The hub's own account is never disabled: the hub would cut itself off.
   */
  async disable(roomId: string, reason: string, actor: string): Promise<boolean> {
    if (identityOf(roomId, this.fleet)?.kind !== 'room') return false;
    const { changes } = await this.sql.run(
      `UPDATE mqtt_credentials SET disabled_at = ?, disabled_reason = ?
       WHERE username = ? AND disabled_at IS NULL`,
      [this.now().toISOString(), reason, roomId],
    );
    if (changes > 0) this.audit.record(actor, 'credentials.disable', { account: roomId, reason });
    return changes > 0;
  }

  /** The accounts disabled now. */
  async disabledAccounts(): Promise<string[]> {
    const rows = await this.sql.all<{ username: string }>(
      'SELECT username FROM mqtt_credentials WHERE disabled_at IS NOT NULL ORDER BY username',
    );
    return rows.map((r) => r.username);
  }

  /**
   * The identity these credentials prove, or null (unknown account, no password issued, account
   * disabled, wrong password).
   */
  async verify(username: string, password: string): Promise<MqttIdentity | null> {
    const identity = identityOf(username, this.fleet);
    if (!identity) return null;
    const row = await this.sql.one<{ scrypt_hash: string; disabled_at: string | null }>(
      'SELECT scrypt_hash, disabled_at FROM mqtt_credentials WHERE username = ?',
      [username],
    );
    if (!row || row.disabled_at !== null) return null;
    return (await verifyPassword(password, row.scrypt_hash)) ? identity : null;
  }

  async list(): Promise<StoredCredential[]> {
    const rows = await this.sql.all<{
      username: string;
      mosquitto_hash: string;
      issued_at: string;
      disabled_at: string | null;
      disabled_reason: string | null;
    }>(
      `SELECT username, mosquitto_hash, issued_at, disabled_at, disabled_reason
       FROM mqtt_credentials ORDER BY username`,
    );
    return rows.map((r) => ({
      username: r.username,
      mosquittoHash: r.mosquitto_hash,
      issuedAt: r.issued_at,
      disabled: r.disabled_at ? { at: r.disabled_at, reason: r.disabled_reason ?? '' } : null,
    }));
  }
}
