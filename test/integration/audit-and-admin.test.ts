/**
 * The audit log's hash chain against a real SQLite file, and the hub's administrative
 * subcommands (credentials, users, Mosquitto export, audit verify) as an operator runs them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { loadHubConfig } from '../../hub/config.js';
import { runAdminCommand } from '../../hub/security/admin-cli.js';
import { AuditLog, rowHash } from '../../hub/security/audit-log.js';
import { HUB_ACCOUNT } from '../../hub/security/mqtt-policy.js';
import { openSecurity } from '../../hub/security/security.js';
import { openDatabase } from '../../hub/store/database.js';
import { builtInFleet } from '../../shared/fleet.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('the audit log', () => {
  const file = path.join(dir.path, 'audit', 'hnth.db');
  const times = ['2026-11-30T01:00:00.000Z', '2026-11-30T01:05:00.000Z', '2026-11-30T01:10:00.000Z'];

  test('entries are chained, each to the one before, and the chain verifies', () => {
    const db = openDatabase(file);
    let i = 0;
    const audit = new AuditLog(db, () => new Date(times[i++ % times.length]!));
    const first = audit.record('op', 'power.off', { roomId: 'tinh-uy' });
    const second = audit.record('op', 'booking.create', { meetingId: 7 });
    audit.record('tech', 'override', { roomId: 'tinh-uy', minutes: 30 });
    expect(first).toMatchObject({ id: 1, at: times[0], prevHash: '0'.repeat(64) });
    expect(second.prevHash).toBe(first.hash);
    expect(audit.verify()).toEqual({ ok: true, rows: 3, head: audit.list(1)[0]!.hash });
    expect(audit.list(2).map((e) => e.action)).toEqual(['override', 'booking.create']);
    db.close();
  });

  test('the hub cannot change or remove an entry: the database refuses', () => {
    const db = openDatabase(file);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'x' WHERE id = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE id = 2').run()).toThrow(/append-only/);
    db.close();
  });

  test.each([
    [
      'a changed detail',
      'UPDATE audit_log SET details = \'{"roomId":"hdnd-tinh"}\' WHERE id = 1',
      1,
      /content/,
    ],
    ['a changed actor', "UPDATE audit_log SET actor = 'someone-else' WHERE id = 2", 2, /content/],
    ['a removed row', 'DELETE FROM audit_log WHERE id = 2', 3, /row 2 is missing/],
  ])('tampering behind the hub’s back (%s) is detected at the row', (_what, sql, badId, reason) => {
    const copy = path.join(dir.path, `tamper-${badId}.db`);
    const db = openDatabase(file);
    db.prepare('VACUUM INTO ?').run(copy);
    db.close();
    const tampered = openDatabase(copy);
    // Someone with the file can drop the triggers; the chain still tells.
    tampered.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    tampered.prepare(sql).run();
    expect(new AuditLog(tampered).verify()).toMatchObject({
      ok: false,
      badId,
      reason: expect.stringMatching(reason),
    });
    tampered.close();
  });

  test('a row rewritten with a recomputed hash still breaks the link to the next row', () => {
    const copy = path.join(dir.path, 'tamper-rehash.db');
    const db = openDatabase(file);
    db.prepare('VACUUM INTO ?').run(copy);
    db.close();
    const tampered = openDatabase(copy);
    tampered.exec('DROP TRIGGER audit_log_no_update;');
    const row = tampered.prepare('SELECT * FROM audit_log WHERE id = 1').get() as Record<string, string>;
    const details = JSON.stringify({ roomId: 'hdnd-tinh' });
    const hash = rowHash(1, row.at!, row.actor!, row.action!, details, row.prev_hash!);
    tampered.prepare('UPDATE audit_log SET details = ?, hash = ? WHERE id = 1').run(details, hash);
    expect(new AuditLog(tampered).verify()).toMatchObject({
      ok: false,
      badId: 2,
      reason: expect.stringMatching(/does not follow/),
    });
    tampered.close();
  });
});

describe('hnth-hub administrative subcommands', () => {
  const dataDir = path.join(dir.path, 'admin');
  const config = loadHubConfig({ env: {}, overrides: { dataDir } });

  async function run(...argv: string[]) {
    const db = openDatabase(path.join(dataDir, 'hnth.db'));
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await runAdminCommand(argv, openSecurity(db, builtInFleet), config, {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      return { code, out: out.join(''), err: err.join('') };
    } finally {
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
    expect(audit.list(5).filter((e) => e.action === 'credentials.issue')).toHaveLength(2);
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

  test('export mosquitto writes the password file from the stored hashes and the ACL', async () => {
    await run('credentials', 'issue', HUB_ACCOUNT);
    const out = path.join(dir.path, 'export');
    const res = await run('export', 'mosquitto', out);
    expect(res.code).toBe(0);
    const passwords = readFileSync(path.join(out, 'passwords'), 'utf8').trim().split('\n');
    expect(passwords.map((l) => l.split(':')[0]).sort()).toEqual([HUB_ACCOUNT, 'tinh-uy']);
    for (const line of passwords)
      expect(line).toMatch(/^[a-z-]+:\$7\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{88}$/);
    expect(statSync(path.join(out, 'passwords')).mode & 0o077).toBe(0o040);
    expect(readFileSync(path.join(out, 'acl'), 'utf8')).toContain(
      'user tinh-uy\ntopic write hnth/v1/rooms/tinh-uy/status',
    );
  });

  test('audit verify: intact, then a tampered row named with exit code 1', async () => {
    const intact = await run('audit', 'verify');
    expect(intact).toMatchObject({ code: 0, out: expect.stringMatching(/audit log intact: \d+ rows/) });
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
