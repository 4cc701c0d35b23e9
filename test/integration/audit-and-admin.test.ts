/**
 * The audit log's rows from before its key, its key, and the hub's administrative subcommands
 * (credentials, users, Mosquitto export, audit verify) as an operator runs them. The chain itself,
 * on both stores: audit-log-store.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { loadHubConfig } from '../../hub/config.js';
import { runAdminCommand } from '../../hub/security/admin-cli.js';
import { appendCheckpoint, latestCheckpoint, signCheckpoint } from '../../hub/security/audit-checkpoints.js';
import { AUDIT_KEY_FILE, loadOrCreateAuditKey } from '../../hub/security/audit-key.js';
import { AuditLog, auditMigrations, unkeyedRowHash } from '../../hub/security/audit-log.js';
import { HUB_ACCOUNT } from '../../hub/security/mqtt-policy.js';
import { openSecurity } from '../../hub/security/security.js';
import { openDatabase } from '../../hub/store/database.js';
import { sqliteStore } from '../../hub/store/sql.js';
import { builtInFleet } from '../../shared/fleet.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('the audit log on a hub’s SQLite file from before its key', () => {
  const times = ['2026-11-30T01:00:00.000Z', '2026-11-30T01:05:00.000Z'];

  test('rows from before the key keep verifying as the start of the chain, never after a keyed row', async () => {
    const key = randomBytes(32);
    const db = openDatabase(path.join(dir.path, 'legacy.db'));
    // The first release's table (its triggers left out here) and its plain SHA-256 rows.
    db.exec(`CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
      action TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`);
    db.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES ('audit-1', ?)").run(times[0]);
    let prev = '0'.repeat(64);
    for (const id of [1, 2]) {
      const hash = unkeyedRowHash(id, times[0]!, 'cli', 'credentials.issue', '{}', prev);
      db.prepare('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        id,
        times[0],
        'cli',
        'credentials.issue',
        '{}',
        prev,
        hash,
      );
      prev = hash;
    }
    const store = sqliteStore(db);
    await store.migrate(auditMigrations);
    const audit = new AuditLog(store.sql, key);
    await audit.record('op', 'login');
    expect(await audit.verify()).toMatchObject({ ok: true, rows: 3, unkeyedRows: 2 });
    // An unkeyed row appended after the keyed ones is a forgery, whatever its hash.
    const last = (await audit.list(1))[0]!;
    db.prepare(
      'INSERT INTO audit_log (id, at, actor, action, details, prev_hash, hash) VALUES (4, ?, ?, ?, ?, ?, ?)',
    ).run(
      times[1],
      'op',
      'logout',
      '{}',
      last.hash,
      unkeyedRowHash(4, times[1]!, 'op', 'logout', '{}', last.hash),
    );
    expect(await audit.verify()).toMatchObject({
      ok: false,
      badId: 4,
      reason: 'an unkeyed row after keyed ones',
    });
    db.close();
  });
});

describe('the audit checkpoints file', () => {
  test('a checkpoint not signed with the key is not taken for one', () => {
    const key = randomBytes(32);
    const checkpoints = tempDir('hnth-checkpoints-');
    try {
      appendCheckpoint(checkpoints.path, signCheckpoint(key, '2026-11-30T01:00:00.000Z', 1, 'a'.repeat(64)));
      appendCheckpoint(
        checkpoints.path,
        signCheckpoint(randomBytes(32), '2026-11-30T01:05:00.000Z', 0, '0'.repeat(64)),
      );
      expect(latestCheckpoint(checkpoints.path, key)).toMatchObject({ checkpoint: { rows: 1 }, badLines: 1 });
    } finally {
      checkpoints.remove();
    }
  });
});

describe('the audit key', () => {
  test('is made at the first start with mode 0600, outside the data folder, and read back the same', () => {
    const folder = path.join(dir.path, 'key-home', 'hub-audit');
    const made = loadOrCreateAuditKey(folder);
    expect(made).toHaveLength(32);
    expect(statSync(path.join(folder, AUDIT_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateAuditKey(folder).equals(made)).toBe(true);
  });

  test('a key file others may read is refused, naming the file and what to do', () => {
    const folder = path.join(dir.path, 'key-loose');
    loadOrCreateAuditKey(folder);
    chmodSync(path.join(folder, AUDIT_KEY_FILE), 0o644);
    expect(() => loadOrCreateAuditKey(folder)).toThrow(/may be read by others.*chmod 600/);
  });

  test('the audit folder may not be inside the data folder', () => {
    expect(() =>
      loadHubConfig({ env: {}, overrides: { dataDir: '/var/lib/x', 'audit.dir': '/var/lib/x/audit' } }),
    ).toThrow(/audit.dir .* is inside the data folder/);
    expect(loadHubConfig({ env: {}, overrides: { dataDir: '/var/lib/x' } }).audit.dir).toBe(
      '/var/lib/x-audit',
    );
  });
});

describe('hnth-hub administrative subcommands', () => {
  const dataDir = path.join(dir.path, 'admin');
  const config = loadHubConfig({ env: {}, overrides: { dataDir } });

  async function run(...argv: string[]) {
    const db = openDatabase(path.join(dataDir, 'hnth.db'));
    const security = openSecurity(db, builtInFleet, { auditKey: loadOrCreateAuditKey(config.audit.dir) });
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await runAdminCommand(argv, security, config, {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      return { code, out: out.join(''), err: err.join('') };
    } finally {
      await security.audit.settled();
      db.close();
    }
  }
  const passwordIn = (text: string) => /\n\n {2}(\S+)\n/.exec(text)?.[1];

  test('credentials issue prints a new password once; the old one stops working', async () => {
    const first = await run('credentials', 'issue', 'tinh-uy');
    const second = await run('credentials', 'issue', 'tinh-uy');
    expect(first.code).toBe(0);
    const [old, fresh] = [passwordIn(first.out)!, passwordIn(second.out)!];
    expect(old).not.toBe(fresh);
    const db = openDatabase(path.join(dataDir, 'hnth.db'));
    const { credentials, audit } = openSecurity(db, builtInFleet);
    expect(await credentials.verify('tinh-uy', old)).toBeNull();
    expect(await credentials.verify('tinh-uy', fresh)).toEqual({ kind: 'room', roomId: 'tinh-uy' });
    expect(JSON.stringify(db.prepare('SELECT * FROM mqtt_credentials').all())).not.toContain(fresh);
    expect((await audit.list(5)).filter((e) => e.action === 'credentials.issue')).toHaveLength(2);
    db.close();
  });

  test('credentials for an account outside the fleet are refused, naming where rooms are listed', async () => {
    const res = await run('credentials', 'issue', 'not-a-room');
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/"not-a-room" is neither a room of the fleet .*shared\/fleet\.ts/);
  });

  test('users set: a technician needs a room; a bad role is named', async () => {
    expect((await run('users', 'set', 'tech', '--role', 'technician')).err).toMatch(/needs the room/);
    expect((await run('users', 'set', 'tech', '--role', 'admin')).err).toMatch(/role must be one of/);
    expect((await run('users', 'set', 'tech')).err).toMatch(/--role is required/);
    const ok = await run('users', 'set', 'tech', '--role', 'technician', '--room', 'tinh-uy');
    expect(ok.code).toBe(0);
    expect(passwordIn(ok.out)).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  test('export mosquitto writes the rooms’ and the hub’s password files from the stored hashes, and the ACL', async () => {
    await run('credentials', 'issue', HUB_ACCOUNT);
    const out = path.join(dir.path, 'export');
    const res = await run('export', 'mosquitto', out);
    expect(res.code).toBe(0);
    const lines = (file: string) => readFileSync(path.join(out, file), 'utf8').trim().split('\n');
    // The rooms' listener knows only rooms, the hub's loopback listener only the hub (issue 18.5).
    expect(lines('passwords').map((l) => l.split(':')[0])).toEqual(['tinh-uy']);
    expect(lines('hub-passwords').map((l) => l.split(':')[0])).toEqual([HUB_ACCOUNT]);
    for (const line of [...lines('passwords'), ...lines('hub-passwords')])
      expect(line).toMatch(/^[a-z-]+:\$7\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{88}$/);
    expect(statSync(path.join(out, 'passwords')).mode & 0o077).toBe(0o040);
    expect(statSync(path.join(out, 'hub-passwords')).mode & 0o077).toBe(0o040);
    expect(readFileSync(path.join(out, 'acl'), 'utf8')).toContain(
      'user tinh-uy\ntopic write hnth/v1/rooms/tinh-uy/status',
    );
  });

  test('refused changes are audited with their reason', async () => {
    await run('credentials', 'issue', 'not-a-room');
    await run('users', 'set', 'tech', '--role', 'admin');
    const db = openDatabase(path.join(dataDir, 'hnth.db'));
    const { audit } = openSecurity(db, builtInFleet, { auditKey: loadOrCreateAuditKey(config.audit.dir) });
    expect((await audit.list(2)).map((e) => [e.action, e.result, e.code])).toEqual([
      ['user.set', 'refused', 'bad-role'],
      ['credentials.issue', 'refused', 'unknown-account'],
    ]);
    db.close();
  });

  test('audit verify: intact against the latest checkpoint; the newest rows deleted, exit code 1', async () => {
    const key = loadOrCreateAuditKey(config.audit.dir);
    const db = openDatabase(path.join(dataDir, 'hnth.db'));
    const verdict = await openSecurity(db, builtInFleet, { auditKey: key }).audit.verify();
    if (!verdict.ok) throw new Error('the chain should verify');
    const checkpoint = signCheckpoint(key, '2026-11-30T02:00:00.000Z', verdict.rows, verdict.head);
    appendCheckpoint(config.audit.dir, checkpoint);
    const intact = await run('audit', 'verify');
    expect(intact).toMatchObject({
      code: 0,
      out: expect.stringMatching(
        /audit log intact: \d+ rows, HMAC chain verified, and it holds the checkpoint of 2026-11-30T02:00:00.000Z/,
      ),
    });
    db.exec(`DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = ${verdict.rows};`);
    db.close();
    expect(await run('audit', 'verify')).toMatchObject({
      code: 1,
      err: expect.stringMatching(
        /TAMPERED: the log has \d+ rows, the checkpoint .* its newest rows were removed/,
      ),
    });
    // A checkpoint copied from the journal (the hub's whole log line) is checked the same way.
    const journalLine = JSON.stringify({ level: 30, msg: 'audit checkpoint', checkpoint });
    expect(await run('audit', 'verify', '--checkpoint', journalLine)).toMatchObject({ code: 1 });
    expect(await run('audit', 'verify', '--checkpoint', '{"rows":1}')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/not one signed with this hub's audit key/),
    });
  });

  test('audit verify: a changed row is named, exit code 1', async () => {
    const db = openDatabase(path.join(dataDir, 'hnth.db'));
    db.exec("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET action = 'nothing' WHERE id = 2;");
    db.close();
    const tampered = await run('audit', 'verify');
    expect(tampered).toMatchObject({ code: 1, err: expect.stringMatching(/TAMPERED at row 2/) });
  });

  test('an unknown subcommand prints the usage', async () => {
    const res = await run('credentials', 'burn');
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/usage:/);
  });
});

describe('the hnth-hub command line', () => {
  const dataDir = path.join(dir.path, 'cli');
  const hnthHub = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args], {
      env: { ...process.env, NODE_OPTIONS: '', HNTH_DATA_DIR: dataDir },
      encoding: 'utf8',
    });

  test('dispatches the administrative subcommands on the configured data folder', () => {
    const issued = hnthHub('credentials', 'issue', 'tinh-uy');
    expect(issued.status).toBe(0);
    expect(issued.stdout).toMatch(/New broker password for tinh-uy/);
    const verified = hnthHub('audit', 'verify');
    expect([verified.status, verified.stdout]).toEqual([0, expect.stringMatching(/intact: 1 rows/)]);
  });

  test('an unknown subcommand prints the usage and exits 2', () => {
    const res = hnthHub('rotate');
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/hnth-hub credentials issue/);
  });
});
