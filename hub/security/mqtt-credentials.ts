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
import { applyMigrations, type Db } from '../store/database.js';
import type { AuditLog } from './audit-log.js';
import { mosquittoHash, mosquittoHashAsync } from './mosquitto-password.js';
import { accountsOf, identityOf, type MqttIdentity } from './mqtt-policy.js';
import { generatePassword, hashPassword, hashPasswordSync, verifyPassword } from './password-hash.js';

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
  {
    id: 'mqtt-credentials-2',
    sql: `ALTER TABLE mqtt_credentials ADD COLUMN disabled_at TEXT;
      ALTER TABLE mqtt_credentials ADD COLUMN disabled_reason TEXT;`,
  },
];

export class MqttCredentials {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly fleet: Fleet,
    private readonly now: () => Date = systemClock.now,
  ) {
    applyMigrations(db, migrations);
  }

  /** Every account the broker knows: the hub's and one per room of the fleet. */
  accounts(): MqttIdentity[] {
    return accountsOf(this.fleet);
  }

  /** A new password for `username` (a room id or the hub's account), returned once; the old one stops working. */
  issue(username: string, actor: string): string {
    this.checkAccount(username);
    const password = generatePassword();
    this.store(
      { username, password, scryptHash: hashPasswordSync(password), mosquittoHash: mosquittoHash(password) },
      actor,
    );
    return password;
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
   * Stores prepared passwords in one transaction, each replacing its account's old one. The commit
   * is flushed to disk before it returns (synchronous FULL for it alone): the caller hands the
   * passwords out next, and a password handed out must survive even a power cut.
   */
  storeAll(prepared: readonly PreparedCredential[], actor: string): void {
    const previous = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = FULL');
    try {
      this.db.transaction(() => {
        for (const credential of prepared) this.store(credential, actor);
      })();
    } finally {
      this.db.pragma(`synchronous = ${previous}`);
    }
  }

  /** The accounts that have a password. */
  issuedAccounts(): Set<string> {
    const rows = this.db.prepare('SELECT username FROM mqtt_credentials').all() as { username: string }[];
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

  private store(credential: PreparedCredential, actor: string): void {
    this.db
      .prepare(
        `INSERT INTO mqtt_credentials (username, scrypt_hash, mosquitto_hash, issued_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET scrypt_hash = excluded.scrypt_hash,
           mosquitto_hash = excluded.mosquitto_hash, issued_at = excluded.issued_at,
           disabled_at = NULL, disabled_reason = NULL`,
      )
      .run(credential.username, credential.scryptHash, credential.mosquittoHash, this.now().toISOString());
    this.audit.record(actor, 'credentials.issue', { account: credential.username });
  }

  /**
   * Disables a room's account until a new password is issued; false when it has none or is
   * disabled already. The hub's own account is never disabled: the hub would cut itself off.
   */
  disable(roomId: string, reason: string, actor: string): boolean {
    if (identityOf(roomId, this.fleet)?.kind !== 'room') return false;
    const changed =
      this.db
        .prepare(
          `UPDATE mqtt_credentials SET disabled_at = ?, disabled_reason = ?
           WHERE username = ? AND disabled_at IS NULL`,
        )
        .run(this.now().toISOString(), reason, roomId).changes > 0;
    if (changed) this.audit.record(actor, 'credentials.disable', { account: roomId, reason });
    return changed;
  }

  /** The accounts disabled now. */
  disabledAccounts(): string[] {
    return (
      this.db
        .prepare('SELECT username FROM mqtt_credentials WHERE disabled_at IS NOT NULL ORDER BY username')
        .all() as { username: string }[]
    ).map((r) => r.username);
  }

  /**
   * The identity these credentials prove, or null (unknown account, no password issued, account
   * disabled, wrong password).
   */
  async verify(username: string, password: string): Promise<MqttIdentity | null> {
    const identity = identityOf(username, this.fleet);
    const row = this.db
      .prepare('SELECT scrypt_hash, disabled_at FROM mqtt_credentials WHERE username = ?')
      .get(username) as { scrypt_hash: string; disabled_at: string | null } | undefined;
    if (!identity || !row || row.disabled_at !== null) return null;
    return (await verifyPassword(password, row.scrypt_hash)) ? identity : null;
  }

  list(): StoredCredential[] {
    return (
      this.db
        .prepare(
          `SELECT username, mosquitto_hash, issued_at, disabled_at, disabled_reason
           FROM mqtt_credentials ORDER BY username`,
        )
        .all() as {
        username: string;
        mosquitto_hash: string;
        issued_at: string;
        disabled_at: string | null;
        disabled_reason: string | null;
      }[]
    ).map((r) => ({
      username: r.username,
      mosquittoHash: r.mosquitto_hash,
      issuedAt: r.issued_at,
      disabled: r.disabled_at ? { at: r.disabled_at, reason: r.disabled_reason ?? '' } : null,
    }));
  }
}
